import { PHONE_CSV_COLUMNS, phoneBrands, type PhoneImportRow } from "@cisisk/contract";
import { brandLabel } from "../../lib/brands";
import { CsvImportModal, type CsvImportColumn } from "../../ui/csv-import-modal";
import { useImportPhones } from "./queries";

const EXAMPLE = [
  PHONE_CSV_COLUMNS.join(","),
  "80:5e:c0:12:34:56,cisco,8845,SIP,Reception,Floor 1,,jdoe,",
  "001e4a000011,,7965,SCCP,Desk 11,,,,7915;7915",
  "000b82a1b2c3,grandstream,GXP2170,,Lobby,,,,",
  "",
].join("\n");

const COLUMNS: CsvImportColumn<PhoneImportRow>[] = [
  { title: "MAC", render: (p) => p.mac, monospace: true },
  { title: "Brand", render: (p) => brandLabel(p.brand) },
  { title: "Model", render: (p) => p.model },
  { title: "Software", render: (p) => p.softwareType ?? "—" },
  { title: "Label", render: (p) => p.label ?? "—" },
  { title: "Owner", render: (p) => p.username ?? "—" },
  { title: "KEMs", render: (p) => p.kems.join(", ") || "—" },
];

export function ImportPhonesModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const importCsv = useImportPhones();
  return (
    <CsvImportModal
      opened={opened}
      onClose={onClose}
      noun={{ one: "phone", other: "phones" }}
      help={
        <>
          Columns: <code>{PHONE_CSV_COLUMNS.join(", ")}</code>; <code>mac</code> (any spelling) and <code>model</code>{" "}
          are required, <code>brand</code> is one of {phoneBrands.join(", ")} (empty: cisco) and the model must be one
          of that brand&apos;s, <code>username</code> is the owner, <code>kems</code> like <code>7915;7915</code> (Cisco
          only).
        </>
      }
      example={EXAMPLE}
      submit={async (csv, dryRun) => {
        const result = await importCsv.mutateAsync({ csv, dryRun });
        return { created: result.created, rows: result.phones };
      }}
      columns={COLUMNS}
    />
  );
}
