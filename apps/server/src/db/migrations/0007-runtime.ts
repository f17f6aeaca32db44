import { randomUUID } from "node:crypto";
import { MysqlAdapter, sql, type Kysely } from "kysely";

// Platform runtime: one `jobs` table for work that must outlive the server that started it (deploys, mail,
// SMS), leases with backoff on the Asterisk outbox, and one table of atomic throttle counters.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("jobs")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("kind", "varchar(32)", (c) => c.notNull())
    /** What the job is about (a deployment or batch id); null for self-contained jobs such as a mail. */
    .addColumn("subject", "varchar(64)")
    .addColumn("payload", "text", (c) => c.notNull())
    /** pending (waiting or leased) | succeeded | failed. */
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (c) => c.notNull())
    .addColumn("run_after", "varchar(32)", (c) => c.notNull())
    .addColumn("lease_owner", "varchar(36)")
    .addColumn("lease_until", "varchar(32)")
    .addColumn("last_error", "varchar(1024)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("finished_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("jobs_due_idx").on("jobs").columns(["status", "run_after"]).execute();
  await db.schema.createIndex("jobs_lease_idx").on("jobs").columns(["status", "lease_until"]).execute();
  await db.schema.createIndex("jobs_subject_idx").on("jobs").columns(["kind", "subject"]).execute();

  // The outbox keeps its rows and leases them like jobs: same column names, and a failed head now waits
  // (backoff) before the next try.
  await db.schema.alterTable("asterisk_changes").renameColumn("claimed_by", "lease_owner").execute();
  await db.schema.alterTable("asterisk_changes").renameColumn("claimed_until", "lease_until").execute();
  await db.schema.alterTable("asterisk_changes").addColumn("run_after", "varchar(32)").execute();

  // Bulk deploys hold a job lease now instead of their own heartbeat. Deploys running at upgrade time get a
  // job whose lease ends a minute after their last sign of life: if their server is gone, the sweep fails
  // them (single deploys had no heartbeat, so one stuck "running" for ever is failed too).
  const now = new Date();
  const oneMinuteAfter = (at: string | null) =>
    new Date(Math.max(new Date(at ?? now.toISOString()).getTime() + 60_000, 0)).toISOString();
  const running = await sql<{ id: string; heartbeat_at: string | null }>`
    select id, heartbeat_at from deployment_batches where status = 'running'`.execute(db);
  const single = await sql<{ id: string; started_at: string }>`
    select id, started_at from deployments where status = 'running' and batch_id is null`.execute(db);
  const held = [
    ...running.rows.map((r) => ({ kind: "deploy_batch", subject: r.id, until: oneMinuteAfter(r.heartbeat_at) })),
    ...single.rows.map((r) => ({ kind: "deploy", subject: r.id, until: oneMinuteAfter(r.started_at) })),
  ];
  for (const h of held)
    await sql`insert into jobs (id, kind, subject, payload, status, attempts, max_attempts, run_after, lease_owner,
      lease_until, last_error, created_at, finished_at)
      values (${randomUUID()}, ${h.kind}, ${h.subject}, '{}', 'pending', 1, 1, ${now.toISOString()},
      'before-0007', ${h.until}, null, ${now.toISOString()}, null)`.execute(db);
  const dropBatchIndex = db.schema.dropIndex("deployment_batches_status_idx");
  await (
    db.getExecutor().adapter instanceof MysqlAdapter ? dropBatchIndex.on("deployment_batches") : dropBatchIndex
  ).execute();
  await db.schema.alterTable("deployment_batches").dropColumn("heartbeat_at").execute();
  await db.schema
    .createIndex("deployment_batches_status_idx")
    .on("deployment_batches")
    .columns(["status", "created_at"])
    .execute();

  // One row per throttle key: a window and the attempts counted in it, changed only by conditional writes.
  await db.schema
    .createTable("throttle_counters")
    .addColumn("key", "varchar(255)", (c) => c.primaryKey())
    .addColumn("hits", "integer", (c) => c.notNull())
    .addColumn("window_end", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("throttle_counters_end_idx").on("throttle_counters").column("window_end").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  await db.schema.dropTable("throttle_counters").execute();
  const dropBatchIndex = db.schema.dropIndex("deployment_batches_status_idx");
  await (mysql ? dropBatchIndex.on("deployment_batches") : dropBatchIndex).execute();
  await db.schema.alterTable("deployment_batches").addColumn("heartbeat_at", "varchar(32)").execute();
  await db.schema
    .createIndex("deployment_batches_status_idx")
    .on("deployment_batches")
    .columns(["status", "heartbeat_at"])
    .execute();
  await db.schema.alterTable("asterisk_changes").dropColumn("run_after").execute();
  await db.schema.alterTable("asterisk_changes").renameColumn("lease_until", "claimed_until").execute();
  await db.schema.alterTable("asterisk_changes").renameColumn("lease_owner", "claimed_by").execute();
  await db.schema.dropTable("jobs").execute();
}
