import type { Kysely } from "kysely";

// Phones' KEMs and line buttons, phone profiles (SEP<MAC>.cnf.xml templates), and the deployment record:
// one row per phone per deploy or rollback (steps as JSON text, written once when the deploy ends), grouped
// by a batch row for bulk deploys. The phones table itself comes from 0002.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("phone_kems")
    .addColumn("phone_id", "varchar(36)", (c) => c.notNull().references("phones.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("model", "varchar(16)", (c) => c.notNull())
    .addPrimaryKeyConstraint("phone_kems_pk", ["phone_id", "position"])
    .execute();

  await db.schema
    .createTable("phone_lines")
    .addColumn("phone_id", "varchar(36)", (c) => c.notNull().references("phones.id").onDelete("cascade"))
    .addColumn("button", "integer", (c) => c.notNull())
    .addColumn("extension_id", "varchar(36)", (c) => c.notNull().references("extensions.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("phone_lines_pk", ["phone_id", "button"])
    .execute();

  await db.schema
    .createTable("profiles")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("name", "varchar(128)", (c) => c.notNull().unique())
    .addColumn("description", "varchar(500)")
    .addColumn("user_id", "varchar(36)", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("cnf_xml", "text", (c) => c.notNull())
    /** JSON array of model strings; empty = every model. */
    .addColumn("compatible_models", "varchar(1024)", (c) => c.notNull())
    .addColumn("software_type", "varchar(8)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("deployment_batches")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("profile_id", "varchar(36)", (c) => c.notNull())
    .addColumn("profile_name", "varchar(128)", (c) => c.notNull())
    .addColumn("total", "integer", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("finished_at", "varchar(32)")
    .execute();

  await db.schema
    .createTable("deployments")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("batch_id", "varchar(36)")
    .addColumn("profile_id", "varchar(36)")
    .addColumn("profile_name", "varchar(128)")
    .addColumn("phone_id", "varchar(36)")
    .addColumn("phone_mac", "varchar(12)", (c) => c.notNull())
    /** The phone's profile before this deploy: what a rollback returns to. */
    .addColumn("previous_profile_id", "varchar(36)")
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("failed_step", "varchar(32)")
    .addColumn("detail", "varchar(1024)")
    .addColumn("steps", "text", (c) => c.notNull())
    .addColumn("started_at", "varchar(32)", (c) => c.notNull())
    .addColumn("finished_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("deployments_batch_idx").on("deployments").column("batch_id").execute();
  await db.schema.createIndex("deployments_phone_idx").on("deployments").columns(["phone_id", "started_at"]).execute();
  await db.schema.createIndex("deployments_started_idx").on("deployments").column("started_at").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["deployments", "deployment_batches", "profiles", "phone_lines", "phone_kems"])
    await db.schema.dropTable(table).ifExists().execute();
}
