import "../../lib/zod-messages";
import {
  createContactSchema,
  updateContactSchema,
  type Contact,
  type CreateContactInput,
  type UpdateContactInput,
} from "@cisisk/contract";
import { Modal, SimpleGrid, Stack } from "@mantine/core";
import type { Resolver } from "react-hook-form";
import type { z } from "zod";
import { requestResolver } from "../../lib/request-resolver";
import { TextField } from "../../ui/fields/text-field";
import { FormActions, FormErrorAlert, notifySaved, useSaveForm } from "../../ui/form-submit";
import { useCreateContact, useUpdateContact } from "./queries";

const FIELDS = [
  "firstName",
  "lastName",
  "workNumber",
  "mobileNumber",
  "homeNumber",
  "email",
  "department",
  "location",
  "building",
  "ringtone",
] as const;
type Field = (typeof FIELDS)[number];
type ContactFormValues = Record<Field, string>;
type Body = z.output<typeof createContactSchema> | z.output<typeof updateContactSchema>;

const LABELS: Record<Field, string> = {
  firstName: "First name",
  lastName: "Last name",
  workNumber: "Work number",
  mobileNumber: "Mobile number",
  homeNumber: "Home number",
  email: "Email",
  department: "Department",
  location: "Location",
  building: "Building",
  ringtone: "Ringtone",
};

const createResolver = requestResolver(createContactSchema, (v: ContactFormValues): CreateContactInput => ({ ...v }));
const updateResolver = requestResolver(updateContactSchema, (v: ContactFormValues): UpdateContactInput => ({ ...v }));

export function ContactFormModal({
  opened,
  contact,
  onClose,
}: {
  opened: boolean;
  contact: Contact | null;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={contact ? `Edit ${[contact.firstName, contact.lastName].filter(Boolean).join(" ")}` : "New contact"}
      size="lg"
    >
      <ContactForm contact={contact} onDone={onClose} />
    </Modal>
  );
}

function ContactForm({ contact, onDone }: { contact: Contact | null; onDone: () => void }) {
  const create = useCreateContact();
  const update = useUpdateContact();
  const { form, alert, handleSave } = useSaveForm({
    resolver: (contact ? updateResolver : createResolver) as Resolver<ContactFormValues, unknown, Body>,
    defaultValues: Object.fromEntries(FIELDS.map((f) => [f, contact?.[f] ?? ""])) as ContactFormValues,
    fields: FIELDS,
    save: async (body) => {
      if (contact) {
        const patch = Object.fromEntries(
          Object.entries(body).filter(([k]) => dirtyFields[k as Field]),
        ) as UpdateContactInput;
        if (Object.keys(patch).length === 0) return onDone();
        await update.mutateAsync({ id: contact.id, patch });
        notifySaved("Contact saved", "The contact was updated.");
      } else {
        const created = await create.mutateAsync(body as CreateContactInput);
        notifySaved("Contact created", `${[created.firstName, created.lastName].filter(Boolean).join(" ")} was added.`);
      }
      onDone();
    },
  });
  const { control } = form;
  // Read while rendering: react-hook-form tracks only the form state a render reads.
  const { isSubmitting, dirtyFields } = form.formState;

  return (
    <form onSubmit={handleSave} noValidate>
      <Stack gap="sm">
        <FormErrorAlert title="Could not save the contact" alert={alert} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {FIELDS.map((f, i) => (
            <TextField
              key={f}
              control={control}
              name={f}
              label={LABELS[f]}
              data-autofocus={i === 0 || undefined}
              description={f === "workNumber" ? "A name and at least one number are required" : undefined}
            />
          ))}
        </SimpleGrid>
        <FormActions submitLabel={contact ? "Save" : "Create contact"} submitting={isSubmitting} onCancel={onDone} />
      </Stack>
    </form>
  );
}
