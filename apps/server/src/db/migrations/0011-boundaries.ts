import { PostgresAdapter, type Kysely } from "kysely";

/**
 * Failures of work no request waits for (outbox loop, bulk deploys, component status writes, sends): kept
 * in the database so the dashboard of every server shows them, whichever server the work ran on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable("background_failures")
    .addColumn("id", postgres ? "serial" : "integer", (c) =>
      postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn("source", "varchar(40)", (c) => c.notNull())
    .addColumn("subject", "varchar(200)", (c) => c.notNull())
    .addColumn("error", "varchar(1024)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("background_failures").ifExists().execute();
}
