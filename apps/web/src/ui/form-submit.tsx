import { Alert, Button, Group } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconCheck } from "@tabler/icons-react";
import { useState } from "react";
import {
  useForm,
  type DefaultValues,
  type FieldValues,
  type Path,
  type Resolver,
  type UseFormSetError,
} from "react-hook-form";
import { applyServerErrors } from "../lib/form-errors";

/**
 * A form dialog's submit with the server's errors: `guard(save)` runs `save`; when it throws, the errors
 * that name a field go on that field and the rest becomes `alert` (shown by <FormErrorAlert>).
 */
export function useServerErrors<T extends FieldValues>(setError: UseFormSetError<T>, fields: readonly Path<T>[]) {
  const [alert, setAlert] = useState<string | null>(null);
  const guard =
    <A extends unknown[]>(save: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      setAlert(null);
      try {
        await save(...args);
      } catch (error) {
        setAlert(applyServerErrors(error, setError, fields));
      }
    };
  return { alert, guard };
}

/**
 * A create-or-edit dialog's form: the contract resolver for the case at hand, the defaults, and `handleSave`
 * running `save` with the parsed body, server errors going to their fields or to `alert`.
 */
export function useSaveForm<V extends FieldValues, B>(options: {
  resolver: Resolver<V, unknown, B>;
  defaultValues: DefaultValues<V>;
  fields: readonly Path<V>[];
  save: (body: B) => Promise<void>;
}) {
  const form = useForm<V, unknown, B>({ resolver: options.resolver, defaultValues: options.defaultValues });
  const { alert, guard } = useServerErrors(form.setError, options.fields);
  const handleSave = form.handleSubmit(guard(options.save));
  return { form, alert, handleSave };
}

/** The alert at the top of a form dialog for what the server said that belongs to no field. */
export function FormErrorAlert({ title, alert }: { title: string; alert: string | null }) {
  if (!alert) return null;
  return (
    <Alert color="red" icon={<IconAlertCircle />} title={title} role="alert">
      {alert}
    </Alert>
  );
}

/** The green notification after a save, e.g. notifySaved("User created", "jdoe was added."). */
export function notifySaved(title: string, message: string) {
  notifications.show({ color: "green", icon: <IconCheck size={18} />, title, message });
}

/** Cancel and submit at the foot of a form dialog. */
export function FormActions({
  submitLabel,
  submitting,
  disabled,
  onCancel,
}: {
  submitLabel: string;
  submitting: boolean;
  disabled?: boolean;
  onCancel: () => void;
}) {
  return (
    <Group justify="flex-end" mt="sm">
      <Button variant="default" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" loading={submitting} disabled={disabled}>
        {submitLabel}
      </Button>
    </Group>
  );
}
