import "../../lib/zod-messages";
import {
  extensionTechnologies,
  SECRET_MAX,
  type CreateExtensionInput,
  type Extension,
  type UpdateExtensionInput,
} from "@cisisk/contract";
import { Divider, Modal, SimpleGrid, Stack } from "@mantine/core";
import { useWatch, type Resolver } from "react-hook-form";
import { useUserOptions } from "../../lib/lookups";
import { PasswordField } from "../../ui/fields/password-field";
import { SegmentedField } from "../../ui/fields/segmented-field";
import { SelectField } from "../../ui/fields/select-field";
import { TextField } from "../../ui/fields/text-field";
import { FormActions, FormErrorAlert, notifySaved, useSaveForm } from "../../ui/form-submit";
import {
  createResolver,
  defaultsOf,
  FIELDS,
  updateResolver,
  type ExtensionBody,
  type ExtensionFormValues,
} from "./extension-form-values";
import { PjsipOptions } from "./pjsip-options";
import { useCreateExtension, useUpdateExtension } from "./queries";
import { SccpOptions } from "./sccp-options";
import { SipOptions } from "./sip-options";

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
  const users = useUserOptions();
  const { form, alert, handleSave } = useSaveForm({
    resolver: (extension ? updateResolver : createResolver) as Resolver<ExtensionFormValues, unknown, ExtensionBody>,
    defaultValues: defaultsOf(extension),
    fields: FIELDS,
    save: async (body) => {
      if (extension) {
        const saved = await update.mutateAsync({ id: extension.id, patch: body as UpdateExtensionInput });
        notifySaved("Extension saved", `${saved.number} was updated.`);
      } else {
        const created = await create.mutateAsync(body as CreateExtensionInput);
        notifySaved("Extension created", `${created.number} was added.`);
      }
      onDone();
    },
  });
  const { control } = form;
  const technology = useWatch({ control, name: "technology" });

  return (
    <form onSubmit={handleSave} noValidate>
      <Stack gap="sm">
        <FormErrorAlert title="Could not save the extension" alert={alert} />
        <SegmentedField
          control={control}
          name="technology"
          label="Technology"
          data={extensionTechnologies.map((t) => ({ value: t, label: t }))}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextField
            control={control}
            name="number"
            label="Number"
            description="Digits only; also the SIP username"
            withAsterisk
            data-autofocus
          />
          <TextField control={control} name="displayName" label="Display name" withAsterisk />
          <SelectField
            control={control}
            name="userId"
            label="User"
            description="The person this line belongs to"
            placeholder="No user"
            searchable
            clearable
            data={users.options}
          />
          <PasswordField
            control={control}
            name="secret"
            label="Secret"
            description={
              extension
                ? "Leave empty to keep the current secret"
                : `Leave empty to generate a strong one (at most ${SECRET_MAX} characters)`
            }
            autoComplete="new-password"
          />
          <TextField
            control={control}
            name="context"
            label="Context"
            description="Empty: the configured default context"
          />
          <TextField control={control} name="voicemail" label="Voicemail box" placeholder="1001@default" />
          <TextField
            control={control}
            name="codecs"
            label="Codecs"
            description="Comma-separated, in order; empty: ulaw,alaw,g722"
          />
        </SimpleGrid>
        <Divider label={`${technology} settings`} labelPosition="left" />
        {technology === "SCCP" && <SccpOptions control={control} />}
        {technology === "SIP" && <SipOptions control={control} />}
        {technology === "PJSIP" && <PjsipOptions control={control} />}
        <FormActions
          submitLabel={extension ? "Save" : "Create extension"}
          submitting={form.formState.isSubmitting}
          onCancel={onDone}
        />
      </Stack>
    </form>
  );
}
