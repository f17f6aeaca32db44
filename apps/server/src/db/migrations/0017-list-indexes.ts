import type { Kysely } from "kysely";

/**
 * Lists at 100,000 rows: one index per sortable column, each ending in the id (the keyset tie-break of
 * db/keyset.ts), so a page, sorted either way, by offset or by cursor, is one index range on every engine.
 * Directory indexes lead with the owner (corporate = NULL, or a user's personal directory). Widest key:
 * varchar(254) + varchar(36) in utf8mb4 = 1,160 bytes, inside InnoDB's 3,072-byte limit.
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
  ["contacts_owner_last_sort_idx", "contacts", ["owner_user_id", "last_name_key", "first_name_key", "id"]],
  ["contacts_owner_first_sort_idx", "contacts", ["owner_user_id", "first_name_key", "id"]],
  ["contacts_owner_department_sort_idx", "contacts", ["owner_user_id", "department_key", "id"]],
  ["contacts_owner_location_sort_idx", "contacts", ["owner_user_id", "location", "id"]],
  ["contacts_owner_created_sort_idx", "contacts", ["owner_user_id", "created_at", "id"]],
  ["contacts_owner_updated_sort_idx", "contacts", ["owner_user_id", "updated_at", "id"]],
  ["deployments_started_sort_idx", "deployments", ["started_at", "id"]],
  ["deployments_status_sort_idx", "deployments", ["status", "id"]],
  ["phone_services_position_sort_idx", "phone_services", ["position", "name_key", "id"]],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, columns] of indexes) await db.schema.createIndex(name).on(table).columns(columns).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name, table] of indexes.toReversed()) await db.schema.dropIndex(name).on(table).ifExists().execute();
}
