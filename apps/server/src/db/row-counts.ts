import { PostgresAdapter, sql, type QueryExecutorProvider } from "kysely";

/** Row sets whose exact size PostgreSQL keeps (migration 0018); `directory` is the shared directory's contacts. */
export type CountedRows = "phones" | "extensions" | "directory";

/** Deltas a counter may collect before a read folds them into one row. */
const FOLD_OVER = 64;

/**
 * The exact size of a counted row set: on PostgreSQL the sum of the deltas its triggers logged (a handful of rows
 * instead of 100,000 index entries), elsewhere `countStar`. Same shape as a `count(*)` row, for `countOnce`.
 */
export async function countedRows(
  db: QueryExecutorProvider,
  counter: CountedRows,
  countStar: () => Promise<{ n: unknown }>,
): Promise<{ n: unknown }> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return countStar();
  const { rows } = await sql<{ n: string; deltas: string }>`
    select coalesce(sum(delta), 0) as n, count(*) as deltas from row_count_deltas where counter = ${counter}`.execute(
    db,
  );
  const r = rows[0]!;
  if (Number(r.deltas) > FOLD_OVER) await fold(db, counter);
  return { n: Number(r.n) };
}

/**
 * Replaces a counter's deltas by their sum, in one statement: each delta is deleted by exactly one fold (a
 * concurrent fold skips rows this one deleted), and a delta committed meanwhile stays for the next, so every
 * snapshot still sums to the same count.
 */
async function fold(db: QueryExecutorProvider, counter: CountedRows): Promise<void> {
  await sql`
    with gone as (delete from row_count_deltas where counter = ${counter} returning delta)
    insert into row_count_deltas (counter, delta) select ${counter}, coalesce(sum(delta), 0) from gone`.execute(db);
}
