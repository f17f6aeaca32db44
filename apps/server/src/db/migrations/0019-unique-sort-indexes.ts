import type { Kysely } from "kysely";

/**
 * The default sorts, phones by MAC and extensions by number, end in the id like every other sort
 * (db/keyset.ts), but their columns only had the unique index of the column alone. PostgreSQL then sorted
 * each run of the unique index again by id (Incremental Sort) and, worse, read the table for every row an
 * OFFSET skipped (the id is not in the unique index): page 1,000 read 50,000 heap rows. With the id in the
 * index the page's ids come from an index-only walk, as on every other sort column.
 */
const indexes: [name: string, table: string, columns: string[]][] = [
  ["phones_mac_sort_idx", "phones", ["mac", "id"]],
  ["extensions_number_sort_idx", "extensions", ["number", "id"]],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, columns] of indexes) await db.schema.createIndex(name).on(table).columns(columns).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name, table] of indexes.toReversed()) await db.schema.dropIndex(name).on(table).ifExists().execute();
}
