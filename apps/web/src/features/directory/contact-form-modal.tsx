import "../../lib/zod-messages";
import {
  createContactSchema,
  updateContactSchema,
  type Contact,
  type CreateContactInput,
  type UpdateContactInput,
} from "@cisisk/contract";
import { Alert, Button, Group, Modal, SimpleGrid, Stack, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconCheck } from "@tabler/icons-react";
import { useState } from "react";
import { useForm, type Resolver } from "react-hook-form";
import type { z } from "zod";
import { applyServerErrors } from "../../lib/form-errors";
import { sentence } from "../../lib/format";
import { requestResolver } from "../../lib/request-resolver";
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
  const [alert, setAlert] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting, dirtyFields },
  } = useForm<ContactFormValues, unknown, Body>({
    resolver: (contact ? updateResolver : createResolver) as Resolver<ContactFormValues, unknown, Body>,
    defaultValues: Object.fromEntries(FIELDS.map((f) => [f, contact?.[f] ?? ""])) as ContactFormValues,
  });

  const handleSave = handleSubmit(async (body) => {
    setAlert(null);
    try {
      if (contact) {
        const patch = Object.fromEntries(
          Object.entries(body).filter(([k]) => dirtyFields[k as Field]),
        ) as UpdateContactInput;
        if (Object.keys(patch).length === 0) return onDone();
        await update.mutateAsync({ id: contact.id, patch });
        notifications.show({
          color: "green",
          icon: <IconCheck size={18} />,
          title: "Contact saved",
          message: "The contact was updated.",
        });
      } else {
        const created = await create.mutateAsync(body as CreateContactInput);
        notifications.show({
          color: "green",
          icon: <IconCheck size={18} />,
          title: "Contact created",
          message: `${[created.firstName, created.lastName].filter(Boolean).join(" ")} was added.`,
        });
      }
      onDone();
    } catch (error) {
      setAlert(applyServerErrors(error, setError, FIELDS));
    }
  });

  return (
    <form onSubmit={handleSave} noValidate>
      <Stack gap="sm">
        {alert && (
          <Alert color="red" icon={<IconAlertCircle />} title="Could not save the contact" role="alert">
            {alert}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {FIELDS.map((f, i) => (
            <TextInput
              key={f}
              label={LABELS[f]}
              autoComplete="off"
              data-autofocus={i === 0 || undefined}
              description={f === "workNumber" ? "A name and at least one number are required" : undefined}
              error={sentence(errors[f]?.message)}
              {...register(f)}
            />
          ))}
        </SimpleGrid>
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={isSubmitting}>
            {contact ? "Save" : "Create contact"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
