import type { ImportResult } from "@cisisk/contract";
import { Alert, Badge, Button, FileInput, Group, Modal, ScrollArea, Stack, Table, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconCheck, IconFileImport } from "@tabler/icons-react";
import { useState } from "react";
import { errorMessage } from "../../lib/form-errors";
import { useImportDirectory, type ImportFileType } from "./queries";

/** vCard when the name or the content says so, CSV otherwise. */
function typeOf(name: string | undefined, text: string): ImportFileType {
  if (name && /\.(vcf|vcard)$/i.test(name)) return "text/vcard";
  return /^\uFEFF?\s*BEGIN:VCARD/i.test(text) ? "text/vcard" : "text/csv";
}

export function ImportModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Import contacts" size="xl">
      <ImportForm onDone={onClose} />
    </Modal>
  );
}

function ImportForm({ onDone }: { onDone: () => void }) {
  const importer = useImportDirectory();
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState("");
  const [preview, setPreview] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const type = typeOf(file?.name, text);

  const handleFile = async (f: File | null) => {
    setFile(f);
    setPreview(null);
    setText(f ? await f.text() : "");
  };

  const handlePreview = async () => {
    setError(null);
    try {
      setPreview(await importer.mutateAsync({ text, type, dryRun: true }));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const handleImport = async () => {
    setError(null);
    try {
      const result = await importer.mutateAsync({ text, type, dryRun: false });
      notifications.show({
        color: "green",
        icon: <IconCheck size={18} />,
        title: "Import done",
        message: `${result.created} contact(s) imported.`,
      });
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const canImport = preview !== null && preview.rejected.length === 0 && preview.created > 0;

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        CSV with a header row (firstName, lastName, workNumber, mobileNumber, homeNumber, email, department, location,
        building, ringtone; separated by “,” or “;”) or vCard 3.0/4.0. The import is all or nothing: preview it first.
      </Text>
      <FileInput
        label="File"
        placeholder="Choose a .csv or .vcf file"
        accept=".csv,.vcf,.vcard,text/csv,text/vcard"
        clearable
        value={file}
        onChange={(f) => void handleFile(f)}
      />
      <Textarea
        label="Content"
        description="Or paste it here"
        autosize
        minRows={4}
        maxRows={10}
        ff="monospace"
        value={text}
        onChange={(e) => {
          setText(e.currentTarget.value);
          setPreview(null);
        }}
      />
      {error && (
        <Alert color="red" icon={<IconAlertCircle />} title="Import failed" role="alert">
          {error}
        </Alert>
      )}
      {preview && (
        <Stack gap="xs" aria-label="Import preview">
          <Group gap="xs">
            <Badge color="green" variant="light">
              {preview.created} to create
            </Badge>
            <Badge color={preview.rejected.length ? "red" : "gray"} variant="light">
              {preview.rejected.length} rejected
            </Badge>
            <Text size="xs" c="dimmed">
              {preview.format === "csv" ? "CSV" : "vCard"}
            </Text>
          </Group>
          {preview.rejected.length > 0 && (
            <ScrollArea.Autosize mah={180}>
              <Table fz="xs" withTableBorder aria-label="Rejected rows">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Row</Table.Th>
                    <Table.Th>Problems</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.rejected.map((r) => (
                    <Table.Tr key={r.row}>
                      <Table.Td>{r.row}</Table.Td>
                      <Table.Td>{r.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea.Autosize>
          )}
          {preview.preview.length > 0 && (
            <ScrollArea.Autosize mah={220}>
              <Table fz="xs" withTableBorder aria-label="Contacts to create">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Row</Table.Th>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Numbers</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.preview.map((p) => (
                    <Table.Tr key={p.row}>
                      <Table.Td>{p.row}</Table.Td>
                      <Table.Td>{[p.lastName, p.firstName].filter(Boolean).join(", ")}</Table.Td>
                      <Table.Td>{p.numbers}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea.Autosize>
          )}
        </Stack>
      )}
      <Group justify="flex-end" mt="sm">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button
          variant="light"
          onClick={() => void handlePreview()}
          disabled={!text.trim()}
          loading={importer.isPending && !preview}
        >
          Preview
        </Button>
        <Button leftSection={<IconFileImport size={16} />} onClick={() => void handleImport()} disabled={!canImport}>
          Import
        </Button>
      </Group>
    </Stack>
  );
}
