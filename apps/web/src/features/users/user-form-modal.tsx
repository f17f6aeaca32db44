import "../../lib/zod-messages";
import {
  createUserSchema,
  LEVEL_MAX,
  SUPERADMIN_LEVEL,
  updateUserSchema,
  type CreateUserInput,
  type UpdateUserInput,
  type User,
} from "@cisisk/contract";
import { Alert, Modal, SimpleGrid, Stack } from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import { useWatch, type Resolver } from "react-hook-form";
import type { z } from "zod";
import { requestResolver } from "../../lib/request-resolver";
import { useMe } from "../../lib/session";
import { PasswordField } from "../../ui/fields/password-field";
import { SelectField } from "../../ui/fields/select-field";
import { SwitchField } from "../../ui/fields/switch-field";
import { TextField } from "../../ui/fields/text-field";
import { FormActions, FormErrorAlert, notifySaved, useSaveForm } from "../../ui/form-submit";
import { useCreateUser, useUpdateUser } from "./queries";

/** What the inputs hold; "" means empty. Same field names as the request bodies. */
interface UserFormValues {
  username: string;
  displayName: string;
  email: string;
  phone: string;
  /** The level as the select holds it: "0" to "9". */
  level: string;
  activated: boolean;
  password: string;
  /** Phone-service login PIN; "" keeps the current one. */
  pin: string;
}
const FIELDS = ["username", "displayName", "email", "phone", "level", "activated", "password", "pin"] as const;

type CreateBody = z.output<typeof createUserSchema>;
type UpdateBody = z.output<typeof updateUserSchema>;

const createResolver = requestResolver(createUserSchema, (v: UserFormValues): CreateUserInput => ({
  username: v.username,
  // Empty display name: the server uses the username.
  displayName: v.displayName.trim() || undefined,
  email: v.email,
  phone: v.phone,
  level: Number(v.level),
  activated: v.activated,
  password: v.password || undefined,
  pin: v.pin || undefined,
}));

const updateResolver = requestResolver(updateUserSchema, (v: UserFormValues): UpdateUserInput => ({
  username: v.username,
  displayName: v.displayName.trim() || v.username.trim(),
  email: v.email,
  phone: v.phone,
  level: Number(v.level),
  activated: v.activated,
  ...(v.password ? { password: v.password } : {}),
  ...(v.pin ? { pin: v.pin } : {}),
}));

const levelOptions = Array.from({ length: LEVEL_MAX + 1 }, (_, n) => ({
  value: String(n),
  label: n === SUPERADMIN_LEVEL ? "0 · Superadmin (console access)" : `${n}${n === 1 ? " · Regular user" : ""}`,
}));

/** Only the fields that differ from the stored user: PATCH sends nothing else. */
function changedFields(user: User, body: UpdateBody): UpdateUserInput {
  const patch: UpdateUserInput = {};
  if (body.username !== undefined && body.username !== user.username) patch.username = body.username;
  if (body.displayName !== undefined && body.displayName !== user.displayName) patch.displayName = body.displayName;
  if (body.email !== undefined && body.email !== user.email) patch.email = body.email;
  if (body.phone !== undefined && body.phone !== user.phone) patch.phone = body.phone;
  if (body.level !== undefined && body.level !== user.level) patch.level = body.level;
  if (body.activated !== undefined && body.activated !== user.activated) patch.activated = body.activated;
  if (body.password !== undefined) patch.password = body.password;
  if (body.pin !== undefined) patch.pin = body.pin;
  return patch;
}

export function UserFormModal({ opened, user, onClose }: { opened: boolean; user: User | null; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={user ? `Edit user ${user.username}` : "New user"} size="lg">
      <UserForm user={user} onDone={onClose} />
    </Modal>
  );
}

function UserForm({ user, onDone }: { user: User | null; onDone: () => void }) {
  const me = useMe();
  const createUser = useCreateUser();
  const updateUser = useUpdateUser();
  const { form, alert, handleSave } = useSaveForm({
    resolver: (user ? updateResolver : createResolver) as Resolver<UserFormValues, unknown, CreateBody | UpdateBody>,
    defaultValues: {
      username: user?.username ?? "",
      displayName: user?.displayName ?? "",
      email: user?.email ?? "",
      phone: user?.phone ?? "",
      level: String(user?.level ?? 1),
      activated: user?.activated ?? true,
      password: "",
      pin: "",
    },
    fields: FIELDS,
    save: async (body) => {
      if (user) {
        const patch = changedFields(user, body as UpdateBody);
        if (Object.keys(patch).length === 0) return onDone();
        const saved = await updateUser.mutateAsync({ id: user.id, patch });
        notifySaved("User saved", `${saved.username} was updated.`);
      } else {
        const created = await createUser.mutateAsync(body as CreateBody);
        notifySaved("User created", `${created.username} was added.`);
      }
      onDone();
    },
  });
  const { control } = form;
  const { isDirty, isSubmitting } = form.formState;
  const [level, activated] = useWatch({ control, name: ["level", "activated"] });

  const isSelf = user !== null && me.data?.id === user.id;
  const losesConsole = isSelf && (Number(level) !== SUPERADMIN_LEVEL || !activated);

  return (
    <form onSubmit={handleSave} noValidate>
      <Stack gap="sm">
        <FormErrorAlert title={user ? "Could not save the user" : "Could not create the user"} alert={alert} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextField
            control={control}
            name="username"
            label="Username"
            description="Letters, digits, '.', '_' and '-'"
            withAsterisk
            data-autofocus
          />
          <TextField
            control={control}
            name="displayName"
            label="Display name"
            description="Empty: the username is used"
          />
          <TextField control={control} name="email" label="Email" type="email" />
          <TextField control={control} name="phone" label="Phone" placeholder="+41 44 123 45 67" />
        </SimpleGrid>
        <SelectField
          control={control}
          name="level"
          label="Level"
          description="0 = superadmin: may log in to this console and manage everything. 1–9: no console access; a higher number means fewer privileges."
          data={levelOptions}
          allowDeselect={false}
        />
        <PasswordField
          control={control}
          name="password"
          label="Password"
          description={
            user
              ? !user.hasPassword
                ? "No password is set. Leave empty to keep it that way."
                : isSelf
                  ? "Leave empty to keep your current password."
                  : "Leave empty to keep the current password. A new one logs the user out everywhere."
              : "At least 8 characters. Leave empty to create the account without a password (it cannot log in until one is set)."
          }
          autoComplete="new-password"
        />
        <PasswordField
          control={control}
          name="pin"
          label="Service PIN"
          description={
            user?.hasPin
              ? "4 to 16 digits for logging in to the phones' XML services. Leave empty to keep the current PIN."
              : "4 to 16 digits for logging in to the phones' XML services (personal directory). Leave empty for none."
          }
          inputMode="numeric"
          autoComplete="off"
        />
        <SwitchField
          control={control}
          name="activated"
          label="Active"
          description="Deactivated users cannot log in anywhere."
        />
        {losesConsole && (
          <Alert color="yellow" icon={<IconInfoCircle />}>
            This is your own account: with this change you lose console access, and your session ends once it is saved.
          </Alert>
        )}
        <FormActions
          submitLabel={user ? "Save" : "Create user"}
          submitting={isSubmitting}
          disabled={user !== null && !isDirty}
          onCancel={onDone}
        />
      </Stack>
    </form>
  );
}
