import type { Dashboard } from "@cisisk/contract";
import { Badge, Group, Paper, Table, Text, Title } from "@mantine/core";
import { formatRelative } from "../../lib/format";

/** Cisisk as the phones' TFTP/HTTP file server: listeners on this server and their newest hits. */
export function FileServingSection({ data }: { data: Dashboard | undefined }) {
  const fs = data?.fileServing;
  if (!fs) return null;
  return (
    <section aria-labelledby="dash-file-serving">
      <Title id="dash-file-serving" order={3} fz="sm" tt="uppercase" c="dimmed" fw={700} mb="xs">
        Phone file serving
      </Title>
      <Paper withBorder radius="md" p="md">
        <Group gap="xs" mb="sm">
          <Badge variant="light" color={fs.store === "self" ? "green" : "gray"}>
            store: {fs.store}
          </Badge>
          <Badge variant="light" color={fs.tftp.enabled ? "green" : "gray"}>
            TFTP {fs.tftp.enabled ? `port ${fs.tftp.port}` : "off"}
          </Badge>
          <Badge variant="light" color={fs.http.enabled ? "green" : "gray"}>
            HTTP {fs.http.enabled ? `port ${fs.http.port}` : "off"}
          </Badge>
          <Text size="sm" c="dimmed">
            {fs.served} served, {fs.misses} misses since start
          </Text>
        </Group>
        {fs.recentHits.length === 0 ? (
          <Text size="sm" c="dimmed">
            No phone has fetched a file from this server yet.
          </Text>
        ) : (
          <Table fz="sm" aria-label="Recent file hits">
            <Table.Tbody>
              {fs.recentHits.slice(0, 8).map((h, i) => (
                <Table.Tr key={`${h.at}-${i}`}>
                  <Table.Td>{formatRelative(h.at)}</Table.Td>
                  <Table.Td tt="uppercase">{h.protocol}</Table.Td>
                  <Table.Td ff="monospace">{h.fileName}</Table.Td>
                  <Table.Td>{h.clientIp}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={h.result === "served" ? "green" : "orange"}>
                      {h.result.replace("_", " ")}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </section>
  );
}
