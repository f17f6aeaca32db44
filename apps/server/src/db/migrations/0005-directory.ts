import type { Kysely } from "kysely";

/** Fixed ids of the built-in phone services, so every server and every test agrees on them. */
export const BUILT_IN_SERVICE_IDS = {
  corporate_directory: "00000000-0000-4000-8000-00000000d001",
  personal_directory: "00000000-0000-4000-8000-00000000d002",
  login: "00000000-0000-4000-8000-00000000d003",
  logout: "00000000-0000-4000-8000-00000000d004",
} as const;

// Corporate and personal directory, phone-service definitions with their assignments, the users' phone PINs
// and the per-phone record of PIN attempts. Name columns are stored lower-cased beside the display form so a
// prefix search is an indexed `LIKE 'x%'` on every engine (no functional indexes, no ILIKE).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("users").addColumn("pin_hash", "varchar(255)").execute();

  await db.schema
    .createTable("contacts")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    /** null = corporate directory; a user id = that user's personal directory. */
    .addColumn("owner_user_id", "varchar(36)", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("first_name", "varchar(64)", (c) => c.notNull())
    .addColumn("last_name", "varchar(64)", (c) => c.notNull())
    .addColumn("first_name_key", "varchar(64)", (c) => c.notNull())
    .addColumn("last_name_key", "varchar(64)", (c) => c.notNull())
    .addColumn("email", "varchar(254)")
    .addColumn("department", "varchar(128)")
    .addColumn("department_key", "varchar(128)")
    .addColumn("location", "varchar(128)")
    .addColumn("building", "varchar(128)")
    .addColumn("ringtone", "varchar(128)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("contacts_last_idx")
    .on("contacts")
    .columns(["last_name_key", "first_name_key"])
    .execute();
  await db.schema
    .createIndex("contacts_owner_idx")
    .on("contacts")
    .columns(["owner_user_id", "last_name_key"])
    .execute();

  // One row per number: the phone search's table. Owner and name keys are copied from the contact so a
  // search, its order and its count are each one index range (the phones page 32 lines at a time with N/M).
  await db.schema
    .createTable("contact_numbers")
    .addColumn("contact_id", "varchar(36)", (c) => c.notNull().references("contacts.id").onDelete("cascade"))
    /** work | mobile | home */
    .addColumn("kind", "varchar(8)", (c) => c.notNull())
    /** 1 work, 2 mobile, 3 home: the order of a contact's lines on the phone. */
    .addColumn("rank", "integer", (c) => c.notNull())
    /** As entered, for display: "+41 (44) 123-45.67". */
    .addColumn("display", "varchar(40)", (c) => c.notNull())
    /** What a phone dials: "+41441234567". */
    .addColumn("dial", "varchar(40)", (c) => c.notNull())
    .addColumn("owner_user_id", "varchar(36)")
    .addColumn("first_name_key", "varchar(64)", (c) => c.notNull())
    .addColumn("last_name_key", "varchar(64)", (c) => c.notNull())
    .addPrimaryKeyConstraint("contact_numbers_pk", ["contact_id", "kind"])
    .execute();
  await db.schema
    .createIndex("contact_numbers_last_idx")
    .on("contact_numbers")
    .columns(["owner_user_id", "last_name_key", "first_name_key", "contact_id", "rank"])
    .execute();
  await db.schema
    .createIndex("contact_numbers_first_idx")
    .on("contact_numbers")
    .columns(["owner_user_id", "first_name_key"])
    .execute();
  await db.schema
    .createIndex("contact_numbers_dial_idx")
    .on("contact_numbers")
    .columns(["owner_user_id", "dial"])
    .execute();

  await db.schema
    .createTable("phone_services")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("name", "varchar(64)", (c) => c.notNull())
    .addColumn("name_key", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("url", "varchar(256)", (c) => c.notNull())
    .addColumn("description", "varchar(512)")
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("requires_login", "integer", (c) => c.notNull())
    /** custom | corporate_directory | personal_directory | login | logout */
    .addColumn("kind", "varchar(24)", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("phone_service_assignments")
    .addColumn("service_id", "varchar(36)", (c) => c.notNull().references("phone_services.id").onDelete("cascade"))
    /** phone | profile. Profile ids are plain strings: the profiles table belongs to another module. */
    .addColumn("target_type", "varchar(8)", (c) => c.notNull())
    .addColumn("target_id", "varchar(36)", (c) => c.notNull())
    .addPrimaryKeyConstraint("phone_service_assignments_pk", ["service_id", "target_type", "target_id"])
    .execute();
  await db.schema
    .createIndex("phone_service_assignments_target_idx")
    .on("phone_service_assignments")
    .columns(["target_type", "target_id"])
    .execute();

  await db.schema
    .createTable("phone_login_attempts")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("mac", "varchar(12)", (c) => c.notNull())
    .addColumn("succeeded", "integer", (c) => c.notNull())
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("phone_login_attempts_mac_idx")
    .on("phone_login_attempts")
    .columns(["mac", "at"])
    .execute();

  const now = new Date().toISOString();
  const builtIns = [
    ["corporate_directory", "Corporate Directory", "/cisco/directory", "Search the company directory", 0],
    ["personal_directory", "Personal Directory", "/cisco/personal", "Your own contacts (needs login)", 1],
    ["login", "Log in", "/cisco/login", "Log in to the phone services with user and PIN", 0],
    ["logout", "Log out", "/cisco/logout", "End the phone-service session", 0],
  ] as const;
  await db
    .insertInto("phone_services" as never)
    .values(
      builtIns.map(([kind, name, url, description, requiresLogin], i) => ({
        id: BUILT_IN_SERVICE_IDS[kind],
        name,
        name_key: name.toLowerCase(),
        url,
        description,
        enabled: 1,
        requires_login: requiresLogin,
        kind,
        position: i,
        created_at: now,
        updated_at: now,
      })) as never,
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "phone_login_attempts",
    "phone_service_assignments",
    "phone_services",
    "contact_numbers",
    "contacts",
  ])
    await db.schema.dropTable(table).ifExists().execute();
  await db.schema.alterTable("users").dropColumn("pin_hash").execute();
}
