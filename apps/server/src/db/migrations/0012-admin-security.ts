import type { Kysely } from "kysely";

/**
 * Administrator login security (issue 10): the sign-in log gets the name as typed, the User-Agent, the
 * result and the method; passkeys (WebAuthn credentials) and their single-use challenges live here so every
 * server of a stateless cluster sees them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("login_attempts").addColumn("username", "varchar(128)").execute();
  await db.schema.alterTable("login_attempts").addColumn("user_agent", "varchar(512)").execute();
  await db.schema.alterTable("login_attempts").addColumn("result", "varchar(40)").execute();
  await db.schema.alterTable("login_attempts").addColumn("method", "varchar(16)").execute();
  await db.schema.createIndex("login_attempts_at_idx").on("login_attempts").column("at").execute();

  await db.schema
    .createTable("passkeys")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("credential_id", "varchar(512)", (c) => c.notNull().unique())
    .addColumn("public_key", "text", (c) => c.notNull())
    .addColumn("counter", "bigint", (c) => c.notNull())
    .addColumn("transports", "varchar(200)")
    .addColumn("name", "varchar(100)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("last_used_at", "varchar(32)")
    .addColumn("ip", "varchar(45)")
    .addColumn("user_agent", "varchar(512)")
    .execute();
  await db.schema.createIndex("passkeys_user_idx").on("passkeys").column("user_id").execute();

  await db.schema
    .createTable("webauthn_challenges")
    .addColumn("challenge", "varchar(128)", (c) => c.primaryKey())
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("user_id", "varchar(36)")
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("webauthn_challenges").ifExists().execute();
  await db.schema.dropTable("passkeys").ifExists().execute();
  await db.schema.dropIndex("login_attempts_at_idx").on("login_attempts").ifExists().execute();
  for (const c of ["method", "result", "user_agent", "username"])
    await db.schema.alterTable("login_attempts").dropColumn(c).execute();
}
