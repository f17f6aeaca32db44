import { EXTENSION_CSV_COLUMNS, type ExtensionImportRowError } from "@cisisk/contract";
import { Alert, Button, FileInput, Group, Modal, ScrollArea, Stack, Table, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconCheck, IconFileTypeCsv } from "@tabler/icons-react";
import { useState } from "react";
import { isApiError } from "../../lib/api-client";
import { errorMessage } from "../../lib/form-errors";
import { useImportExtensions } from "./queries";

const EXAMPLE = `${EXTENSION_CSV_COLUMNS.join(",")}\n1001,PJSIP,Jane Doe,jdoe\n1002,SCCP,Reception,\n`;

export function ImportExtensionsModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Import extensions from CSV" size="lg">
      <ImportForm onDone={onClose} />
    </Modal>
  );
}

function ImportForm({ onDone }: { onDone: () => void }) {
  const importCsv = useImportExtensions();
  const [text, setText] = useState("");
  const [rowErrors, setRowErrors] = useState<ExtensionImportRowError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);

  const handleImport = async () => {
    setRowErrors([]);
    setFailure(null);
    try {
      const { created } = await importCsv.mutateAsync(text);
      notifications.show({
        color: "green",
        icon: <IconCheck size={18} />,
        title: "Extensions imported",
        message: created === 1 ? "1 extension was created." : `${created} extensions were created.`,
      });
      onDone();
    } catch (error) {
      setFailure(errorMessage(error));
      if (isApiError(error, "validation_failed") && Array.isArray(error.details)) {
        setRowErrors(error.details as ExtensionImportRowError[]);
      }
    }
  };

  return (
    <Stack gap="sm">
      <Text size="sm">
        Columns: <code>{EXTENSION_CSV_COLUMNS.join(", ")}</code> (username of the linked user, may be empty). Secrets
        are generated. Nothing is imported when any row is wrong.
      </Text>
      <FileInput
        label="CSV file"
        accept=".csv,text/csv"
        leftSection={<IconFileTypeCsv size={16} />}
        placeholder="Choose a file"
        clearable
        onChange={async (file) => setText(file ? await file.text() : "")}
      />
      <Textarea
        label="Or paste the CSV"
        autosize
        minRows={5}
        maxRows={12}
        placeholder={EXAMPLE}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
      />
      {failure && (
        <Alert color="red" icon={<IconAlertCircle />} title="Nothing was imported" role="alert">
          {failure}
        </Alert>
      )}
      {rowErrors.length > 0 && (
        <ScrollArea.Autosize mah={240}>
          <Table striped withTableBorder fz="sm" aria-label="Import errors">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Row</Table.Th>
                <Table.Th>Field</Table.Th>
                <Table.Th>Problem</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rowErrors.map((e, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{e.row}</Table.Td>
                  <Table.Td>{e.field ?? "—"}</Table.Td>
                  <Table.Td>{e.message}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button onClick={handleImport} loading={importCsv.isPending} disabled={!text.trim()}>
          Import
        </Button>
      </Group>
    </Stack>
  );
}
