import type { ImportRowError } from "@cisisk/contract";
import { Alert, Button, FileInput, Group, Modal, ScrollArea, Stack, Table, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconCheck, IconFileTypeCsv } from "@tabler/icons-react";
import { useState, type ReactNode } from "react";
import { isApiError } from "../lib/api-client";
import { errorMessage } from "../lib/form-errors";

/** What an all-or-nothing CSV import answers: the rows it would create (dry run) or created. */
export interface CsvImportOutcome<Row> {
  created: number;
  rows: Row[];
}

export interface CsvImportColumn<Row> {
  title: string;
  render: (row: Row) => ReactNode;
  monospace?: boolean;
}

export interface CsvImportModalProps<Row extends { row: number }> {
  opened: boolean;
  onClose: () => void;
  /** "phone" / "phones": the dialog's title, buttons, preview and notification. */
  noun: { one: string; other: string };
  /** The columns and rules, above the file input. */
  help: ReactNode;
  /** The textarea's placeholder: a small valid file. */
  example: string;
  /** Sends the file; `dryRun` only checks it. Rejects with the server's error (per-row `details`). */
  submit: (csv: string, dryRun: boolean) => Promise<CsvImportOutcome<Row>>;
  /** The preview table's columns (the file's row number comes first). */
  columns: readonly CsvImportColumn<Row>[];
  size?: "lg" | "xl";
}

/** Rows the preview shows; the count above it is always the whole file's. */
const PREVIEW_ROWS = 500;

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The console's CSV import: a file or pasted text, "Check" (the server's dry run: per-row problems, or a
 * preview of what would be created), then "Import N …" once the check passed. Any change to the text
 * asks for a new check. The server imports all rows or none.
 */
export function CsvImportModal<Row extends { row: number }>(props: CsvImportModalProps<Row>) {
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={`Import ${props.noun.other} from CSV`}
      size={props.size ?? "xl"}
    >
      {/* Mounted only while open, so every opening starts with an empty file. */}
      {props.opened && <CsvImportForm {...props} />}
    </Modal>
  );
}

function CsvImportForm<Row extends { row: number }>({
  onClose,
  noun,
  help,
  example,
  submit,
  columns,
}: CsvImportModalProps<Row>) {
  const [text, setText] = useState("");
  const [preview, setPreview] = useState<Row[] | null>(null);
  const [rowErrors, setRowErrors] = useState<ImportRowError[]>([]);
  const [failure, setFailure] = useState<{ dryRun: boolean; message: string } | null>(null);
  const [pending, setPending] = useState<"check" | "import" | null>(null);
  const count = (n: number) => `${n} ${n === 1 ? noun.one : noun.other}`;

  const handleChange = (value: string) => {
    setText(value);
    setPreview(null);
    setRowErrors([]);
    setFailure(null);
  };

  const handleRun = async (dryRun: boolean) => {
    setRowErrors([]);
    setFailure(null);
    setPending(dryRun ? "check" : "import");
    try {
      const outcome = await submit(text, dryRun);
      if (dryRun) {
        setPreview(outcome.rows);
        return;
      }
      notifications.show({
        color: "green",
        icon: <IconCheck size={18} />,
        title: `${capitalised(noun.other)} imported`,
        message: `${count(outcome.created)} ${outcome.created === 1 ? "was" : "were"} created.`,
      });
      onClose();
    } catch (error) {
      setPreview(null);
      setFailure({ dryRun, message: errorMessage(error) });
      if (isApiError(error, "validation_failed") && Array.isArray(error.details))
        setRowErrors(error.details as ImportRowError[]);
    } finally {
      setPending(null);
    }
  };

  return (
    <Stack gap="sm">
      <Text size="sm">{help} Check the file first: nothing is imported when any row is wrong.</Text>
      <FileInput
        label="CSV file"
        accept=".csv,text/csv"
        leftSection={<IconFileTypeCsv size={16} />}
        placeholder="Choose a file"
        clearable
        onChange={async (file) => handleChange(file ? await file.text() : "")}
      />
      <Textarea
        label="Or paste the CSV"
        autosize
        minRows={5}
        maxRows={12}
        placeholder={example}
        value={text}
        onChange={(event) => handleChange(event.currentTarget.value)}
        styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
      />
      {failure && (
        <Alert
          color="red"
          icon={<IconAlertCircle />}
          title={failure.dryRun ? "Nothing can be imported" : "Nothing was imported"}
          role="alert"
        >
          {failure.message}
        </Alert>
      )}
      {rowErrors.length > 0 && <RowErrorsTable errors={rowErrors} />}
      {preview && (
        <>
          <Text size="sm" fw={500}>
            {count(preview.length)} will be created
            {preview.length > PREVIEW_ROWS ? ` (the first ${PREVIEW_ROWS} shown):` : ":"}
          </Text>
          <ScrollArea.Autosize mah={280}>
            <Table striped withTableBorder fz="sm" aria-label={`${capitalised(noun.other)} to import`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Row</Table.Th>
                  {columns.map((c) => (
                    <Table.Th key={c.title}>{c.title}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.slice(0, PREVIEW_ROWS).map((r) => (
                  <Table.Tr key={r.row}>
                    <Table.Td>{r.row}</Table.Td>
                    {columns.map((c) => (
                      <Table.Td key={c.title} ff={c.monospace ? "monospace" : undefined}>
                        {c.render(r)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant="default"
          onClick={() => handleRun(true)}
          loading={pending === "check"}
          disabled={!text.trim() || pending !== null}
        >
          Check
        </Button>
        <Button onClick={() => handleRun(false)} loading={pending === "import"} disabled={!preview || pending !== null}>
          {preview ? `Import ${count(preview.length)}` : "Import"}
        </Button>
      </Group>
    </Stack>
  );
}

function RowErrorsTable({ errors }: { errors: ImportRowError[] }) {
  return (
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
          {errors.map((e, i) => (
            <Table.Tr key={i}>
              <Table.Td>{e.row}</Table.Td>
              <Table.Td>{e.field ?? "—"}</Table.Td>
              <Table.Td>{e.message}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}
