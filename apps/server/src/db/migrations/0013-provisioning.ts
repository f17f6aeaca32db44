import type { Kysely } from "kysely";

/**
 * Zero-touch provisioning (issue 11): phones of any brand carry what their own config file needs. Explicit
 * account-1 credentials (the password sealed like every other secret) or linked extensions (phone_lines),
 * an on/off switch for /provision, and what the last fetch looked like.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const columns: Array<[string, string]> = [
    ["sip_username", "varchar(64)"],
    ["sip_password_sealed", "varchar(512)"],
    ["sip_server", "varchar(255)"],
    ["sip_transport", "varchar(8)"],
    ["extra_keys", "text"],
    ["provisioned_at", "varchar(32)"],
    ["provisioned_ip", "varchar(45)"],
    ["provisioned_user_agent", "varchar(255)"],
  ];
  await db.schema
    .alterTable("phones")
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  for (const [name, type] of columns)
    await db.schema
      .alterTable("phones")
      .addColumn(name, type as "varchar(64)")
      .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    "enabled",
    "sip_username",
    "sip_password_sealed",
    "sip_server",
    "sip_transport",
    "extra_keys",
    "provisioned_at",
    "provisioned_ip",
    "provisioned_user_agent",
  ])
    await db.schema.alterTable("phones").dropColumn(name).execute();
}
