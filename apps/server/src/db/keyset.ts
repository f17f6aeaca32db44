import type { ListQuery } from "@cisisk/contract";
import { PostgresAdapter, sql, type Expression, type SelectQueryBuilder, type SqlBool } from "kysely";
import { ValidationFailed } from "../errors.js";

/**
 * Keyset (cursor) paging shared by every list. A list is ordered by one or more key columns and its id, all
 * in the same direction; the answer's `nextCursor` carries the last row's key values and id, and the next
 * request continues strictly after that position (`key > v OR key = v AND id > id`), so rows inserted or
 * deleted meanwhile never make a row appear twice or be skipped. Comparisons and ORDER BY run in the same
 * engine and collation, so the order is consistent on SQLite, PostgreSQL and MariaDB (case-insensitive
 * collations included: equal keys fall back to the id). NULLs sort first in ascending order on SQLite and
 * MariaDB and last on PostgreSQL; the predicate follows the engine's own NULL placement so indexes stay usable.
 *
 * The cursor is opaque base64url JSON `[sort, page, total, ...keys, id]`; it is validated (shape, types, lengths,
 * and that it belongs to the requested sort) and a bad one answers 400 validation_failed. A forged cursor
 * can only name another position in the same list, never widen what the caller may read.
 */

type KeyValue = string | number | null;

export interface KeysetKey {
  /** Column reference as used in ORDER BY, e.g. `phones.mac`. */
  ref: string;
  /** The column may hold NULL. */
  nullable?: boolean;
}

export interface KeysetPlan {
  keys: KeysetKey[];
  /** The id column (unique, never null), e.g. `phones.id`. */
  id: string;
  direction: "asc" | "desc";
  /** The requested sort, as given (or the list's default); a cursor is only valid for the same sort. */
  sort: string;
  pageSize: number;
  /** 1-based page of the answer (from the cursor when one is given). */
  page: number;
  offset: number;
  after: { values: KeyValue[]; id: string } | null;
  /** The total counted for the first page, carried by the cursor: later pages skip the count. */
  total: number | null;
  nullsFirstAscending: boolean;
}

const MAX_CURSOR = 2048;
/** Ids are UUIDs, or names where a name is the key (uploaded files: letters, digits, '.', '_', '-'). */
const idLike = /^[0-9A-Za-z._-]{1,128}$/;

function invalid(): never {
  throw new ValidationFailed("invalid cursor", { field: "cursor" });
}

function encodeCursor(sort: string, page: number, total: number, values: KeyValue[], id: string): string {
  return Buffer.from(JSON.stringify([sort, page, total, ...values, id]), "utf8").toString("base64url");
}

function decodeCursor(
  cursor: string,
  sort: string,
  keyCount: number,
): { page: number; total: number; values: KeyValue[]; id: string } {
  if (cursor.length > MAX_CURSOR || !/^[A-Za-z0-9_-]+$/.test(cursor)) invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== keyCount + 4) invalid();
  const [s, page, total, ...rest] = parsed as unknown[];
  const id = rest.pop();
  if (s !== sort) throw new ValidationFailed("cursor belongs to another sort order", { field: "cursor" });
  if (typeof page !== "number" || !Number.isSafeInteger(page) || page < 2) invalid();
  if (typeof total !== "number" || !Number.isSafeInteger(total) || total < 0) invalid();
  if (typeof id !== "string" || !idLike.test(id)) invalid();
  for (const v of rest) {
    if (v === null) continue;
    if (typeof v === "string" && v.length <= 1024) continue;
    if (typeof v === "number" && Number.isFinite(v)) continue;
    invalid();
  }
  return { page, total, values: rest as KeyValue[], id };
}

/** Works out the page to read: from `cursor` when given, else from `page`. Throws 400 on a bad cursor. */
export function planPage(
  db: { getExecutor(): { adapter: unknown } },
  q: Pick<ListQuery, "page" | "pageSize"> & { cursor?: string | undefined },
  order: { keys: KeysetKey[]; id: string; direction: "asc" | "desc"; sort: string },
): KeysetPlan {
  const nullsFirstAscending = !(db.getExecutor().adapter instanceof PostgresAdapter);
  if (q.cursor) {
    const c = decodeCursor(q.cursor, order.sort, order.keys.length);
    return {
      ...order,
      pageSize: q.pageSize,
      page: c.page,
      offset: 0,
      after: { values: c.values, id: c.id },
      total: c.total,
      nullsFirstAscending,
    };
  }
  return {
    ...order,
    pageSize: q.pageSize,
    page: q.page,
    offset: (q.page - 1) * q.pageSize,
    after: null,
    total: null,
    nullsFirstAscending,
  };
}

/**
 * planPage for a list whose `sort` is `field` or `-field`, each field naming its key columns (a list whose
 * rows are keyed by the id alone, like files by name, gives that field no keys).
 */
export function planSortedPage<F extends string>(
  db: { getExecutor(): { adapter: unknown } },
  q: Pick<ListQuery, "page" | "pageSize" | "sort" | "cursor">,
  order: { sorts: Record<F, KeysetKey[]>; defaultSort: F | `-${F}`; id: string },
): KeysetPlan {
  const sort = q.sort ?? order.defaultSort;
  const keys = order.sorts[sort.replace(/^-/, "") as F];
  if (!keys) throw new ValidationFailed("unknown sort", { field: "sort" });
  return planPage(db, q, { keys, id: order.id, direction: sort.startsWith("-") ? "desc" : "asc", sort });
}

