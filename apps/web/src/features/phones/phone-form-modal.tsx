import "../../lib/zod-messages";
import {
  createPhoneSchema,
  findPhoneModel,
  phoneCatalogue,
  updatePhoneSchema,
  type CreatePhoneInput,
  type Phone,
  type UpdatePhoneInput,
} from "@cisisk/contract";
import { Button, Group, Modal, Select, SimpleGrid, Stack, TextInput } from "@mantine/core";
import { Controller, useForm, type Resolver } from "react-hook-form";
import type { z } from "zod";
import { sentence } from "../../lib/format";
import { requestResolver } from "../../lib/request-resolver";
import { FormErrorAlert, notifySaved, useServerErrors } from "../../ui/form-submit";
import { useUserOptions } from "../profiles/queries";
import { useCreatePhone, useUpdatePhone } from "./queries";

interface PhoneFormValues {
  mac: string;
  model: string;
  softwareType: string;
  ip: string;
  location: string;
  label: string;
  userId: string;
  firmwareLoad: string;
}
const FIELDS = ["mac", "model", "softwareType", "ip", "location", "label", "userId", "firmwareLoad"] as const;
type CreateBody = z.output<typeof createPhoneSchema>;
type UpdateBody = z.output<typeof updatePhoneSchema>;

const toBody = (v: PhoneFormValues) => ({
  mac: v.mac,
  model: v.model,
  softwareType: (v.softwareType || null) as CreatePhoneInput["softwareType"],
  ip: v.ip,
  location: v.location,
  label: v.label,
  userId: v.userId || null,
  firmwareLoad: v.firmwareLoad.trim() || null,
});
const createResolver = requestResolver(createPhoneSchema, (v: PhoneFormValues): CreatePhoneInput => toBody(v));
const updateResolver = requestResolver(updatePhoneSchema, (v: PhoneFormValues): UpdatePhoneInput => toBody(v));

export const modelOptions = phoneCatalogue.map((m) => ({
  value: m.model,
  label: `${m.model} (${m.protocols.join("/")})`,
}));

export function PhoneFormModal({
  opened,
  phone,
  onClose,
}: {
  opened: boolean;
  phone: Phone | null;
  onClose: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={phone ? `Edit phone ${phone.mac}` : "New phone"} size="lg">
      <PhoneForm key={phone?.id ?? "new"} phone={phone} onDone={onClose} />
    </Modal>
  );
}

function PhoneForm({ phone, onDone }: { phone: Phone | null; onDone: () => void }) {
  const create = useCreatePhone();
  const update = useUpdatePhone();
  const users = useUserOptions();
  const {
    register,
    control,
    handleSubmit,
    setError,
    watch,
    formState: { errors, isSubmitting },
  } = useForm<PhoneFormValues, unknown, CreateBody | UpdateBody>({
    resolver: (phone ? updateResolver : createResolver) as Resolver<PhoneFormValues, unknown, CreateBody | UpdateBody>,
    defaultValues: {
      mac: phone?.mac ?? "",
      model: phone?.model ?? "",
      softwareType: phone?.softwareType ?? "",
      ip: phone?.ip ?? "",
      location: phone?.location ?? "",
      label: phone?.label ?? "",
      userId: phone?.userId ?? "",
      firmwareLoad: phone?.firmwareLoad ?? "",
    },
  });
  const protocols = findPhoneModel(watch("model") || "")?.protocols ?? ["SCCP", "SIP", "SIPE"];

  const { alert, guard } = useServerErrors(setError, FIELDS);
  const handleSave = handleSubmit(
    guard(async (body) => {
      if (phone) await update.mutateAsync({ id: phone.id, patch: body as UpdatePhoneInput });
      else await create.mutateAsync(body as CreatePhoneInput);
      notifySaved(
        phone ? "Phone saved" : "Phone added",
        `${(body as CreateBody).mac ?? phone?.mac} was ${phone ? "updated" : "added"}.`,
      );
      onDone();
    }),
  );

  return (
    <form onSubmit={handleSave} noValidate>
      <Stack gap="sm">
        <FormErrorAlert title="Could not save the phone" alert={alert} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="MAC address"
            description="Any spelling: 805ec0123456, 80:5E:C0:12:34:56, 80-5e-c0-12-34-56"
            withAsterisk
            data-autofocus
            autoComplete="off"
            error={sentence(errors.mac?.message)}
            {...register("mac")}
          />
          <Controller
            control={control}
            name="model"
            render={({ field }) => (
              <Select
                label="Model"
                withAsterisk
                searchable
                data={modelOptions}
                value={field.value || null}
                onChange={(v) => field.onChange(v ?? "")}
                error={sentence(errors.model?.message)}
              />
            )}
          />
          <Controller
            control={control}
            name="softwareType"
            render={({ field }) => (
              <Select
                label="Software"
                placeholder="Unknown"
                clearable
                data={protocols.map((p) => ({ value: p, label: p }))}
                value={field.value || null}
                onChange={(v) => field.onChange(v ?? "")}
                error={sentence(errors.softwareType?.message)}
              />
            )}
          />
          <TextInput label="IP address" autoComplete="off" error={sentence(errors.ip?.message)} {...register("ip")} />
          <TextInput label="Label" autoComplete="off" error={sentence(errors.label?.message)} {...register("label")} />
          <TextInput
            label="Location"
            autoComplete="off"
            error={sentence(errors.location?.message)}
            {...register("location")}
          />
          <TextInput
            label="Firmware load"
            description="Empty: the model's load (Firmware tab)"
            placeholder="e.g. sip88xx.14-2-1-0001-14"
            autoComplete="off"
            error={sentence(errors.firmwareLoad?.message)}
            {...register("firmwareLoad")}
          />
          <Controller
            control={control}
            name="userId"
            render={({ field }) => (
              <Select
                label="Owner"
                placeholder="Nobody"
                clearable
                searchable
                data={(users.data?.data ?? []).map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` }))}
                value={field.value || null}
                onChange={(v) => field.onChange(v ?? "")}
                error={sentence(errors.userId?.message)}
              />
            )}
          />
        </SimpleGrid>
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={isSubmitting}>
            {phone ? "Save phone" : "Add phone"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
