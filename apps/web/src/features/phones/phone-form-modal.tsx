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
import { Modal, SimpleGrid, Stack } from "@mantine/core";
import { useWatch, type Resolver } from "react-hook-form";
import type { z } from "zod";
import { useUserOptions } from "../../lib/lookups";
import { requestResolver } from "../../lib/request-resolver";
import { SelectField } from "../../ui/fields/select-field";
import { TextField } from "../../ui/fields/text-field";
import { FormActions, FormErrorAlert, notifySaved, useSaveForm } from "../../ui/form-submit";
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
  const { form, alert, handleSave } = useSaveForm({
    resolver: (phone ? updateResolver : createResolver) as Resolver<PhoneFormValues, unknown, CreateBody | UpdateBody>,
    fields: FIELDS,
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
    save: async (body) => {
      if (phone) await update.mutateAsync({ id: phone.id, patch: body as UpdatePhoneInput });
      else await create.mutateAsync(body as CreatePhoneInput);
      notifySaved(
        phone ? "Phone saved" : "Phone added",
        `${(body as CreateBody).mac ?? phone?.mac} was ${phone ? "updated" : "added"}.`,
      );
      onDone();
    },
  });
  const { control } = form;
  const model = useWatch({ control, name: "model" });
  const protocols = findPhoneModel(model || "")?.protocols ?? ["SCCP", "SIP", "SIPE"];

  return (
    <form onSubmit={handleSave} noValidate>
      <Stack gap="sm">
        <FormErrorAlert title="Could not save the phone" alert={alert} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextField
            control={control}
            name="mac"
            label="MAC address"
            description="Any spelling: 805ec0123456, 80:5E:C0:12:34:56, 80-5e-c0-12-34-56"
            withAsterisk
            data-autofocus
          />
          <SelectField control={control} name="model" label="Model" withAsterisk searchable data={modelOptions} />
          <SelectField
            control={control}
            name="softwareType"
            label="Software"
            placeholder="Unknown"
            clearable
            data={protocols.map((p) => ({ value: p, label: p }))}
          />
          <TextField control={control} name="ip" label="IP address" />
          <TextField control={control} name="label" label="Label" />
          <TextField control={control} name="location" label="Location" />
          <TextField
            control={control}
            name="firmwareLoad"
            label="Firmware load"
            description="Empty: the model's load (Firmware tab)"
            placeholder="e.g. sip88xx.14-2-1-0001-14"
          />
          <SelectField
            control={control}
            name="userId"
            label="Owner"
            placeholder="Nobody"
            clearable
            searchable
            data={users.options}
          />
        </SimpleGrid>
        <FormActions
          submitLabel={phone ? "Save phone" : "Add phone"}
          submitting={form.formState.isSubmitting}
          onCancel={onDone}
        />
      </Stack>
    </form>
  );
}
