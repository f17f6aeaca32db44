import type { Kysely } from "kysely";

// Portable across SQLite, PostgreSQL and MySQL: app-generated UUID keys, varchar for anything indexed,
// integers for booleans, ISO-8601 strings for timestamps (they sort correctly as text).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("username", "varchar(64)", (c) => c.notNull())
    .addColumn("username_key", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("display_name", "varchar(128)", (c) => c.notNull())
    .addColumn("email", "varchar(254)")
    .addColumn("phone", "varchar(32)")
    .addColumn("level", "integer", (c) => c.notNull())
    .addColumn("activated", "integer", (c) => c.notNull())
    .addColumn("password_hash", "varchar(255)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("users_level_idx").on("users").column("level").execute();

  await db.schema
    .createTable("auth_sessions")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("ip", "varchar(45)")
    .addColumn("user_agent", "varchar(512)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("last_used_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("revoked_at", "varchar(32)")
    .addColumn("revoked_reason", "varchar(64)")
    .execute();
  await db.schema.createIndex("auth_sessions_user_idx").on("auth_sessions").column("user_id").execute();

  await db.schema
    .createTable("refresh_tokens")
    .addColumn("token_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("session_id", "varchar(36)", (c) => c.notNull().references("auth_sessions.id").onDelete("cascade"))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("rotated_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("refresh_tokens_session_idx").on("refresh_tokens").column("session_id").execute();

  await db.schema
    .createTable("login_attempts")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("username_key", "varchar(64)", (c) => c.notNull())
    .addColumn("ip", "varchar(45)", (c) => c.notNull())
    .addColumn("succeeded", "integer", (c) => c.notNull())
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("login_attempts_user_idx").on("login_attempts").columns(["username_key", "at"]).execute();
  await db.schema.createIndex("login_attempts_ip_idx").on("login_attempts").columns(["ip", "at"]).execute();

  await db.schema
    .createTable("settings")
    .addColumn("key", "varchar(64)", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("component_status")
    .addColumn("name", "varchar(32)", (c) => c.primaryKey())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("last_error", "varchar(1024)")
    .addColumn("checked_at", "varchar(32)", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["component_status", "settings", "login_attempts", "refresh_tokens", "auth_sessions", "users"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
