import { MysqlAdapter, sql, type Kysely } from "kysely";

// Cisisk as the phones' own file server (issue 13, `[provisioning] store = "self"`):
// - `published_files`: the live config file of each phone a deploy published (`SEP<MAC>.cnf.xml`, …), base64 so
//   any byte survives every engine; `published_file_backups`: the versions a deploy replaced (rollback restores one);
// - `uploaded_files`: what an administrator uploaded in the console (ring tones, dial plans, firmware loads):
//   metadata here, the bytes on disk under the data directory.
export async function up(db: Kysely<unknown>): Promise<void> {
  // MySQL's TEXT stops at 64 KiB; MEDIUMTEXT holds 16 MiB. PostgreSQL and SQLite have no limit on TEXT.
  const big = db.getExecutor().adapter instanceof MysqlAdapter ? sql`mediumtext` : sql`text`;
  await db.schema
    .createTable("published_files")
    .addColumn("file_name", "varchar(128)", (c) => c.primaryKey())
    .addColumn("content", big, (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("published_file_backups")
    .addColumn("file_name", "varchar(128)", (c) => c.notNull())
    .addColumn("backup_name", "varchar(64)", (c) => c.notNull())
    .addColumn("content", big, (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addPrimaryKeyConstraint("published_file_backups_pk", ["file_name", "backup_name"])
    .execute();
  await db.schema
    .createTable("uploaded_files")
    .addColumn("name", "varchar(128)", (c) => c.primaryKey())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("uploaded_at", "varchar(32)", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ["uploaded_files", "published_file_backups", "published_files"])
    await db.schema.dropTable(t).ifExists().execute();
}
