import { findPhoneModel, type Phone } from "@cisisk/contract";
import { ActionIcon, Alert, Button, Group, Modal, Select, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconPlus, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { errorMessage } from "../../lib/form-errors";
import { usePutKems } from "./queries";

/** Console names first (KEM-30 = 7916 on 79xx, KEM-80 = CP-8800-Audio/Video on 88xx), then Cisco's own. */
function kemOptions(phone: Phone) {
  const model = findPhoneModel(phone.model);
  if (!model || model.maxKems === 0) return [];
  const alias = model.family === "79xx" ? ["KEM-30"] : ["KEM-80"];
  return [...alias, ...model.kems].map((k) => ({ value: k, label: k }));
}

export function KemsModal({ phone, onClose }: { phone: Phone | null; onClose: () => void }) {
  return (
    <Modal opened={phone !== null} onClose={onClose} title={phone ? `Key expansion modules of ${phone.mac}` : ""}>
      {phone && <KemsEditor key={phone.id} phone={phone} onDone={onClose} />}
    </Modal>
  );
}

function KemsEditor({ phone, onDone }: { phone: Phone; onDone: () => void }) {
  const model = findPhoneModel(phone.model);
  const options = kemOptions(phone);
  const [kems, setKems] = useState<string[]>(phone.kems.map((k) => k.model));
  const [error, setError] = useState<string | null>(null);
  const put = usePutKems();

  const handleSave = async () => {
    setError(null);
    try {
      const saved = await put.mutateAsync({ id: phone.id, kems });
      notifications.show({
        color: "green",
        title: "Modules saved",
        message: `${phone.mac} has ${saved.kems.length} module(s).`,
      });
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  if (!model || model.maxKems === 0)
    return (
      <Alert color="gray" icon={<IconAlertCircle />}>
        A {phone.model} has no KEM port.
      </Alert>
    );
  return (
    <Stack gap="sm">
      {error && (
        <Alert color="red" icon={<IconAlertCircle />} role="alert" title="Could not save the modules">
          {error}
        </Alert>
      )}
      <Text size="sm" c="dimmed">
        A {phone.model} takes up to {model.maxKems} modules of one type ({model.kems.join(", ")}).
      </Text>
      {kems.map((k, i) => (
        <Group key={i} gap="xs" wrap="nowrap">
          <Select
            aria-label={`Module ${i + 1}`}
            label={`Module ${i + 1}`}
            data={options.some((o) => o.value === k) ? options : [...options, { value: k, label: k }]}
            value={k}
            allowDeselect={false}
            onChange={(v) => setKems(kems.map((old, j) => (j === i ? (v ?? old) : old)))}
            flex={1}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            mt={24}
            aria-label={`Remove module ${i + 1}`}
            onClick={() => setKems(kems.filter((_, j) => j !== i))}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Group justify="space-between">
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          disabled={kems.length >= model.maxKems}
          onClick={() => setKems([...kems, kems[0] ?? options[0]!.value])}
        >
          Add module
        </Button>
        <Group>
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button onClick={handleSave} loading={put.isPending}>
            Save modules
          </Button>
        </Group>
      </Group>
    </Stack>
  );
}
