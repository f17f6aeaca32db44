import { MysqlAdapter, PostgresAdapter, sql, type Kysely } from "kysely";

/**
 * Lists at 100,000 rows: one index per sortable column, each ending in the id (the keyset tie-break of
 * db/keyset.ts), so a page, sorted either way, by offset or by cursor, is one index range on every engine.
 * Directory sort indexes end with the owner rather than lead with it: PostgreSQL does not take
 * `owner_user_id IS NULL` (the corporate directory) as fixing a leading column, so it would sort every row;
 * this way the corporate directory is read in index order, filtered inside the index (a personal one is found
 * by contacts_owner_idx and sorted). Widest key:
 * varchar(254) + varchar(36) in utf8mb4 = 1,160 bytes, inside InnoDB's 3,072-byte limit.
 *
 * Prefix search (lib/list-query.ts startsWithIgnoringCase) needs, per searched column, an index its LIKE 'x%'
 * can use: PostgreSQL `lower(col) varchar_pattern_ops` (LIKE ignores a non-C collation's btree), SQLite
 * `col collate nocase` (its LIKE ignores ASCII case, so only a NOCASE index serves it), MariaDB a plain index
 * (case-insensitive collation; columns already leading a sort index need none).
 */
const indexes: [name: string, table: string, columns: string[]][] = [
  ["users_display_name_sort_idx", "users", ["display_name", "id"]],
  ["users_email_sort_idx", "users", ["email", "id"]],
  ["users_level_sort_idx", "users", ["level", "id"]],
  ["users_created_sort_idx", "users", ["created_at", "id"]],
  ["users_updated_sort_idx", "users", ["updated_at", "id"]],
  ["extensions_display_name_sort_idx", "extensions", ["display_name", "id"]],
  ["extensions_technology_sort_idx", "extensions", ["technology", "id"]],
  ["extensions_created_sort_idx", "extensions", ["created_at", "id"]],
  ["extensions_updated_sort_idx", "extensions", ["updated_at", "id"]],
  ["phones_model_sort_idx", "phones", ["model", "id"]],
  ["phones_software_type_sort_idx", "phones", ["software_type", "id"]],
  ["phones_ip_sort_idx", "phones", ["ip", "id"]],
  ["phones_label_sort_idx", "phones", ["label", "id"]],
  ["phones_created_sort_idx", "phones", ["created_at", "id"]],
  ["phones_profile_idx", "phones", ["current_profile_id"]],
  ["profiles_software_type_sort_idx", "profiles", ["software_type", "id"]],
  ["profiles_created_sort_idx", "profiles", ["created_at", "id"]],
  ["profiles_updated_sort_idx", "profiles", ["updated_at", "id"]],
  ["contacts_last_sort_idx", "contacts", ["last_name_key", "first_name_key", "id", "owner_user_id"]],
  ["contacts_first_sort_idx", "contacts", ["first_name_key", "id", "owner_user_id"]],
  ["contacts_department_sort_idx", "contacts", ["department_key", "id", "owner_user_id"]],
  ["contacts_location_sort_idx", "contacts", ["location", "id", "owner_user_id"]],
  ["contacts_created_sort_idx", "contacts", ["created_at", "id", "owner_user_id"]],
  ["contacts_updated_sort_idx", "contacts", ["updated_at", "id", "owner_user_id"]],
  ["deployments_started_sort_idx", "deployments", ["started_at", "id"]],
  ["deployments_status_sort_idx", "deployments", ["status", "id"]],
  ["phone_services_position_sort_idx", "phone_services", ["position", "name_key", "id"]],
];

const searched: [table: string, column: string, mysqlNeedsIndex: boolean][] = [
  ["phones", "mac", false],
  ["phones", "ip", false],
  ["phones", "label", false],
  ["phones", "location", true],
  ["extensions", "number", false],
  ["extensions", "display_name", false],
  ["extensions", "technology", false],
  ["contacts", "email", true],
];
const searchIndexName = (table: string, column: string) => `${table}_${column}_search_idx`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, columns] of indexes) await db.schema.createIndex(name).on(table).columns(columns).execute();
  const adapter = db.getExecutor().adapter;
  for (const [table, column, mysqlNeedsIndex] of searched) {
    const index = db.schema.createIndex(searchIndexName(table, column)).on(table);
    if (adapter instanceof PostgresAdapter)
      await index.expression(sql`lower(${sql.ref(column)}) varchar_pattern_ops`).execute();
    else if (adapter instanceof MysqlAdapter) {
      if (mysqlNeedsIndex) await index.column(column).execute();
    } else await index.expression(sql`${sql.ref(column)} collate nocase`).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of searched)
    await db.schema.dropIndex(searchIndexName(table, column)).on(table).ifExists().execute();
  for (const [name, table] of indexes.toReversed()) await db.schema.dropIndex(name).on(table).ifExists().execute();
}
