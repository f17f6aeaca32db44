import type { ApiKey, CreatedApiKey } from "@cisisk/contract";
import { ActionIcon, Alert, Button, Code, Group, Paper, Stack, Table, Text, TextInput, Tooltip } from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../../lib/api-client";
import { errorMessage } from "../../lib/form-errors";
import { formatDateTime } from "../../lib/format";
import { ShowMore, useCursorList } from "../../ui/cursor-list";
import { PageHeader } from "../../ui/page-header";

const keysKey = ["api-keys"] as const;

/** Named API keys for scripts (`X-API-Key`): the key is shown once, then only its prefix. */
export function ApiKeysPage() {
  const queryClient = useQueryClient();
  const keys = useCursorList<ApiKey>(keysKey, "/api-keys");
  const [name, setName] = useState("");
  const [expiresAt, setExpiresAt] = useState("");
  const [networks, setNetworks] = useState("");
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api.post<CreatedApiKey>("/api-keys", {
        name,
        ...(expiresAt && { expiresAt: new Date(expiresAt).toISOString() }),
        allowedNetworks: networks
          .split(/[\s,]+/)
          .map((n) => n.trim())
          .filter(Boolean),
      }),
    onSuccess: (k) => {
      setCreated(k);
      setName("");
      setExpiresAt("");
      setNetworks("");
      setError(null);
      return queryClient.invalidateQueries({ queryKey: keysKey });
    },
    onError: (e) => setError(errorMessage(e)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api-keys/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keysKey }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys for scripts: send one as X-API-Key on /api/v1. Shown once, stored hashed."
      />
      <Stack>
        <Paper withBorder radius="md" p="md">
          <form onSubmit={submit}>
            <Group align="end">
              <TextInput label="Name" value={name} onChange={(e) => setName(e.target.value)} required />
              <TextInput
                label="Expires (optional)"
                type="datetime-local"
                value={expiresAt}
                onChange={(e) => setExpiresAt(e.target.value)}
              />
              <TextInput
                label="Allowed networks (optional)"
                placeholder="10.0.0.0/8, 192.0.2.7"
                value={networks}
                onChange={(e) => setNetworks(e.target.value)}
                w={260}
              />
              <Button type="submit" loading={create.isPending}>
                Create key
              </Button>
            </Group>
          </form>
          {error && (
            <Alert color="red" mt="sm" role="alert">
              {error}
            </Alert>
          )}
          {created && (
            <Alert color="yellow" mt="sm" title={`Key "${created.name}": copy it now, it is not shown again`}>
              <Code data-testid="new-api-key">{created.key}</Code>
            </Alert>
          )}
        </Paper>
        <Paper withBorder radius="md" p="sm">
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Networks</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.rows.map((k) => (
                <Table.Tr key={k.id}>
                  <Table.Td>{k.name}</Table.Td>
                  <Table.Td>
                    <Code>{k.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>{k.allowedNetworks.join(", ") || "any"}</Table.Td>
                  <Table.Td>{k.expiresAt ? formatDateTime(k.expiresAt) : "never"}</Table.Td>
                  <Table.Td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "never"}</Table.Td>
                  <Table.Td>
                    <Tooltip label="Delete">
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Delete API key ${k.name}`}
                        onClick={() => remove.mutate(k.id)}
                      >
                        <IconTrash size={17} />
                      </ActionIcon>
                    </Tooltip>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {keys.loaded && keys.rows.length === 0 && (
            <Text c="dimmed" ta="center" p="md">
              No API key yet.
            </Text>
          )}
          <ShowMore list={keys} noun="keys" />
        </Paper>
      </Stack>
    </>
  );
}
