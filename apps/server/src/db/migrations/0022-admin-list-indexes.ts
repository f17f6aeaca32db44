import { MysqlAdapter, type Kysely } from "kysely";

/**
 * Keyset paging of the admin lists (db/keyset.ts) that 0017 left out: one index per sort, ending in the list's
 * tie-break (the id; an uploaded file's name), so a page is one index range on every engine. The sign-in log
 * sorts by a column and then by time, and its new indexes start with the columns of the three they replace
 * (`username_key, at`, `ip, at`, `at`), so the filters and the pruning of old attempts keep an index.
 * The token table needs none: it is one user's sessions and passkeys, found by the user indexes.
 */
const indexes: [name: string, table: string, columns: string[]][] = [
  ["login_attempts_at_sort_idx", "login_attempts", ["at", "id"]],
  ["login_attempts_user_sort_idx", "login_attempts", ["username_key", "at", "id"]],
  ["login_attempts_ip_sort_idx", "login_attempts", ["ip", "at", "id"]],
  ["login_attempts_result_sort_idx", "login_attempts", ["result", "at", "id"]],
  ["api_keys_name_sort_idx", "api_keys", ["name", "id"]],
  ["api_keys_created_sort_idx", "api_keys", ["created_at", "id"]],
  ["api_keys_expires_sort_idx", "api_keys", ["expires_at", "id"]],
  ["api_keys_last_used_sort_idx", "api_keys", ["last_used_at", "id"]],
  ["uploaded_files_size_sort_idx", "uploaded_files", ["size", "name"]],
  ["uploaded_files_uploaded_sort_idx", "uploaded_files", ["uploaded_at", "name"]],
];

/** Replaced by the sort indexes above, whose leading columns they are. */
const replaced: [name: string, table: string, columns: string[]][] = [
  ["login_attempts_user_idx", "login_attempts", ["username_key", "at"]],
  ["login_attempts_ip_idx", "login_attempts", ["ip", "at"]],
  ["login_attempts_at_idx", "login_attempts", ["at"]],
];

async function dropIndex(db: Kysely<unknown>, name: string, table: string): Promise<void> {
  const drop = db.schema.dropIndex(name).ifExists();
  // MySQL/MariaDB name the table of an index; SQLite and PostgreSQL refuse it.
  await (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on(table) : drop).execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, columns] of indexes) await db.schema.createIndex(name).on(table).columns(columns).execute();
  for (const [name, table] of replaced) await dropIndex(db, name, table);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, columns] of replaced)
    await db.schema.createIndex(name).on(table).columns(columns).ifNotExists().execute();
  for (const [name, table] of indexes.toReversed()) await dropIndex(db, name, table);
}
