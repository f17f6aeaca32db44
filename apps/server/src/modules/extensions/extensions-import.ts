import {
  createExtensionSchema,
  EXTENSION_CSV_COLUMNS,
  extensionTechnologies,
  type CreateExtension,
  type ExtensionImportResult,
  type ExtensionImportRowError,
} from "@cisisk/contract";
import { checkRowCount, parseCsvRecords } from "../../lib/csv-records.js";
import { ValidationFailed } from "../../errors.js";
import type { ExtensionsService } from "./extensions.service.js";

export const IMPORT_MAX_ROWS = 10_000;

/**
 * CSV import of extensions (`number,technology,displayName,username`): every row is checked (shape,
 * duplicates in the file and in the database, unknown usernames) and nothing is written unless all pass.
 * `dryRun` answers what would be created and writes nothing.
 */
export async function importExtensionsCsv(
  service: ExtensionsService,
  text: string,
  dryRun: boolean,
): Promise<ExtensionImportResult> {
  const { records, header } = parseCsvRecords(text);
  const missing = EXTENSION_CSV_COLUMNS.filter((c) => c !== "username" && !header.includes(c));
  if (missing.length > 0) {
    throw new ValidationFailed(`missing column(s): ${missing.join(", ")}`, [
      { row: 0, field: missing[0]!, message: `the header must name ${EXTENSION_CSV_COLUMNS.join(",")}` },
    ]);
  }
  checkRowCount(records, IMPORT_MAX_ROWS);

  const errors: ExtensionImportRowError[] = [];
  const valid: Array<{ row: number; input: CreateExtension; username: string }> = [];
  const seen = new Map<string, number>();
  for (const [i, rec] of records.entries()) {
    const row = i + 1;
    const technology = (rec.technology ?? "").toUpperCase();
    if (!extensionTechnologies.includes(technology as never)) {
      errors.push({ row, field: "technology", message: `must be one of ${extensionTechnologies.join(", ")}` });
      continue;
    }
    const parsed = createExtensionSchema.safeParse({
      number: rec.number ?? "",
      technology,
      displayName: rec.displayName ?? "",
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        errors.push({ row, field: issue.path.join(".") || null, message: issue.message });
      continue;
    }
    const first = seen.get(parsed.data.number);
    if (first !== undefined) {
      errors.push({ row, field: "number", message: `duplicate of row ${first}` });
      continue;
    }
    seen.set(parsed.data.number, row);
    valid.push({ row, input: parsed.data, username: (rec.username ?? "").trim() });
  }

  const taken = await service.existingNumbers(valid.map((v) => v.input.number));
  const userIds = new Map<string, string | undefined>();
  for (const v of valid) {
    if (taken.has(v.input.number)) errors.push({ row: v.row, field: "number", message: "number is already taken" });
    if (!v.username) continue;
    if (!userIds.has(v.username)) userIds.set(v.username, await service.userIdByUsername(v.username));
    const userId = userIds.get(v.username);
    if (!userId) errors.push({ row: v.row, field: "username", message: `no user named "${v.username}"` });
    else v.input.userId = userId;
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.row - b.row);
    throw new ValidationFailed(`${errors.length} problem(s) in the file; nothing was imported`, errors);
  }
  const extensions = valid.map((v) => ({
    row: v.row,
    number: v.input.number,
    technology: v.input.technology,
    displayName: v.input.displayName,
    username: v.username || null,
  }));
  if (dryRun) return { dryRun: true, created: 0, extensions };
  const { created } = await service.importRows(valid.map((v) => v.input));
  return { dryRun: false, created, extensions };
}
