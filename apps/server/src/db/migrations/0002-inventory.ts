import type { Kysely } from "kysely";

// The core of the device inventory, shared by several modules: extensions (Asterisk lines), phones of
// every brand, and the XML-service login sessions keyed by phone MAC. Modules add their own columns
// and tables in later migrations.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("extensions")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("number", "varchar(32)", (c) => c.notNull().unique())
    .addColumn("technology", "varchar(8)", (c) => c.notNull())
    .addColumn("display_name", "varchar(128)", (c) => c.notNull())
    .addColumn("user_id", "varchar(36)", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("context", "varchar(80)", (c) => c.notNull())
    .addColumn("secret_encrypted", "varchar(512)", (c) => c.notNull())
    .addColumn("ha1_md5", "varchar(32)", (c) => c.notNull())
    .addColumn("ha1_sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("voicemail", "varchar(64)")
    .addColumn("codecs", "varchar(255)")
    .addColumn("transport", "varchar(32)")
    /** Technology-specific fields (chan_sccp line, PJSIP endpoint/aor) as JSON text. */
    .addColumn("options", "text")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("extensions_user_idx").on("extensions").column("user_id").execute();

  await db.schema
    .createTable("phones")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("mac", "varchar(12)", (c) => c.notNull().unique())
    .addColumn("brand", "varchar(32)", (c) => c.notNull())
    .addColumn("model", "varchar(32)", (c) => c.notNull())
    .addColumn("software_type", "varchar(8)")
    .addColumn("ip", "varchar(45)")
    .addColumn("location", "varchar(128)")
    .addColumn("label", "varchar(128)")
    .addColumn("user_id", "varchar(36)", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("current_profile_id", "varchar(36)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("phones_user_idx").on("phones").column("user_id").execute();

  await db.schema
    .createTable("phone_sessions")
    .addColumn("mac", "varchar(12)", (c) => c.primaryKey())
    .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["phone_sessions", "phones", "extensions"]) await db.schema.dropTable(table).ifExists().execute();
}
