import "../../lib/zod-messages";
import {
  createServiceSchema,
  updateServiceSchema,
  type CreateServiceInput,
  type PhoneService,
  type UpdateServiceInput,
} from "@cisisk/contract";
import { Alert, Button, Group, Modal, MultiSelect, Stack, Switch, Textarea, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconCheck } from "@tabler/icons-react";
import { useState } from "react";
import { Controller, useForm, type Resolver } from "react-hook-form";
import type { z } from "zod";
import { applyServerErrors } from "../../lib/form-errors";
import { sentence } from "../../lib/format";
import { requestResolver } from "../../lib/request-resolver";
import { useCreateService, usePhoneOptions, useProfileOptions, useUpdateService, withSelected } from "./queries";

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
  const [alert, setAlert] = useState<string | null>(null);
  const phones = usePhoneOptions();
  const profiles = useProfileOptions();
  const {
    register,
    control,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<ServiceFormValues, unknown, Body>({
    resolver: (service ? updateResolver : createResolver) as Resolver<ServiceFormValues, unknown, Body>,
    defaultValues: {
      name: service?.name ?? "",
      url: service?.url ?? "",
      description: service?.description ?? "",
      enabled: service?.enabled ?? true,
      requiresLogin: service?.requiresLogin ?? false,
      phoneIds: service?.phoneIds ?? [],
      profileIds: service?.profileIds ?? [],
    },
  });

  const handleSave = handleSubmit(async (body) => {
    setAlert(null);
    try {
      const saved = service
        ? await update.mutateAsync({ id: service.id, patch: body as UpdateServiceInput })
        : await create.mutateAsync(body as CreateServiceInput);
      notifications.show({
        color: "green",
        icon: <IconCheck size={18} />,
        title: service ? "Service saved" : "Service created",
        message: `${saved.name} was ${service ? "updated" : "added"}.`,
      });
      onDone();
    } catch (error) {
      setAlert(applyServerErrors(error, setError, FIELDS));
    }
  });

  return (
    <form onSubmit={handleSave} noValidate>
      <Stack gap="sm">
        {alert && (
          <Alert color="red" icon={<IconAlertCircle />} title="Could not save the service" role="alert">
            {alert}
          </Alert>
        )}
        <TextInput
          label="Name"
          withAsterisk
          data-autofocus
          error={sentence(errors.name?.message)}
          {...register("name")}
        />
        <TextInput
          label="URL"
          withAsterisk
          description="http(s) URL of the XML service, at most 256 characters (a Cisco phone limit)"
          error={sentence(errors.url?.message)}
          {...register("url")}
        />
        <Textarea
          label="Description"
          autosize
          minRows={2}
          error={sentence(errors.description?.message)}
          {...register("description")}
        />
        <Controller
          control={control}
          name="enabled"
          render={({ field }) => (
            <Switch label="Enabled" checked={field.value} onChange={(e) => field.onChange(e.currentTarget.checked)} />
          )}
        />
        <Controller
          control={control}
          name="requiresLogin"
          render={({ field }) => (
            <Switch
              label="Requires phone-service login"
              description="The phone asks for user and PIN first"
              checked={field.value}
              onChange={(e) => field.onChange(e.currentTarget.checked)}
            />
          )}
        />
        <Controller
          control={control}
          name="phoneIds"
          render={({ field }) => (
            <MultiSelect
              label="Phones"
              description="Phones offering this service; leave phones and profiles empty to offer it to every phone"
              placeholder={phones.isLoading ? "Loading phones…" : "Search by MAC, model or label"}
              data={withSelected(phones.options, field.value, (id) => `Unknown phone ${id}`)}
              value={field.value}
              onChange={field.onChange}
              searchable
              clearable
              hidePickedOptions
              nothingFoundMessage="No such phone"
              error={sentence(errors.phoneIds?.message) ?? (phones.error ? "Could not load the phones" : undefined)}
            />
          )}
        />
        <Controller
          control={control}
          name="profileIds"
          render={({ field }) => (
            <MultiSelect
              label="Profiles"
              description="Phones using these profiles offer the service"
              placeholder={profiles.isLoading ? "Loading profiles…" : "Search by name"}
              data={withSelected(profiles.options, field.value, (id) => `Unknown profile ${id}`)}
              value={field.value}
              onChange={field.onChange}
              searchable
              clearable
              hidePickedOptions
              nothingFoundMessage="No such profile"
              error={
                sentence(errors.profileIds?.message) ?? (profiles.error ? "Could not load the profiles" : undefined)
              }
            />
          )}
        />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={isSubmitting}>
            {service ? "Save" : "Create service"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
