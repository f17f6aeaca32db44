import type { Deployment, DeploymentBatch, Profile } from "@cisisk/contract";
import { Alert, Badge, Button, Checkbox, Group, Modal, Progress, ScrollArea, Stack, Table, Text } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { IconAlertCircle, IconRocket } from "@tabler/icons-react";
import { useState } from "react";
import { errorMessage } from "../../lib/form-errors";
import { followBatch, phoneKeys, useAllPhones, useDeploy, useStartBatch } from "../phones/queries";

const statusColor = (s: string) => (s === "succeeded" ? "green" : s === "failed" ? "red" : "gray");

export function DeployModal({ profile, onClose }: { profile: Profile | null; onClose: () => void }) {
  return (
    <Modal opened={profile !== null} onClose={onClose} title={profile ? `Deploy ${profile.name}` : ""} size="xl">
      {profile && <DeployDialog key={profile.id} profile={profile} />}
    </Modal>
  );
}

function DeployDialog({ profile }: { profile: Profile }) {
  const phones = useAllPhones();
  const deploy = useDeploy();
  const startBatch = useStartBatch();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<string[]>([]);
  const [single, setSingle] = useState<Deployment | null>(null);
  const [progress, setProgress] = useState<Omit<DeploymentBatch, "results"> | null>(null);
  const [batch, setBatch] = useState<DeploymentBatch | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  // Only phones the profile may go to: model in its list (empty = all) and the same software type.
  const compatible = (phones.data?.data ?? []).filter(
    (p) =>
      (profile.compatibleModels.length === 0 || profile.compatibleModels.includes(p.model)) &&
      (!profile.softwareType || p.softwareType === profile.softwareType),
  );

  const handleDeploy = async () => {
    setError(null);
    setSingle(null);
    setBatch(null);
    setProgress(null);
    setRunning(true);
    try {
      if (selected.length === 1) {
        setSingle(await deploy.mutateAsync({ profile, phoneId: selected[0]! }));
      } else {
        const started = await startBatch.mutateAsync({ profileId: profile.id, phoneIds: selected });
        setProgress(started);
        setBatch(await followBatch(started.id, setProgress));
        await queryClient.invalidateQueries({ queryKey: phoneKeys.all });
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Each phone: back up its SEP file over FTP, upload the new one, restart it (
        {profile.softwareType === "SCCP" ? "CGI" : "SIP NOTIFY"}), clear its service session.
      </Text>
      {compatible.length === 0 && !phones.isLoading && <Text>No compatible phone.</Text>}
      <ScrollArea.Autosize mah={240}>
        <Stack gap={4}>
          {compatible.map((p) => (
            <Checkbox
              key={p.id}
              label={`${p.mac} · ${p.model} · ${p.softwareType ?? "?"}${p.label ? ` · ${p.label}` : ""} (now: ${p.currentProfileName ?? "None"})`}
              checked={selected.includes(p.id)}
              onChange={(e) =>
                setSelected(e.currentTarget.checked ? [...selected, p.id] : selected.filter((id) => id !== p.id))
              }
            />
          ))}
        </Stack>
      </ScrollArea.Autosize>
      <Group justify="space-between">
        <Button
          variant="subtle"
          size="xs"
          onClick={() => setSelected(selected.length === compatible.length ? [] : compatible.map((p) => p.id))}
        >
          {selected.length === compatible.length && compatible.length > 0 ? "Select none" : "Select all"}
        </Button>
        <Button
          leftSection={<IconRocket size={16} />}
          disabled={selected.length === 0}
          loading={running}
          onClick={handleDeploy}
        >
          Deploy to {selected.length} phone{selected.length === 1 ? "" : "s"}
        </Button>
      </Group>
      {error && (
        <Alert color="red" icon={<IconAlertCircle />} title="Deploy refused" role="alert">
          {error}
        </Alert>
      )}
      {single && (
        <Stack gap="xs" aria-label="Deploy result">
          <Group>
            <Text fw={600}>Result</Text>
            <Badge color={statusColor(single.status)}>{single.status}</Badge>
          </Group>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Step</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Detail</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {single.steps.map((s) => (
                <Table.Tr key={s.name}>
                  <Table.Td>{s.name}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" color={statusColor(s.status)}>
                      {s.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{s.detail}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
      {progress && (
        <Stack gap={4}>
          <Progress.Root size="xl" aria-label="Deploy progress">
            <Progress.Section value={(progress.succeeded / progress.total) * 100} color="green">
              <Progress.Label>{progress.succeeded}</Progress.Label>
            </Progress.Section>
            <Progress.Section value={(progress.failed / progress.total) * 100} color="red">
              <Progress.Label>{progress.failed}</Progress.Label>
            </Progress.Section>
          </Progress.Root>
          <Text size="sm">
            {progress.done} of {progress.total} done · {progress.succeeded} succeeded · {progress.failed} failed
          </Text>
        </Stack>
      )}
      {batch?.status === "failed" && (
        <Text size="sm" c="red">
          {batch.detail}
        </Text>
      )}
      {batch && (
        <Table>
          <Table.Tbody>
            {batch.results.map((r) => (
              <Table.Tr key={r.phoneId}>
                <Table.Td ff="monospace">{r.phoneMac}</Table.Td>
                <Table.Td>
                  <Badge size="sm" color={statusColor(r.status)}>
                    {r.status}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">
                    {r.failedStep ? `${r.failedStep}: ${r.detail}` : r.status === "failed" ? (r.detail ?? "") : ""}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
