import "../../lib/zod-messages";
import type { CreatePhoneInput, Phone, UpdatePhoneInput } from "@cisisk/contract";
import { Divider, Modal, SimpleGrid, Stack } from "@mantine/core";
import { useWatch, type Resolver } from "react-hook-form";
import { brandLabel, brandOptions } from "../../lib/brands";
import { useUserOptions } from "../../lib/lookups";
import { SelectField } from "../../ui/fields/select-field";
import { SwitchField } from "../../ui/fields/switch-field";
import { TextField } from "../../ui/fields/text-field";
import { FormActions, FormErrorAlert, notifySaved, useSaveForm } from "../../ui/form-submit";
import { CiscoPhoneFields } from "./cisco-phone-fields";
import {
  accountsOf,
  createResolver,
  defaultsOf,
  FIELDS,
  modelOptionsOf,
  updateResolver,
  type PhoneBody,
  type PhoneFormValues,
} from "./phone-form-values";
import { useCreatePhone, useUpdatePhone } from "./queries";
import { SipAccountFields } from "./sip-account-fields";

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

/** Brand first: it picks the models offered and the fields that follow (Cisco firmware and KEMs, or account 1). */
function PhoneForm({ phone, onDone }: { phone: Phone | null; onDone: () => void }) {
  const create = useCreatePhone();
  const update = useUpdatePhone();
  const users = useUserOptions();
  const { form, alert, handleSave } = useSaveForm({
    resolver: (phone ? updateResolver : createResolver) as Resolver<PhoneFormValues, unknown, PhoneBody>,
    fields: FIELDS,
    defaultValues: defaultsOf(phone),
    save: async (body) => {
      const saved = phone
        ? await update.mutateAsync({ id: phone.id, patch: body as UpdatePhoneInput })
        : await create.mutateAsync(body as CreatePhoneInput);
      notifySaved(
        phone ? "Phone saved" : "Phone added",
        `${brandLabel(saved.brand)} ${saved.model} ${saved.mac} was ${phone ? "updated" : "added"}.`,
      );
      onDone();
    },
  });
  const { control, setValue } = form;
  const [brand, model] = useWatch({ control, name: ["brand", "model"] });
  const accounts = accountsOf(brand, model);

  // Another brand's or model's choices would be refused by the server: start them over.
  const handleBrand = (next: string) => {
    if (next === brand) return;
    setValue("model", "");
    setValue("softwareType", "");
    setValue("kems", "");
  };

  return (
    <form onSubmit={handleSave} noValidate>
      <Stack gap="sm">
        <FormErrorAlert title="Could not save the phone" alert={alert} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <SelectField
            control={control}
            name="brand"
            label="Brand"
            withAsterisk
            allowDeselect={false}
            data={brandOptions}
            onOptionSubmit={handleBrand}
            data-autofocus
          />
          <SelectField
            control={control}
            name="model"
            label="Model"
            withAsterisk
            searchable
            data={modelOptionsOf(brand)}
            onOptionSubmit={(next) => next !== model && setValue("kems", "")}
            description={accounts !== null && brand !== "cisco" ? `Holds ${accounts} SIP accounts` : undefined}
          />
          <TextField
            control={control}
            name="mac"
            label="MAC address"
            description="Any spelling: 805ec0123456, 80:5E:C0:12:34:56, 80-5e-c0-12-34-56"
            withAsterisk
          />
          <TextField control={control} name="ip" label="IP address" />
          <TextField control={control} name="label" label="Label" />
          <TextField control={control} name="location" label="Location" />
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
        <Divider label={brand === "cisco" ? "Cisco firmware and modules" : "Account 1"} labelPosition="left" />
        {brand === "cisco" ? (
          <CiscoPhoneFields control={control} model={model} creating={!phone} />
        ) : (
          <SipAccountFields control={control} hasPassword={phone?.hasSipPassword ?? false} />
        )}
        <SwitchField
          control={control}
          name="enabled"
          label="Provisioning enabled"
          description="Off: /provision answers 404 for this phone"
        />
        <FormActions
          submitLabel={phone ? "Save phone" : "Add phone"}
          submitting={form.formState.isSubmitting}
          onCancel={onDone}
        />
      </Stack>
    </form>
  );
}
