import type { Deployment, DeploymentBatch } from "@cisisk/contract";
import { Badge, Group, Progress, Stack, Table, Text } from "@mantine/core";
import type { BatchProgress } from "./queries";

const statusColor = (s: string) => (s === "succeeded" ? "green" : s === "failed" ? "red" : "gray");

/** One phone's deploy: each step with its status and detail. */
export function DeploymentSteps({ deployment }: { deployment: Deployment }) {
  return (
    <Stack gap="xs" aria-label="Deploy result">
      <Group>
        <Text fw={600}>Result</Text>
        <Badge color={statusColor(deployment.status)}>{deployment.status}</Badge>
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
          {deployment.steps.map((s) => (
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
  );
}

/** A bulk deploy's running counts as a two-colour bar. */
export function BatchProgressBar({ progress }: { progress: BatchProgress }) {
  return (
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
  );
}

/** A finished bulk deploy: why the batch failed, if it did, and each phone's outcome. */
export function BatchResults({ batch }: { batch: DeploymentBatch }) {
  return (
    <>
      {batch.status === "failed" && (
        <Text size="sm" c="red">
          {batch.detail}
        </Text>
      )}
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
    </>
  );
}
