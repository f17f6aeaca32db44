import "../../lib/zod-messages";
import {
  createProfileSchema,
  phoneModelNames,
  softwareTypes,
  updateProfileSchema,
  type CreateProfileInput,
  type Profile,
  type UpdateProfileInput,
  type RenderReport,
} from "@cisisk/contract";
import { xml } from "@codemirror/lang-xml";
import {
  Alert,
  Button,
  Checkbox,
  Code,
  Grid,
  Group,
  Input,
  Modal,
  ScrollArea,
  Select,
  Stack,
  Text,
} from "@mantine/core";
import { IconAlertCircle, IconAlertTriangle, IconEye } from "@tabler/icons-react";
import CodeMirror, { EditorView } from "@uiw/react-codemirror";
import { useState } from "react";
import { Controller, type Resolver } from "react-hook-form";
import type { z } from "zod";
import { api } from "../../lib/api-client";
import { errorMessage } from "../../lib/form-errors";
import { sentence } from "../../lib/format";
import { useAllPhones, useUserOptions } from "../../lib/lookups";
import { requestResolver } from "../../lib/request-resolver";
import { MultiSelectField } from "../../ui/fields/multi-select-field";
import { SelectField } from "../../ui/fields/select-field";
import { TextField } from "../../ui/fields/text-field";
import { FormActions, FormErrorAlert, notifySaved, useSaveForm } from "../../ui/form-submit";
import { fetchRenderReport, useCreateProfile, useTemplates, useUpdateProfile } from "./queries";

interface ProfileFormValues {
  name: string;
  description: string;
  userId: string;
  softwareType: string;
  compatibleModels: string[];
  cnfXml: string;
}
const FIELDS = ["name", "description", "userId", "softwareType", "compatibleModels", "cnfXml"] as const;
type CreateBody = z.output<typeof createProfileSchema>;
type UpdateBody = z.output<typeof updateProfileSchema>;

const toBody = (v: ProfileFormValues) => ({
  name: v.name,
  description: v.description,
  userId: v.userId || null,
  softwareType: (v.softwareType || null) as CreateProfileInput["softwareType"],
  compatibleModels: v.compatibleModels,
  cnfXml: v.cnfXml,
});
const createResolver = requestResolver(createProfileSchema, (v: ProfileFormValues): CreateProfileInput => toBody(v));
const updateResolver = requestResolver(updateProfileSchema, (v: ProfileFormValues): UpdateProfileInput => toBody(v));

const xmlExtensions = [xml(), EditorView.lineWrapping];

export function ProfileEditorModal({
  opened,
  profile,
  onClose,
}: {
  opened: boolean;
  profile: Profile | null;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={profile ? `Edit profile ${profile.name}` : "New profile"}
      size="90%"
    >
      {opened && <ProfileEditor key={profile?.id ?? "new"} profile={profile} onDone={onClose} />}
    </Modal>
  );
}

