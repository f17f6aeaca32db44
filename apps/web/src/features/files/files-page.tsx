import { Alert, Badge, Button, FileButton, Group, Loader, Paper, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconDownload, IconTrash, IconUpload } from "@tabler/icons-react";
import { useState } from "react";
import { errorMessage } from "../../lib/form-errors";
import { formatDateTime } from "../../lib/format";
import { ShowMore } from "../../ui/cursor-list";
import { PageHeader } from "../../ui/page-header";
import { downloadFile, useDeleteFile, useFileServing, useFiles, useUploadFile } from "./queries";

const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1048576).toFixed(1)} MiB`;

/** Files: what an administrator uploads for the phones (ring tones, dial plans, XMLDefault.cnf.xml, firmware loads). */
export function FilesPage() {
  const files = useFiles();
  const serving = useFileServing();
  const upload = useUploadFile();
  const remove = useDeleteFile();
  const [error, setError] = useState<string | null>(null);

  const onUpload = async (picked: File[]) => {
    setError(null);
    for (const file of picked) {
      try {
        await upload.mutateAsync(file);
        notifications.show({ color: "green", title: "File uploaded", message: `${file.name} (${size(file.size)})` });
      } catch (e) {
        setError(`${file.name}: ${errorMessage(e)}`);
      }
    }
  };

  const s = serving.data;
  return (
    <>
      <PageHeader
        title="Files"
        description="Files the phones fetch from Cisisk over TFTP and HTTP (store = self): ring tones, dial plans, XMLDefault.cnf.xml, firmware loads."
        actions={
          <FileButton onChange={(f) => void onUpload(f)} multiple>
            {(props) => (
              <Button {...props} leftSection={<IconUpload size={16} />} loading={upload.isPending}>
                Upload files
              </Button>
            )}
          </FileButton>
        }
      />
      {s && (
        <Group gap="xs" mb="md" aria-label="File serving">
          <Badge color={s.store === "self" ? "green" : "gray"} variant="light">
            store: {s.store}
          </Badge>
          <Badge color={s.tftp.enabled ? "green" : "gray"} variant="light">
            TFTP {s.tftp.enabled ? `on port ${s.tftp.port}` : "off"}
          </Badge>
          <Badge color={s.http.enabled ? "green" : "gray"} variant="light">
            HTTP {s.http.enabled ? `on port ${s.http.port}` : "off"}
          </Badge>
          <Text size="sm" c="dimmed">
            Uploads up to {size(s.uploadLimitBytes)}; names of letters, digits, '.', '_' and '-'.
          </Text>
        </Group>
      )}
      {error && (
        <Alert color="red" icon={<IconAlertCircle />} title="Upload failed" mb="md" role="alert">
          {error}
        </Alert>
      )}
      {!files.loaded && !files.error && <Loader size="sm" />}
      {files.error && (
        <Alert color="red" icon={<IconAlertCircle />} title="Could not read the files">
          {errorMessage(files.error)}
        </Alert>
      )}
      {files.loaded && (
        <Paper withBorder>
          <Table striped aria-label="Uploaded files">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th>SHA-256</Table.Th>
                <Table.Th>Uploaded</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {files.rows.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Text c="dimmed" size="sm">
                      No files uploaded yet.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {files.rows.map((f) => (
                <Table.Tr key={f.name}>
                  <Table.Td ff="monospace">{f.name}</Table.Td>
                  <Table.Td>{size(f.size)}</Table.Td>
                  <Table.Td ff="monospace" fz="xs">
                    {f.sha256.slice(0, 16)}…
                  </Table.Td>
                  <Table.Td>{formatDateTime(f.uploadedAt)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end">
                      <Button
                        size="xs"
                        variant="default"
                        leftSection={<IconDownload size={14} />}
                        onClick={() => void downloadFile(f.name).catch((e: unknown) => setError(errorMessage(e)))}
                      >
                        Download
                      </Button>
                      <Button
                        size="xs"
                        color="red"
                        variant="light"
                        leftSection={<IconTrash size={14} />}
                        aria-label={`Delete ${f.name}`}
                        onClick={() => {
                          if (window.confirm(`Delete ${f.name}? Phones can no longer fetch it.`))
                            remove.mutate(f.name, { onError: (e) => setError(errorMessage(e)) });
                        }}
                      >
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <ShowMore list={files} noun="files" />
        </Paper>
      )}
    </>
  );
}
