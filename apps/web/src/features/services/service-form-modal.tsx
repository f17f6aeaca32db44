import "../../lib/zod-messages";
import {
  createServiceSchema,
  updateServiceSchema,
  type CreateServiceInput,
  type PhoneService,
  type UpdateServiceInput,
} from "@cisisk/contract";
import { Modal, Stack } from "@mantine/core";
import { useWatch, type Resolver } from "react-hook-form";
import type { z } from "zod";
import { usePhoneOptions, useProfileOptions, withSelected } from "../../lib/lookups";
import { requestResolver } from "../../lib/request-resolver";
import { MultiSelectField } from "../../ui/fields/multi-select-field";
import { SwitchField } from "../../ui/fields/switch-field";
import { TextField } from "../../ui/fields/text-field";
import { TextareaField } from "../../ui/fields/textarea-field";
import { FormActions, FormErrorAlert, notifySaved, useSaveForm } from "../../ui/form-submit";
import { useCreateService, useUpdateService } from "./queries";

interface ServiceFormValues {
  name: string;
  url: string;
  description: string;
  enabled: boolean;
  requiresLogin: boolean;
  phoneIds: string[];
  profileIds: string[];
}
const FIELDS = ["name", "url", "description", "enabled", "requiresLogin", "phoneIds", "profileIds"] as const;
type Body = z.output<typeof createServiceSchema> | z.output<typeof updateServiceSchema>;

const toRequest = (v: ServiceFormValues) => ({ ...v, description: v.description.trim() || null });
const createResolver = requestResolver(createServiceSchema, (v: ServiceFormValues): CreateServiceInput => toRequest(v));
const updateResolver = requestResolver(updateServiceSchema, (v: ServiceFormValues): UpdateServiceInput => toRequest(v));

export function ServiceFormModal({
  opened,
  service,
  onClose,
}: {
  opened: boolean;
  service: PhoneService | null;
  onClose: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={service ? `Edit service ${service.name}` : "New service"} size="lg">
      <ServiceForm service={service} onDone={onClose} />
    </Modal>
  );
}

function ServiceForm({ service, onDone }: { service: PhoneService | null; onDone: () => void }) {
  const create = useCreateService();
  const update = useUpdateService();
  const phones = usePhoneOptions();
  const profiles = useProfileOptions();
  const { form, alert, handleSave } = useSaveForm({
    resolver: (service ? updateResolver : createResolver) as Resolver<ServiceFormValues, unknown, Body>,
    fields: FIELDS,
    defaultValues: {
      name: service?.name ?? "",
      url: service?.url ?? "",
      description: service?.description ?? "",
      enabled: service?.enabled ?? true,
      requiresLogin: service?.requiresLogin ?? false,
      phoneIds: service?.phoneIds ?? [],
      profileIds: service?.profileIds ?? [],
    },
    save: async (body) => {
      const saved = service
        ? await update.mutateAsync({ id: service.id, patch: body as UpdateServiceInput })
        : await create.mutateAsync(body as CreateServiceInput);
      notifySaved(service ? "Service saved" : "Service created", `${saved.name} was ${service ? "updated" : "added"}.`);
      onDone();
    },
  });
  const { control } = form;
  const [phoneIds, profileIds] = useWatch({ control, name: ["phoneIds", "profileIds"] });

  return (
    <form onSubmit={handleSave} noValidate>
      <Stack gap="sm">
        <FormErrorAlert title="Could not save the service" alert={alert} />
        <TextField control={control} name="name" label="Name" withAsterisk data-autofocus />
        <TextField
          control={control}
          name="url"
          label="URL"
          withAsterisk
          description="http(s) URL of the XML service, at most 256 characters (a Cisco phone limit)"
        />
        <TextareaField control={control} name="description" label="Description" autosize minRows={2} />
        <SwitchField control={control} name="enabled" label="Enabled" />
        <SwitchField
          control={control}
          name="requiresLogin"
          label="Requires phone-service login"
          description="The phone asks for user and PIN first"
        />
        <MultiSelectField
          control={control}
          name="phoneIds"
          label="Phones"
          description="Phones offering this service; leave phones and profiles empty to offer it to every phone"
          placeholder={phones.isLoading ? "Loading phones…" : "Search by MAC, model or label"}
          data={withSelected(phones.options, phoneIds, (id) => `Unknown phone ${id}`)}
          searchable
          clearable
          hidePickedOptions
          nothingFoundMessage="No such phone"
          error={phones.error ? "Could not load the phones" : undefined}
        />
        <MultiSelectField
          control={control}
          name="profileIds"
          label="Profiles"
          description="Phones using these profiles offer the service"
          placeholder={profiles.isLoading ? "Loading profiles…" : "Search by name"}
          data={withSelected(profiles.options, profileIds, (id) => `Unknown profile ${id}`)}
          searchable
          clearable
          hidePickedOptions
          nothingFoundMessage="No such profile"
          error={profiles.error ? "Could not load the profiles" : undefined}
        />
        <FormActions
          submitLabel={service ? "Save" : "Create service"}
          submitting={form.formState.isSubmitting}
          onCancel={onDone}
        />
      </Stack>
    </form>
  );
}