function ProfileEditor({ profile, onDone }: { profile: Profile | null; onDone: () => void }) {
  const create = useCreateProfile();
  const update = useUpdateProfile();
  const users = useUserOptions();
  const templates = useTemplates();
  const phones = useAllPhones();
  const [previewPhone, setPreviewPhone] = useState<string | null>(null);
  const [showSecrets, setShowSecrets] = useState(false);
  const [preview, setPreview] = useState<{
    text: string | null;
    report: RenderReport | null;
    error: string | null;
    loading: boolean;
  }>({ text: null, report: null, error: null, loading: false });
  const { form, alert, handleSave } = useSaveForm({
    resolver: (profile ? updateResolver : createResolver) as Resolver<
      ProfileFormValues,
      unknown,
      CreateBody | UpdateBody
    >,
    defaultValues: {
      name: profile?.name ?? "",
      description: profile?.description ?? "",
      userId: profile?.userId ?? "",
      softwareType: profile?.softwareType ?? "",
      compatibleModels: profile?.compatibleModels ?? [],
      cnfXml: profile?.cnfXml ?? "",
    },
    fields: FIELDS,
    save: async (body) => {
      const b = { ...body } as CreateBody;
      if (!profile && !b.cnfXml) delete b.cnfXml;
      const saved = profile
        ? await update.mutateAsync({ id: profile.id, patch: body as UpdateProfileInput })
        : await create.mutateAsync(b);
      notifySaved("Profile saved", `${saved.name} was saved.`);
      onDone();
    },
  });
  const { control, setValue } = form;
  const { errors, isSubmitting } = form.formState;

  const handlePreview = async () => {
    if (!profile || !previewPhone) return;
    setPreview({ text: null, report: null, error: null, loading: true });
    try {
      const [text, report] = await Promise.all([
        api.text(`/profiles/${profile.id}/render`, {
          query: { phoneId: previewPhone, showSecrets: showSecrets || undefined },
        }),
        fetchRenderReport(profile.id, previewPhone),
      ]);
      setPreview({ text, report, error: null, loading: false });
    } catch (error) {
      setPreview({ text: null, report: null, error: errorMessage(error), loading: false });
    }
  };

  return (
    <form onSubmit={handleSave} noValidate>
      <Stack gap="sm">
        <FormErrorAlert title="Could not save the profile" alert={alert} />
        <Grid>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Stack gap="sm">
              <TextField control={control} name="name" label="Name" withAsterisk data-autofocus />
              <TextField control={control} name="description" label="Description" />
              <SelectField
                control={control}
                name="userId"
                label="Owner"
                description="Lines come from the owner's extensions"
                clearable
                searchable
                data={users.options}
              />
              <SelectField
                control={control}
                name="softwareType"
                label="Software type"
                placeholder="All"
                clearable
                data={[...softwareTypes]}
              />
              <MultiSelectField
                control={control}
                name="compatibleModels"
                label="Compatible models"
                description="Empty: every model"
                searchable
                clearable
                data={phoneModelNames}
              />
              <Select
                label="Start from a built-in template"
                placeholder={profile ? "Replace the template…" : "Default: the one for the software type"}
                data={(templates.data?.data ?? []).map((t) => ({ value: t.softwareType, label: t.name }))}
                value={null}
                onChange={(v) => {
                  const t = templates.data?.data.find((x) => x.softwareType === v);
                  if (t) setValue("cnfXml", t.cnfXml, { shouldDirty: true });
                }}
              />
              <Text size="xs" c="dimmed">
                Placeholders:{" "}
                {
                  "{{mac}} {{deviceName}} {{model}} {{ip}} {{asteriskHost}} {{sipPort}} {{servicesUrl}} {{directoryUrl}} {{line1.number}} {{line1.password}} {{@sipLines}} {{@addOnModules}}"
                }{" "}
                and more (docs/profiles.md).
              </Text>
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Controller
              control={control}
              name="cnfXml"
              render={({ field }) => (
                <Input.Wrapper label="SEP<MAC>.cnf.xml template" error={sentence(errors.cnfXml?.message)}>
                  <CodeMirror
                    aria-label="cnfXml"
                    value={field.value}
                    height="420px"
                    extensions={xmlExtensions}
                    placeholder="Empty: the built-in template for the software type"
                    onChange={(v) => field.onChange(v)}
                  />
                </Input.Wrapper>
              )}
            />
          </Grid.Col>
        </Grid>
        {profile && (
          <Stack gap="xs">
            <Group align="flex-end">
              <Select
                label="Preview for phone"
                searchable
                data={(phones.data?.data ?? []).map((p) => ({
                  value: p.id,
                  label: `${p.mac} · ${p.model}${p.label ? ` · ${p.label}` : ""}`,
                }))}
                value={previewPhone}
                onChange={setPreviewPhone}
                w={320}
              />
              <Checkbox
                label="Show passwords"
                checked={showSecrets}
                onChange={(e) => setShowSecrets(e.currentTarget.checked)}
                mb={8}
              />
              <Button
                variant="light"
                leftSection={<IconEye size={16} />}
                disabled={!previewPhone}
                loading={preview.loading}
                onClick={handlePreview}
              >
                Preview saved profile
              </Button>
            </Group>
            {preview.error && (
              <Alert color="red" icon={<IconAlertCircle />}>
                {preview.error}
              </Alert>
            )}
            {preview.report && <PreviewReport report={preview.report} />}
            {preview.text && (
              <ScrollArea h={300} data-testid="profile-preview">
                <Code block>{preview.text}</Code>
              </ScrollArea>
            )}
          </Stack>
        )}
        <FormActions
          submitLabel={profile ? "Save profile" : "Create profile"}
          submitting={isSubmitting}
          onCancel={onDone}
        />
      </Stack>
    </form>
  );
}

/** Where the file's load and lines come from, and the warnings the administrator must see before deploying. */
function PreviewReport({ report }: { report: RenderReport }) {
  const load = report.loadInformation;
  const lines = report.lines
    .map((l) => `${l.number} on key ${l.button}${l.registers ? "" : " (will not register)"}`)
    .join(", ");
  return (
    <Stack gap={4} data-testid="preview-report">
      <Text size="sm">
        {report.fileName}: firmware load{" "}
        <Text span fw={500}>
          {load.load ?? "none (empty loadInformation)"}
        </Text>{" "}
        ({load.description}){lines && ` · lines ${lines}`}
      </Text>
      {report.warnings.map((w) => (
        <Alert key={w.code} color="yellow" icon={<IconAlertTriangle />} p="xs" role="status">
          {w.message}
        </Alert>
      ))}
    </Stack>
  );
}
