import type { ListQuery } from "@cisisk/contract";
import { sql, type Expression, type SqlBool } from "kysely";

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

export const offsetOf = (q: ListQuery): number => (q.page - 1) * q.pageSize;

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
