import "../../lib/zod-messages";
import {
  createExtensionSchema,
  extensionTechnologies,
  SECRET_MAX,
  updateExtensionSchema,
  type CreateExtensionInput,
  type Extension,
  type ExtensionTechnology,
  type UpdateExtensionInput,
} from "@cisisk/contract";
import {
  Button,
  Divider,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { Controller, useForm, type Control, type FieldPath, type Resolver } from "react-hook-form";
import type { z } from "zod";
import { sentence } from "../../lib/format";
import { requestResolver } from "../../lib/request-resolver";
import { FormErrorAlert, notifySaved, useServerErrors } from "../../ui/form-submit";
import { useCreateExtension, useUpdateExtension, useUserOptions } from "./queries";

interface FormValues {
  technology: ExtensionTechnology;
  number: string;
  displayName: string;
  userId: string | null;
  secret: string;
  context: string;
  voicemail: string;
  codecs: string;
  sccp: {
    label: string;
    cidName: string;
    cidNum: string;
    deviceName: string;
    deviceType: string;
    lineInstance: number;
  };
  /** chan_sip protocols (transport=), e.g. "tcp" or "tcp,udp". */
  sip: { transport: string; nat: string; dtmfMode: string; directMedia: boolean };
  pjsip: {
    /** A pjsip.conf transport section name. */
    transport: string;
    authType: "md5" | "userpass";
    maxContacts: number;
    removeExisting: boolean;
    qualifyFrequency: number;
    directMedia: boolean;
    dtmfMode: string;
  };
}
const FIELDS = [
  "number",
  "displayName",
  "userId",
  "secret",
  "context",
  "voicemail",
  "codecs",
  "sip.transport",
  "pjsip.transport",
] as const;

const codecsOf = (text: string) =>
  text.trim()
    ? text
        .split(/[\s,]+/)
        .map((c) => c.trim().toLowerCase())
        .filter(Boolean)
    : null;

function optionsOf(v: FormValues) {
  if (v.technology === "SCCP") return { sccp: v.sccp };
  if (v.technology === "SIP") return { sip: v.sip as never };
  return { pjsip: v.pjsip as never };
}

const createResolver = requestResolver(
  createExtensionSchema,
  (v: FormValues) =>
    ({
      technology: v.technology,
      number: v.number,
      displayName: v.displayName,
      userId: v.userId,
      secret: v.secret || undefined,
      context: v.context.trim() || undefined,
      voicemail: v.voicemail,
      codecs: codecsOf(v.codecs),
      ...optionsOf(v),
    }) as CreateExtensionInput,
);

const updateResolver = requestResolver(updateExtensionSchema, (v: FormValues): UpdateExtensionInput => ({
  technology: v.technology,
  number: v.number,
  displayName: v.displayName,
  userId: v.userId,
  ...(v.secret ? { secret: v.secret } : {}),
  ...(v.context.trim() ? { context: v.context } : {}),
  voicemail: v.voicemail,
  codecs: codecsOf(v.codecs),
  ...optionsOf(v),
}));

type Body = z.output<typeof createExtensionSchema> | z.output<typeof updateExtensionSchema>;

function defaultsOf(e: Extension | null): FormValues {
  return {
    technology: e?.technology ?? "PJSIP",
    number: e?.number ?? "",
    displayName: e?.displayName ?? "",
    userId: e?.userId ?? null,
    secret: "",
    context: e?.context ?? "",
    voicemail: e?.voicemail ?? "",
    codecs: e?.codecs?.join(",") ?? "",
    sccp: {
      label: e?.sccp?.label ?? "",
      cidName: e?.sccp?.cidName ?? "",
      cidNum: e?.sccp?.cidNum ?? "",
      deviceName: e?.sccp?.deviceName ?? "",
      deviceType: e?.sccp?.deviceType ?? "",
      lineInstance: e?.sccp?.lineInstance ?? 1,
    },
    sip: {
      transport: e?.sip?.transport ?? "",
      nat: e?.sip?.nat ?? "force_rport,comedia",
      dtmfMode: e?.sip?.dtmfMode ?? "rfc2833",
      directMedia: e?.sip?.directMedia ?? false,
    },
    pjsip: {
      transport: e?.pjsip?.transport ?? "",
      authType: e?.pjsip?.authType ?? "md5",
      maxContacts: e?.pjsip?.maxContacts ?? 1,
      removeExisting: e?.pjsip?.removeExisting ?? true,
      qualifyFrequency: e?.pjsip?.qualifyFrequency ?? 60,
      directMedia: e?.pjsip?.directMedia ?? false,
      dtmfMode: e?.pjsip?.dtmfMode ?? "rfc4733",
    },
  };
}

export function ExtensionFormModal({
  opened,
  extension,
  onClose,
}: {
  opened: boolean;
  extension: Extension | null;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={extension ? `Edit extension ${extension.number}` : "New extension"}
      size="lg"
    >
      <ExtensionForm key={extension?.id ?? "new"} extension={extension} onDone={onClose} />
    </Modal>
  );
}

function ExtensionForm({ extension, onDone }: { extension: Extension | null; onDone: () => void }) {
  const create = useCreateExtension();
  const update = useUpdateExtension();
  const users = useUserOptions(true);
  const {
    register,
    control,
    handleSubmit,
    setError,
    watch,
    formState: { errors, isSubmitting },
  } = useForm<FormValues, unknown, Body>({
    resolver: (extension ? updateResolver : createResolver) as Resolver<FormValues, unknown, Body>,
    defaultValues: defaultsOf(extension),
  });
  const technology = watch("technology");
  const err = (name: FieldPath<FormValues>) => {
    const parts = name.split(".");
    let node: unknown = errors;
    for (const p of parts) node = (node as Record<string, unknown> | undefined)?.[p];
    return sentence((node as { message?: string } | undefined)?.message);
  };

  const { alert, guard } = useServerErrors(setError, FIELDS);
  const handleSave = handleSubmit(
    guard(async (body) => {
      if (extension) {
        const saved = await update.mutateAsync({ id: extension.id, patch: body as UpdateExtensionInput });
        notifySaved("Extension saved", `${saved.number} was updated.`);
      } else {
        const created = await create.mutateAsync(body as CreateExtensionInput);
        notifySaved("Extension created", `${created.number} was added.`);
      }
      onDone();
    }),
  );

  return (
    <form onSubmit={handleSave} noValidate>
      <Stack gap="sm">
        <FormErrorAlert title="Could not save the extension" alert={alert} />
        <Controller
          control={control}
          name="technology"
          render={({ field }) => (
            <Stack gap={4}>
              <Text size="sm" fw={500} id="technology-label">
                Technology
              </Text>
              <SegmentedControl
                aria-labelledby="technology-label"
                value={field.value}
                onChange={(v) => field.onChange(v as ExtensionTechnology)}
                data={extensionTechnologies.map((t) => ({ value: t, label: t }))}
              />
            </Stack>
          )}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Number"
            description="Digits only; also the SIP username"
            withAsterisk
            autoComplete="off"
            data-autofocus
            error={err("number")}
            {...register("number")}
          />
          <TextInput
            label="Display name"
            withAsterisk
            autoComplete="off"
            error={err("displayName")}
            {...register("displayName")}
          />
          <Controller
            control={control}
            name="userId"
            render={({ field }) => (
              <Select
                label="User"
                description="The person this line belongs to"
                placeholder="No user"
                searchable
                clearable
                data={users.data ?? []}
                value={field.value}
                onChange={(v) => field.onChange(v)}
                onBlur={field.onBlur}
                error={err("userId")}
              />
            )}
          />
          <PasswordInput
            label="Secret"
            description={
              extension
                ? "Leave empty to keep the current secret"
                : `Leave empty to generate a strong one (at most ${SECRET_MAX} characters)`
            }
            autoComplete="new-password"
            error={err("secret")}
            {...register("secret")}
          />
          <TextInput
            label="Context"
            description="Empty: the configured default context"
            autoComplete="off"
            error={err("context")}
            {...register("context")}
          />
          <TextInput
            label="Voicemail box"
            placeholder="1001@default"
            autoComplete="off"
            error={err("voicemail")}
            {...register("voicemail")}
          />
          <TextInput
            label="Codecs"
            description="Comma-separated, in order; empty: ulaw,alaw,g722"
            autoComplete="off"
            error={err("codecs")}
            {...register("codecs")}
          />
          {/* Two different things: chan_sip protocols, or the name of a pjsip.conf transport section. */}
          {technology === "SIP" && (
            <TextInput
              key="sip.transport"
              label="Transport"
              description="chan_sip protocols: udp, tcp or tls, comma-separated (first = default)"
              autoComplete="off"
              error={err("sip.transport")}
              {...register("sip.transport")}
            />
          )}
          {technology === "PJSIP" && (
            <TextInput
              key="pjsip.transport"
              label="Transport"
              description="A pjsip.conf transport section, e.g. transport-tcp"
              autoComplete="off"
              error={err("pjsip.transport")}
              {...register("pjsip.transport")}
            />
          )}
        </SimpleGrid>
        <Divider label={`${technology} settings`} labelPosition="left" />
        {technology === "SCCP" && <SccpFields register={register} err={err} control={control} />}
        {technology === "SIP" && <SipFields control={control} />}
        {technology === "PJSIP" && <PjsipFields control={control} err={err} />}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={isSubmitting}>
            {extension ? "Save" : "Create extension"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

type Register = ReturnType<typeof useForm<FormValues, unknown, Body>>["register"];
type Err = (name: FieldPath<FormValues>) => string | undefined;

function SccpFields({
  register,
  err,
  control,
}: {
  register: Register;
  err: Err;
  control: Control<FormValues, unknown, Body>;
}) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      <TextInput label="Line label" autoComplete="off" error={err("sccp.label")} {...register("sccp.label")} />
      <TextInput label="Caller ID name" autoComplete="off" error={err("sccp.cidName")} {...register("sccp.cidName")} />
      <TextInput label="Caller ID number" autoComplete="off" error={err("sccp.cidNum")} {...register("sccp.cidNum")} />
      <TextInput
        label="Device"
        description="SEP + MAC of the phone that has this line (optional)"
        placeholder="SEP001122334455"
        autoComplete="off"
        error={err("sccp.deviceName")}
        {...register("sccp.deviceName")}
      />
      <TextInput
        label="Device type"
        placeholder="7960"
        autoComplete="off"
        error={err("sccp.deviceType")}
        {...register("sccp.deviceType")}
      />
      <Controller
        control={control}
        name="sccp.lineInstance"
        render={({ field }) => (
          <NumberInput
            label="Button"
            description="Position of the line on the device"
            min={1}
            max={127}
            value={field.value}
            onChange={(v) => field.onChange(typeof v === "number" ? v : 1)}
            error={err("sccp.lineInstance")}
          />
        )}
      />
    </SimpleGrid>
  );
}

function SipFields({ control }: { control: Control<FormValues, unknown, Body> }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      <Controller
        control={control}
        name="sip.nat"
        render={({ field }) => (
          <Select
            label="NAT"
            allowDeselect={false}
            data={["no", "force_rport", "comedia", "force_rport,comedia", "yes"]}
            value={field.value}
            onChange={(v) => field.onChange(v ?? field.value)}
          />
        )}
      />
      <Controller
        control={control}
        name="sip.dtmfMode"
        render={({ field }) => (
          <Select
            label="DTMF mode"
            allowDeselect={false}
            data={["rfc2833", "info", "inband", "auto"]}
            value={field.value}
            onChange={(v) => field.onChange(v ?? field.value)}
          />
        )}
      />
      <Controller
        control={control}
        name="sip.directMedia"
        render={({ field }) => (
          <Switch
            label="Direct media"
            checked={field.value}
            onChange={(event) => field.onChange(event.currentTarget.checked)}
          />
        )}
      />
    </SimpleGrid>
  );
}

function PjsipFields({ control, err }: { control: Control<FormValues, unknown, Body>; err: Err }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      <Controller
        control={control}
        name="pjsip.authType"
        render={({ field }) => (
          <Select
            label="Auth type"
            description="md5 keeps only the digest in Asterisk"
            allowDeselect={false}
            data={[
              { value: "md5", label: "md5 (md5_cred)" },
              { value: "userpass", label: "userpass (password)" },
            ]}
            value={field.value}
            onChange={(v) => field.onChange(v ?? field.value)}
          />
        )}
      />
      <Controller
        control={control}
        name="pjsip.dtmfMode"
        render={({ field }) => (
          <Select
            label="DTMF mode"
            allowDeselect={false}
            data={["rfc4733", "inband", "info", "auto"]}
            value={field.value}
            onChange={(v) => field.onChange(v ?? field.value)}
          />
        )}
      />
      <Controller
        control={control}
        name="pjsip.maxContacts"
        render={({ field }) => (
          <NumberInput
            label="Max contacts"
            description="More than 1 for a shared line"
            min={1}
            max={20}
            value={field.value}
            onChange={(v) => field.onChange(typeof v === "number" ? v : 1)}
            error={err("pjsip.maxContacts")}
          />
        )}
      />
      <Controller
        control={control}
        name="pjsip.qualifyFrequency"
        render={({ field }) => (
          <NumberInput
            label="Qualify every (s)"
            min={0}
            max={3600}
            value={field.value}
            onChange={(v) => field.onChange(typeof v === "number" ? v : 0)}
            error={err("pjsip.qualifyFrequency")}
          />
        )}
      />
      <Controller
        control={control}
        name="pjsip.removeExisting"
        render={({ field }) => (
          <Switch
            label="Replace the old registration"
            checked={field.value}
            onChange={(event) => field.onChange(event.currentTarget.checked)}
          />
        )}
      />
      <Controller
        control={control}
        name="pjsip.directMedia"
        render={({ field }) => (
          <Switch
            label="Direct media"
            checked={field.value}
            onChange={(event) => field.onChange(event.currentTarget.checked)}
          />
        )}
      />
    </SimpleGrid>
  );
}