/** `col` strictly after / equal to `v` in the list's order, with the engine's NULL placement. */
function compare(
  plan: KeysetPlan,
  key: KeysetKey,
  v: KeyValue,
): { after: Expression<SqlBool>; equal: Expression<SqlBool> } {
  const col = sql.ref(key.ref);
  const op = sql.raw(plan.direction === "asc" ? ">" : "<");
  const nullsFirst = plan.nullsFirstAscending === (plan.direction === "asc");
  if (v === null) {
    return {
      after: nullsFirst ? sql<SqlBool>`${col} is not null` : sql<SqlBool>`1 = 0`,
      equal: sql<SqlBool>`${col} is null`,
    };
  }
  return {
    after:
      key.nullable && !nullsFirst
        ? sql<SqlBool>`(${col} ${op} ${v} or ${col} is null)`
        : sql<SqlBool>`${col} ${op} ${v}`,
    equal: sql<SqlBool>`${col} = ${v}`,
  };
}

function afterPredicate(plan: KeysetPlan): Expression<SqlBool> | null {
  if (!plan.after) return null;
  const { values, id } = plan.after;
  const op = sql.raw(plan.direction === "asc" ? ">" : "<");
  // Built from the last key outwards: k1 after v1 OR (k1 = v1 AND (k2 after v2 OR (k2 = v2 AND id after)))
  let tail: Expression<SqlBool> = sql<SqlBool>`${sql.ref(plan.id)} ${op} ${id}`;
  for (let i = plan.keys.length - 1; i >= 0; i--) {
    const c = compare(plan, plan.keys[i]!, values[i] ?? null);
    tail = sql<SqlBool>`(${c.after} or (${c.equal} and ${tail}))`;
  }
  // A plain range bound on the first key lets every engine start the index scan at the cursor.
  const first = plan.keys[0];
  if (!first) return tail;
  const v0 = values[0] ?? null;
  const nullsFirst = plan.nullsFirstAscending === (plan.direction === "asc");
  if (v0 !== null && (!first.nullable || nullsFirst)) {
    const bound = sql.raw(plan.direction === "asc" ? ">=" : "<=");
    return sql<SqlBool>`(${sql.ref(first.ref)} ${bound} ${v0} and ${tail})`;
  }
  return tail;
}

function ordered<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, plan: KeysetPlan) {
  let out = qb;
  for (const k of plan.keys) out = out.orderBy(sql.ref(k.ref), plan.direction);
  return out.orderBy(sql.ref(plan.id), plan.direction).limit(plan.pageSize + 1);
}

/**
 * Adds the cursor condition, ORDER BY (keys then id, one direction) and LIMIT pageSize + 1. An OFFSET is
 * applied to the ids alone (a walk of the sort index), and only the page's rows are then read whole.
 */
export function applyPage<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  plan: KeysetPlan,
): SelectQueryBuilder<DB, TB, O> {
  const predicate = afterPredicate(plan);
  const filtered = predicate ? qb.where(predicate) : qb;
  if (plan.offset === 0) return ordered(filtered, plan);
  const pageIds = ordered(filtered.clearSelect().select(sql.ref<string>(plan.id).as("page_id")), plan).offset(
    plan.offset,
  );
  // Wrapped in a derived table: MariaDB refuses LIMIT directly inside IN (…).
  const inPage = sql<SqlBool>`${sql.ref(plan.id)} in (select page_id from (${pageIds}) page_ids)`;
  return ordered(filtered.where(inPage), plan);
}

const columnOf = (ref: string): string => ref.slice(ref.lastIndexOf(".") + 1);

/**
 * The list's total: counted for a first (or offset) page; a cursor page reuses the total its cursor carries
 * (counted when the walk began), so walking deep pages costs no count(*) of a large table each time.
 */
export async function countOnce(plan: KeysetPlan, count: () => Promise<{ n: unknown }>): Promise<{ n: unknown }> {
  return plan.total !== null ? { n: plan.total } : count();
}

/**
 * One planned page of `rows` (a select with its filters, without ORDER BY or LIMIT), each row made a domain
 * object by `map`, and the list's total: applyPage, countOnce and finishPage in one step.
 */
export async function readPage<DB, TB extends keyof DB, O extends object, T>(
  rows: SelectQueryBuilder<DB, TB, O>,
  plan: KeysetPlan,
  map: (row: O) => T,
): Promise<{ rows: T[]; total: number; page: number; nextCursor: string | null }> {
  // Typed by hand: TypeScript cannot resolve the selection of a generic table.
  const counted = rows.clearSelect().select(sql<number | string>`count(*)`.as("n"));
  const [found, count] = await Promise.all([
    applyPage(rows, plan).execute(),
    countOnce(plan, () => counted.executeTakeFirstOrThrow() as Promise<{ n: unknown }>),
  ]);
  const total = Number(count.n);
  const page = finishPage(found, plan, total);
  return { ...page, rows: page.rows.map(map), total };
}

/** Cuts the look-ahead row and makes `nextCursor` from the last row kept (null on the last page). */
export function finishPage<R extends object>(
  rows: R[],
  plan: KeysetPlan,
  total: number,
): { rows: R[]; page: number; nextCursor: string | null } {
  if (rows.length <= plan.pageSize) return { rows, page: plan.page, nextCursor: null };
  const kept = rows.slice(0, plan.pageSize);
  const last = kept[kept.length - 1] as Record<string, unknown>;
  const values = plan.keys.map((k) => {
    const v = last[columnOf(k.ref)];
    if (v === null || v === undefined) return null;
    if (typeof v === "number" || typeof v === "string") return v;
    if (typeof v === "bigint") return Number(v);
    if (v instanceof Date) return v.toISOString();
    return String(v);
  });
  return {
    rows: kept,
    page: plan.page,
    nextCursor: encodeCursor(plan.sort, plan.page + 1, total, values, String(last[columnOf(plan.id)])),
  };
}
