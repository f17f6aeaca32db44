import {
  canonicalBrandModel,
  createPhoneSchema,
  findBrandModel,
  findPhoneModel,
  PHONE_CSV_COLUMNS,
  phoneBrandSchema,
  type ExtensionImportRowError,
  type KemModel,
  type PhoneImportResult,
  type PhoneImportRow,
} from "@cisisk/contract";
import { checkRowCount, parseCsvRecords } from "../../lib/csv-records.js";
import { DomainError, ValidationFailed } from "../../errors.js";
import { resolveKems, type CreatePhone, type PhonesService } from "./phones.service.js";

export const PHONE_IMPORT_MAX_ROWS = 10_000;

/** A Yealink, Fanvil, Grandstream, Snom or Polycom row: a model of the brand's catalogue, no software type or KEMs. */
function otherBrandRow(
  input: CreatePhone,
  kems: string | undefined,
): { input: CreatePhone } | { error: Omit<RowError, "row"> } {
  const model = findBrandModel(input.brand, input.model);
  if (!model) return { error: { field: "model", message: `not a ${input.brand} model Cisisk knows` } };
  if (input.softwareType)
    return { error: { field: "softwareType", message: "only Cisco phones have a software type" } };
  if (kems?.trim()) return { error: { field: "kems", message: "only Cisco phones take key expansion modules" } };
  return { input: { ...input, model: model.model } };
}

type RowError = ExtensionImportRowError;

/** The field a zod/domain path names: `body.kems.0.model` → `kems`. */
const fieldOf = (path: string | undefined) => (path ? path.replace(/^body\./, "").split(".")[0]! : null);

/**
 * CSV import of phones (`mac,brand,model,softwareType,label,location,ip,username,kems`): every row is checked
 * (MAC in any spelling, brand (default cisco), model against that brand's catalogue, firmware type and KEMs for
 * Cisco models only, owner by username, duplicates within the file and against the database) and nothing is
 * written unless all pass.
 * `dryRun` answers what would be created and writes nothing.
 */
export async function importPhonesCsv(
  service: PhonesService,
  text: string,
  dryRun: boolean,
): Promise<PhoneImportResult> {
  const { records, header } = parseCsvRecords(text);
  const missing = ["mac", "model"].filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new ValidationFailed(`missing column(s): ${missing.join(", ")}`, [
      { row: 0, field: missing[0]!, message: `the header names some of ${PHONE_CSV_COLUMNS.join(",")}` },
    ]);
  }
  const unknown = header.filter((h) => !(PHONE_CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0) {
    throw new ValidationFailed(`unknown column(s): ${unknown.join(", ")}`, [
      { row: 0, field: unknown[0]!, message: `columns are ${PHONE_CSV_COLUMNS.join(",")}` },
    ]);
  }
  checkRowCount(records, PHONE_IMPORT_MAX_ROWS);

  const errors: RowError[] = [];
  const valid: Array<{ row: number; input: CreatePhone; kems: KemModel[]; username: string }> = [];
  const seen = new Map<string, number>();
  for (const [i, rec] of records.entries()) {
    const row = i + 1;
    const parsed = createPhoneSchema.safeParse({
      mac: rec.mac ?? "",
      brand: rec.brand ? rec.brand.trim().toLowerCase() : undefined,
      model: rec.model ?? "",
      softwareType: rec.softwareType ? rec.softwareType.toUpperCase() : null,
      label: rec.label ?? null,
      location: rec.location ?? null,
      ip: rec.ip ?? null,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        errors.push({ row, field: issue.path.join(".") || null, message: issue.message });
      continue;
    }
    const input: CreatePhone = { ...parsed.data, userId: null };
    const first = seen.get(input.mac);
    if (first !== undefined) {
      errors.push({ row, field: "mac", message: `duplicate of row ${first}` });
      continue;
    }
    if (input.brand !== "cisco") {
      const other = otherBrandRow(input, rec.kems);
      if ("error" in other) errors.push({ row, ...other.error });
      else {
        seen.set(input.mac, row);
        valid.push({ row, input: other.input, kems: [], username: (rec.username ?? "").trim() });
      }
      continue;
    }
    // Cisco's names in any common form ("Cisco 8845", "CP-7965G"), as the phones API takes them.
    const model = findPhoneModel(canonicalBrandModel("cisco", input.model));
    if (!model) {
      errors.push({ row, field: "model", message: "unknown model" });
      continue;
    }
    if (input.softwareType && !model.protocols.includes(input.softwareType)) {
      errors.push({ row, field: "softwareType", message: `${model.model} runs ${model.protocols.join(" or ")}` });
      continue;
    }
    let kems: KemModel[];
    try {
      const names = (rec.kems ?? "")
        .split(/[;|]/)
        .map((k) => k.trim())
        .filter(Boolean);
      kems = resolveKems(model, names);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      errors.push({ row, field: "kems", message: err.message });
      continue;
    }
    seen.set(input.mac, row);
    valid.push({ row, input: { ...input, model: model.model }, kems, username: (rec.username ?? "").trim() });
  }

  const taken = await service.existingMacs(valid.map((v) => v.input.mac));
  const userIds = new Map<string, string | undefined>();
  for (const v of valid) {
    if (taken.has(v.input.mac))
      errors.push({ row: v.row, field: "mac", message: "a phone with this MAC already exists" });
    if (!v.username) continue;
    if (!userIds.has(v.username)) userIds.set(v.username, await service.userIdByUsername(v.username));
    const userId = userIds.get(v.username);
    if (!userId) errors.push({ row: v.row, field: "username", message: `no user named "${v.username}"` });
    else v.input.userId = userId;
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.row - b.row);
    for (const e of errors) e.field = fieldOf(e.field ?? undefined);
    throw new ValidationFailed(`${errors.length} problem(s) in the file; nothing was imported`, errors);
  }
  const phones: PhoneImportRow[] = valid.map((v) => ({
    row: v.row,
    mac: v.input.mac,
    brand: phoneBrandSchema.parse(v.input.brand),
    model: v.input.model,
    softwareType: v.input.softwareType,
    label: v.input.label,
    location: v.input.location,
    ip: v.input.ip,
    username: v.username || null,
    kems: v.kems,
  }));
  if (dryRun) return { dryRun: true, created: 0, phones };
  const { created } = await service.importRows(valid.map((v) => ({ input: v.input, kems: v.kems })));
  return { dryRun: false, created, phones };
}
