import type { User } from "@cisisk/contract";
import { Text } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconTrash } from "@tabler/icons-react";
import { errorMessage } from "../../lib/form-errors";
import { useDeleteUser } from "./queries";

/** Asks before deleting; the outcome is a notification once the server has answered. */
export function useDeleteUserConfirmation() {
  const deleteUser = useDeleteUser();
  return (user: User) =>
    modals.openConfirmModal({
      title: `Delete user ${user.username}?`,
      children: (
        <Text size="sm">
          {user.displayName} ({user.username}) will be removed. This cannot be undone.
        </Text>
      ),
      labels: { confirm: "Delete user", cancel: "Cancel" },
      confirmProps: { color: "red", leftSection: <IconTrash size={16} /> },
      onConfirm: async () => {
        try {
          await deleteUser.mutateAsync(user.id);
          notifications.show({ color: "green", title: "User deleted", message: `${user.username} was deleted.` });
        } catch (error) {
          notifications.show({
            color: "red",
            icon: <IconAlertCircle size={18} />,
            title: `Could not delete ${user.username}`,
            message: errorMessage(error),
          });
        }
      },
    });
}
