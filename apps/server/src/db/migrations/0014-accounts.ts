import type { Kysely } from "kysely";

/**
 * SIP accounts (self-service and administration): the SIP digests of an account, its single-use links and
 * PINs (stored hashed), its self-service sessions, the usernames of deleted accounts (never given again),
 * and the console's API keys (stored hashed). No foreign keys: the accounts service deletes its own rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("account_credentials")
    .addColumn("user_id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("ha1_md5", "varchar(64)", (c) => c.notNull())
    .addColumn("ha1_sha256", "varchar(64)")
    .addColumn("secret_sealed", "varchar(512)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("account_tokens")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("user_id", "varchar(36)", (c) => c.notNull())
    .addColumn("purpose", "varchar(16)", (c) => c.notNull())
    .addColumn("secret_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("target", "varchar(254)")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("used_at", "varchar(32)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("account_tokens_secret").on("account_tokens").column("secret_hash").execute();
  await db.schema.createIndex("account_tokens_user").on("account_tokens").columns(["user_id", "purpose"]).execute();

  await db.schema
    .createTable("account_sessions")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("user_id", "varchar(36)", (c) => c.notNull())
    .addColumn("refresh_hash", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("ip", "varchar(64)")
    .addColumn("user_agent", "varchar(256)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("revoked_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("account_sessions_user").on("account_sessions").column("user_id").execute();

  await db.schema
    .createTable("username_tombstones")
    .addColumn("username_key", "varchar(64)", (c) => c.primaryKey())
    .addColumn("deleted_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("name", "varchar(100)", (c) => c.notNull())
    .addColumn("key_hash", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("key_prefix", "varchar(16)", (c) => c.notNull())
    .addColumn("allowed_networks", "varchar(2000)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)")
    .addColumn("last_used_at", "varchar(32)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ["api_keys", "username_tombstones", "account_sessions", "account_tokens", "account_credentials"])
    await db.schema.dropTable(t).ifExists().execute();
}
