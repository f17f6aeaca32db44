import { MysqlAdapter, sql, type Kysely } from "kysely";

// Bulk deploys heal themselves when the server running one dies: the batch carries its own status, a heartbeat
// the running server refreshes, and the reason it failed; each deployment records the step it is in, so an
// abandoned one fails "at" that step.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("deployment_batches")
    .addColumn("status", "varchar(16)", (c) => c.notNull().defaultTo("running"))
    .execute();
  await db.schema.alterTable("deployment_batches").addColumn("heartbeat_at", "varchar(32)").execute();
  await db.schema.alterTable("deployment_batches").addColumn("detail", "varchar(1024)").execute();
  await sql`update deployment_batches set status = 'finished' where finished_at is not null`.execute(db);
  await sql`update deployment_batches set heartbeat_at = coalesce(finished_at, created_at)`.execute(db);
  await db.schema
    .createIndex("deployment_batches_status_idx")
    .on("deployment_batches")
    .columns(["status", "heartbeat_at"])
    .execute();
  await db.schema.alterTable("deployments").addColumn("current_step", "varchar(32)").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("deployments").dropColumn("current_step").execute();
  const drop = db.schema.dropIndex("deployment_batches_status_idx");
  // MySQL/MariaDB name the table of an index; SQLite and PostgreSQL refuse it.
  await (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on("deployment_batches") : drop).execute();
  for (const column of ["detail", "heartbeat_at", "status"])
    await db.schema.alterTable("deployment_batches").dropColumn(column).execute();
}
