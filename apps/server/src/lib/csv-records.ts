import { parse } from "csv-parse/sync";
import { ValidationFailed } from "../errors.js";

/**
 * An uploaded CSV file's rows keyed by its (trimmed) header, and that header even when the file has no rows;
 * a file that is not CSV is a 400 naming the line. The imports (extensions, phones) check the columns.
 */
export function parseCsvRecords(text: string): { records: Record<string, string>[]; header: string[] } {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: false,
    }) as Record<string, string>[];
  } catch (err) {
    throw new ValidationFailed("the file is not valid CSV", [
      { row: (err as { lines?: number }).lines ?? 0, field: null, message: (err as Error).message },
    ]);
  }
  const header =
    records.length > 0
      ? Object.keys(records[0]!)
      : text
          .split(/\r?\n/)[0]!
          .split(",")
          .map((h) => h.trim());
  return { records, header };
}

/** An import needs at least one row and at most `maxRows` (checked after its columns). */
export function checkRowCount(records: readonly unknown[], maxRows: number): void {
  if (records.length === 0)
    throw new ValidationFailed("the file has no rows", [{ row: 0, field: null, message: "no rows" }]);
  if (records.length > maxRows) {
    throw new ValidationFailed(`at most ${maxRows} rows per import`, [
      { row: 0, field: null, message: `${records.length} rows` },
    ]);
  }
}
