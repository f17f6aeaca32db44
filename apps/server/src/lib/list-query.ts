import { MysqlAdapter, PostgresAdapter, sql, type Expression, type SqlBool } from "kysely";

/** `-createdAt` → { column: "created_at", direction: "desc" } using the module's field → column map. */
export function parseSort<F extends string>(
  sort: string | undefined,
  columns: Record<F, string>,
  fallback: F,
): { column: string; direction: "asc" | "desc" } {
  const desc = sort?.startsWith("-") ?? false;
  const field = (sort ? sort.replace(/^-/, "") : fallback) as F;
  return { column: columns[field] ?? columns[fallback], direction: desc ? "desc" : "asc" };
}

/** Escapes LIKE wildcards (for `like … escape '\\'`) so a search for "50%" finds "50%", not everything. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Lower-cased substring pattern for `ilike` and pre-lowered columns. */
export function likePattern(q: string): string {
  return `%${escapeLike(q.toLowerCase())}%`;
}

/** Case-insensitive substring match that behaves the same on SQLite, PostgreSQL and MySQL. */
export function ilike(column: string, pattern: string): Expression<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape ${"\\"}`;
}

/**
 * Case-insensitive "column starts with `prefix`" that an index serves on each engine (migration 0017):
 * PostgreSQL `lower(col) like 'x%'` on a `lower(col) varchar_pattern_ops` index; SQLite `col like 'x%'` (its
 * LIKE ignores ASCII case) on a `col collate nocase` index; MariaDB `col like 'x%'` on a plain index (its
 * utf8mb4 collations ignore case).
 */
export function startsWithIgnoringCase(
  db: { getExecutor(): { adapter: unknown } },
  column: string,
  prefix: string,
): Expression<SqlBool> {
  // The escape character is a literal: SQLite only uses an index for LIKE when ESCAPE is not a parameter.
  const adapter = db.getExecutor().adapter;
  const pattern = `${escapeLike(prefix.toLowerCase())}%`;
  if (adapter instanceof PostgresAdapter) return sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
  if (adapter instanceof MysqlAdapter) return sql<SqlBool>`${sql.ref(column)} like ${pattern}`; // escape: backslash
  return sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
}
