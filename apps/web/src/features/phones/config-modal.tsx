import type { Phone } from "@cisisk/contract";
import { Alert, Button, Code, Group, Loader, Modal, ScrollArea, Stack, Text } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconArrowBackUp } from "@tabler/icons-react";
import { errorMessage } from "../../lib/form-errors";
import { usePhoneConfig, useRollback } from "./queries";

export function ConfigModal({ phone, onClose }: { phone: Phone | null; onClose: () => void }) {
  const config = usePhoneConfig(phone?.id ?? null);
  const rollback = useRollback();
  const handleRollback = () =>
    phone &&
    modals.openConfirmModal({
      title: `Roll back ${phone.mac}?`,
      children: (
        <Text size="sm">
          The newest backup of SEP{phone.mac}.cnf.xml becomes the live file again and the phone is restarted.
        </Text>
      ),
      labels: { confirm: "Roll back", cancel: "Cancel" },
      onConfirm: async () => {
        try {
          const d = await rollback.mutateAsync(phone.id);
          notifications.show({
            color: d.status === "succeeded" ? "green" : "orange",
            title: `Rollback ${d.status}`,
            message: d.steps.map((s) => `${s.name}: ${s.status}`).join(", "),
          });
          await config.refetch();
        } catch (error) {
          notifications.show({ color: "red", title: "Rollback failed", message: errorMessage(error) });
        }
      },
    });

  return (
    <Modal opened={phone !== null} onClose={onClose} title={phone ? `SEP${phone.mac}.cnf.xml` : ""} size="xl">
      <Stack gap="sm">
        {config.isLoading && <Loader size="sm" />}
        {config.error && (
          <Alert color="red" icon={<IconAlertCircle />} title="Could not read the config">
            {errorMessage(config.error)}
          </Alert>
        )}
        {config.data === null && <Text c="dimmed">No config deployed on the phones' file server.</Text>}
        {config.data && (
          <ScrollArea h={480}>
            <Code block aria-label="Deployed config">
              {config.data}
            </Code>
          </ScrollArea>
        )}
        <Group justify="flex-end">
          <Button
            variant="light"
            leftSection={<IconArrowBackUp size={16} />}
            onClick={handleRollback}
            loading={rollback.isPending}
          >
            Roll back to the previous file
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
