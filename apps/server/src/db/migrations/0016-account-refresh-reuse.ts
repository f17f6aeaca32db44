import type { Kysely } from "kysely";

// Self-service sessions remember the refresh token they rotated away from: presenting it again is reuse (a
// copied token), and ends the session for both holders, as admin sessions already do.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("account_sessions").addColumn("previous_refresh_hash", "varchar(64)").execute();
  await db.schema
    .createIndex("account_sessions_previous_refresh_idx")
    .on("account_sessions")
    .column("previous_refresh_hash")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("account_sessions_previous_refresh_idx").on("account_sessions").execute();
  await db.schema.alterTable("account_sessions").dropColumn("previous_refresh_hash").execute();
}
