import { PHONE_CSV_COLUMNS, phoneBrands, type ExtensionImportRowError, type PhoneImportRow } from "@cisisk/contract";
import { Alert, Button, FileInput, Group, Modal, ScrollArea, Stack, Table, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconCheck, IconFileTypeCsv } from "@tabler/icons-react";
import { useState } from "react";
import { isApiError } from "../../lib/api-client";
import { brandLabel } from "../../lib/brands";
import { errorMessage } from "../../lib/form-errors";
import { useImportPhones } from "./queries";

const EXAMPLE = [
  PHONE_CSV_COLUMNS.join(","),
  "80:5e:c0:12:34:56,cisco,8845,SIP,Reception,Floor 1,,jdoe,",
  "001e4a000011,,7965,SCCP,Desk 11,,,,7915;7915",
  "000b82a1b2c3,grandstream,GXP2170,,Lobby,,,,",
  "",
].join("\n");

export function ImportPhonesModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Import phones from CSV" size="xl">
      {opened && <ImportForm onDone={onClose} />}
    </Modal>
  );
}

function ImportForm({ onDone }: { onDone: () => void }) {
  const importCsv = useImportPhones();
  const [text, setText] = useState("");
  const [preview, setPreview] = useState<PhoneImportRow[] | null>(null);
  const [rowErrors, setRowErrors] = useState<ExtensionImportRowError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);

  const change = (value: string) => {
    setText(value);
    setPreview(null);
    setRowErrors([]);
    setFailure(null);
  };

  const run = async (dryRun: boolean) => {
    setRowErrors([]);
    setFailure(null);
    try {
      const result = await importCsv.mutateAsync({ csv: text, dryRun });
      if (dryRun) {
        setPreview(result.phones);
        return;
      }
      notifications.show({
        color: "green",
        icon: <IconCheck size={18} />,
        title: "Phones imported",
        message: result.created === 1 ? "1 phone was created." : `${result.created} phones were created.`,
      });
      onDone();
    } catch (error) {
      setPreview(null);
      setFailure(errorMessage(error));
      if (isApiError(error, "validation_failed") && Array.isArray(error.details)) {
        setRowErrors(error.details as ExtensionImportRowError[]);
      }
    }
  };

  return (
    <Stack gap="sm">
      <Text size="sm">
        Columns: <code>{PHONE_CSV_COLUMNS.join(", ")}</code>; <code>mac</code> (any spelling) and <code>model</code> are
        required, <code>brand</code> is one of {phoneBrands.join(", ")} (empty: cisco) and the model must be one of that
        brand&apos;s, <code>username</code> is the owner, <code>kems</code> like <code>7915;7915</code> (Cisco only).
        Check the file first: nothing is imported when any row is wrong.
      </Text>
      <FileInput
        label="CSV file"
        accept=".csv,text/csv"
        leftSection={<IconFileTypeCsv size={16} />}
        placeholder="Choose a file"
        clearable
        onChange={async (file) => change(file ? await file.text() : "")}
      />
      <Textarea
        label="Or paste the CSV"
        autosize
        minRows={5}
        maxRows={12}
        placeholder={EXAMPLE}
        value={text}
        onChange={(event) => change(event.currentTarget.value)}
        styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
      />
      {failure && (
        <Alert color="red" icon={<IconAlertCircle />} title="Nothing can be imported" role="alert">
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
      {preview && (
        <>
          <Text size="sm" fw={500}>
            {preview.length === 1 ? "1 phone will be created:" : `${preview.length} phones will be created:`}
          </Text>
          <ScrollArea.Autosize mah={280}>
            <Table striped withTableBorder fz="sm" aria-label="Phones to import">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Row</Table.Th>
                  <Table.Th>MAC</Table.Th>
                  <Table.Th>Brand</Table.Th>
                  <Table.Th>Model</Table.Th>
                  <Table.Th>Software</Table.Th>
                  <Table.Th>Label</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th>KEMs</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.slice(0, 500).map((p) => (
                  <Table.Tr key={p.row}>
                    <Table.Td>{p.row}</Table.Td>
                    <Table.Td ff="monospace">{p.mac}</Table.Td>
                    <Table.Td>{brandLabel(p.brand)}</Table.Td>
                    <Table.Td>{p.model}</Table.Td>
                    <Table.Td>{p.softwareType ?? "—"}</Table.Td>
                    <Table.Td>{p.label ?? "—"}</Table.Td>
                    <Table.Td>{p.username ?? "—"}</Table.Td>
                    <Table.Td>{p.kems.join(", ") || "—"}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button
          variant="default"
          onClick={() => run(true)}
          loading={importCsv.isPending && !preview}
          disabled={!text.trim()}
        >
          Check
        </Button>
        <Button onClick={() => run(false)} loading={importCsv.isPending && !!preview} disabled={!preview}>
          {preview ? `Import ${preview.length} ${preview.length === 1 ? "phone" : "phones"}` : "Import"}
        </Button>
      </Group>
    </Stack>
  );
}
