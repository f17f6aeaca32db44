import { sql, type Kysely, type RawBuilder } from "kysely";
import type { DialectName } from "../db/connect.js";

/**
 * Creates the subset of Asterisk's realtime tables Cisisk writes or reads, with the names and types of
 * Asterisk's alembic scripts (contrib/ast-db-manage/config/versions) and chan-sccp's conf/mysql-v5.sql /
 * conf/postgres.sql: ENUM columns are native ENUMs on MySQL and named enum types on PostgreSQL, as there.
 * Tests use it to check what Cisisk writes, by querying these tables directly.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Asterisk's tables are not ours to type
export async function createAsteriskRealtimeTables(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const enums: Record<string, string[]> = {
    yesno_values: ["yes", "no"],
    pjsip_dtmf_mode_values_v3: ["rfc4733", "inband", "info", "auto", "auto_info"],
    pjsip_auth_type_values_v2: ["md5", "userpass", "google_oauth"],
    type_values: ["friend", "user", "peer"],
    sip_transport_values: ["udp", "tcp", "tls", "ws", "wss", "udp,tcp", "tcp,udp"],
    sip_dtmfmode_values: ["rfc2833", "info", "shortinfo", "inband", "auto"],
    sip_directmedia_values_v2: ["yes", "no", "nonat", "update", "outgoing"],
    buttontype: ["line", "speeddial", "service", "feature", "empty"],
  };
  if (dialect === "postgres") {
    for (const [name, values] of Object.entries(enums)) {
      await sql`create type ${sql.id(name)} as enum (${sql.join(values.map((v) => sql.lit(v)))})`.execute(db);
    }
  }
  const e = (name: string): RawBuilder<unknown> | "varchar(40)" =>
    dialect === "mysql"
      ? sql`enum(${sql.join(enums[name]!.map((v) => sql.lit(v)))})`
      : dialect === "postgres"
        ? sql.id(name)
        : "varchar(40)";

  await db.schema
    .createTable("ps_endpoints")
    .addColumn("id", "varchar(255)", (c) => c.notNull().unique())
    .addColumn("transport", "varchar(40)")
    .addColumn("aors", "varchar(2048)")
    .addColumn("auth", "varchar(255)")
    .addColumn("context", "varchar(40)")
    .addColumn("disallow", "varchar(200)")
    .addColumn("allow", "varchar(200)")
    .addColumn("direct_media", e("yesno_values"))
    .addColumn("dtmf_mode", e("pjsip_dtmf_mode_values_v3"))
    .addColumn("mailboxes", "varchar(40)")
    .addColumn("outbound_auth", "varchar(255)")
    .addColumn("callerid", "varchar(40)")
    .addColumn("force_rport", e("yesno_values"))
    .addColumn("rewrite_contact", e("yesno_values"))
    .addColumn("rtp_symmetric", e("yesno_values"))
    .execute();
  await db.schema
    .createTable("ps_auths")
    .addColumn("id", "varchar(255)", (c) => c.notNull().unique())
    .addColumn("auth_type", e("pjsip_auth_type_values_v2"))
    .addColumn("nonce_lifetime", "integer")
    .addColumn("md5_cred", "varchar(40)")
    .addColumn("password", "varchar(80)")
    .addColumn("realm", "varchar(255)")
    .addColumn("username", "varchar(40)")
    .execute();
  await db.schema
    .createTable("ps_aors")
    .addColumn("id", "varchar(255)", (c) => c.notNull().unique())
    .addColumn("contact", "varchar(255)")
    .addColumn("default_expiration", "integer")
    .addColumn("mailboxes", "varchar(80)")
    .addColumn("max_contacts", "integer")
    .addColumn("minimum_expiration", "integer")
    .addColumn("remove_existing", e("yesno_values"))
    .addColumn("qualify_frequency", "integer")
    .addColumn("authenticate_qualify", e("yesno_values"))
    .execute();
  await db.schema
    .createTable("ps_contacts")
    .addColumn("id", "varchar(255)", (c) => c.notNull().unique())
    .addColumn("uri", "varchar(511)")
    .addColumn("expiration_time", "bigint")
    .addColumn("qualify_frequency", "integer")
    .addColumn("outbound_proxy", "varchar(40)")
    .addColumn("path", "text")
    .addColumn("user_agent", "varchar(255)")
    .addColumn("qualify_timeout", "float8" as never)
    .addColumn("reg_server", "varchar(255)")
    .addColumn("authenticate_qualify", e("yesno_values"))
    .addColumn("via_addr", "varchar(40)")
    .addColumn("via_port", "integer")
    .addColumn("call_id", "varchar(255)")
    .addColumn("endpoint", "varchar(255)")
    .addColumn("prune_on_boot", e("yesno_values"))
    .execute();
  await db.schema
    .createTable("sippeers")
    .addColumn("id", "integer", (c) =>
      dialect === "postgres" ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn("name", "varchar(40)", (c) => c.notNull().unique())
    .addColumn("ipaddr", "varchar(45)")
    .addColumn("port", "integer")
    .addColumn("regseconds", "integer")
    .addColumn("defaultuser", "varchar(40)")
    .addColumn("fullcontact", "varchar(80)")
    .addColumn("useragent", "varchar(255)")
    .addColumn("host", "varchar(40)")
    .addColumn("type", e("type_values"))
    .addColumn("context", "varchar(40)")
    .addColumn("secret", "varchar(40)")
    .addColumn("md5secret", "varchar(40)")
    .addColumn("transport", e("sip_transport_values"))
    .addColumn("dtmfmode", e("sip_dtmfmode_values"))
    .addColumn("directmedia", e("sip_directmedia_values_v2"))
    .addColumn("nat", "varchar(29)")
    .addColumn("disallow", "varchar(200)")
    .addColumn("allow", "varchar(200)")
    .addColumn("callerid", "varchar(40)")
    .addColumn("mailbox", "varchar(40)")
    .execute();
  await db.schema
    .createTable("sccpdevice")
    .addColumn("type", "varchar(45)")
    .addColumn("addon", "varchar(45)")
    .addColumn("description", "varchar(45)")
    .addColumn("tzoffset", "varchar(5)")
    .addColumn("transfer", "varchar(5)", (c) => c.defaultTo("on"))
    .addColumn("dndFeature", "varchar(5)", (c) => c.defaultTo("on"))
    .addColumn("softkeyset", "varchar(100)", (c) => c.defaultTo(""))
    .addColumn("disallow", "varchar(255)")
    .addColumn("allow", "varchar(255)")
    .addColumn("name", "varchar(15)", (c) => c.notNull().defaultTo("").primaryKey())
    .execute();
  await db.schema
    .createTable("sccpline")
    .addColumn("id", "varchar(45)")
    .addColumn("pin", "varchar(45)")
    .addColumn("label", "varchar(45)")
    .addColumn("description", "varchar(45)")
    .addColumn("context", "varchar(45)")
    .addColumn("incominglimit", "varchar(45)")
    .addColumn("transfer", "varchar(45)")
    .addColumn("mailbox", "varchar(45)")
    .addColumn("vmnum", "varchar(45)")
    .addColumn("cid_name", "varchar(45)")
    .addColumn("cid_num", "varchar(45)")
    .addColumn("name", "varchar(45)", (c) => c.notNull().defaultTo("").primaryKey())
    .execute();
  await db.schema
    .createTable("buttonconfig")
    .addColumn("device", "varchar(15)", (c) =>
      c.notNull().defaultTo("").references("sccpdevice.name").onDelete("cascade"),
    )
    .addColumn("instance", dialect === "mysql" ? sql`tinyint(4)` : "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("type", e("buttontype"), (c) => c.notNull().defaultTo("line"))
    .addColumn("name", "varchar(36)")
    .addColumn("options", "varchar(100)")
    .addPrimaryKeyConstraint("buttonconfig_pk", ["device", "instance"])
    .execute();
}
