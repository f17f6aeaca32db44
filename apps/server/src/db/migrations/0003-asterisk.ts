import { MysqlAdapter, PostgresAdapter, type Kysely } from "kysely";

/**
 * The Asterisk outbox: every change to an extension appends a row in the same transaction as the
 * extension itself. A worker (any server; rows are claimed) applies them in id order to Asterisk's
 * realtime tables or config files, so an unreachable Asterisk never loses a change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const adapter = db.getExecutor().adapter;
  await db.schema
    .createTable("asterisk_changes")
    .addColumn("id", adapter instanceof PostgresAdapter ? "serial" : "integer", (c) =>
      adapter instanceof PostgresAdapter
        ? c.primaryKey()
        : adapter instanceof MysqlAdapter
          ? c.primaryKey().autoIncrement()
          : c.primaryKey().autoIncrement(),
    )
    .addColumn("extension_id", "varchar(36)", (c) => c.notNull())
    .addColumn("extension_number", "varchar(32)", (c) => c.notNull())
    /** Numbers and technologies whose Asterisk objects must go (renamed or re-technologied extension). */
    .addColumn("previous_number", "varchar(32)")
    .addColumn("technologies", "varchar(32)", (c) => c.notNull())
    .addColumn("operation", "varchar(8)", (c) => c.notNull())
    .addColumn("mode", "varchar(16)", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "varchar(1024)")
    .addColumn("claimed_by", "varchar(36)")
    .addColumn("claimed_until", "varchar(32)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("applied_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("asterisk_changes_status_idx").on("asterisk_changes").columns(["status", "id"]).execute();
  await db.schema
    .createIndex("asterisk_changes_extension_idx")
    .on("asterisk_changes")
    .columns(["extension_id", "id"])
    .execute();
  await db.schema.createIndex("extensions_technology_idx").on("extensions").column("technology").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("extensions_technology_idx").on("extensions").execute();
  await db.schema.dropTable("asterisk_changes").ifExists().execute();
}
