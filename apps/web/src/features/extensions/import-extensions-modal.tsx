import { EXTENSION_CSV_COLUMNS, type ExtensionImportRow } from "@cisisk/contract";
import { CsvImportModal, type CsvImportColumn } from "../../ui/csv-import-modal";
import { useImportExtensions } from "./queries";

const EXAMPLE = `${EXTENSION_CSV_COLUMNS.join(",")}\n1001,PJSIP,Jane Doe,jdoe\n1002,SCCP,Reception,\n`;

const COLUMNS: CsvImportColumn<ExtensionImportRow>[] = [
  { title: "Number", render: (e) => e.number, monospace: true },
  { title: "Technology", render: (e) => e.technology },
  { title: "Display name", render: (e) => e.displayName },
  { title: "User", render: (e) => e.username ?? "—" },
];

export function ImportExtensionsModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const importCsv = useImportExtensions();
  return (
    <CsvImportModal
      opened={opened}
      onClose={onClose}
      noun={{ one: "extension", other: "extensions" }}
      help={
        <>
          Columns: <code>{EXTENSION_CSV_COLUMNS.join(", ")}</code> (username of the linked user, may be empty). Secrets
          are generated.
        </>
      }
      example={EXAMPLE}
      submit={async (csv, dryRun) => {
        const result = await importCsv.mutateAsync({ csv, dryRun });
        return { created: result.created, rows: result.extensions };
      }}
      columns={COLUMNS}
      size="lg"
    />
  );
}
