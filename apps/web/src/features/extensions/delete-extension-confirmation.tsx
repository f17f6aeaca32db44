import type { Extension } from "@cisisk/contract";
import { Text } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconTrash } from "@tabler/icons-react";
import { errorMessage } from "../../lib/form-errors";
import { useDeleteExtension } from "./queries";

export function useDeleteExtensionConfirmation() {
  const remove = useDeleteExtension();
  return (extension: Extension) =>
    modals.openConfirmModal({
      title: `Delete extension ${extension.number}?`,
      children: (
        <Text size="sm">
          {extension.displayName} ({extension.technology} {extension.number}) will be removed from Cisisk and from
          Asterisk. Phones using it stop registering.
        </Text>
      ),
      labels: { confirm: "Delete extension", cancel: "Cancel" },
      confirmProps: { color: "red", leftSection: <IconTrash size={16} /> },
      onConfirm: async () => {
        try {
          await remove.mutateAsync(extension.id);
          notifications.show({
            color: "green",
            title: "Extension deleted",
            message: `${extension.number} was deleted.`,
          });
        } catch (error) {
          notifications.show({
            color: "red",
            icon: <IconAlertCircle size={18} />,
            title: `Could not delete ${extension.number}`,
            message: errorMessage(error),
          });
        }
      },
    });
}
