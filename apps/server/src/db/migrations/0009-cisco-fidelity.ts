import { MysqlAdapter, sql, type Kysely } from "kysely";
import { keypadForms } from "../../lib/keypad-number.js";

// Cisco fidelity (issue 15):
// - firmware loads per model (`firmware_loads`) and per phone (`phones.firmware_load`, null = the model's);
// - keypad search: a phone keypad cannot type `+`, so each number also keeps its digits without `+`
//   (`digits`) and, for an international number, its national part (`national`), each indexed for prefix search;
// - an extension's `transport` meant chan_sip's protocol list or a PJSIP transport section: each moves into its
//   technology's options (`options.transport`); the column is no longer written (kept, so other branches'
//   migrations that touch it still apply).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("firmware_loads")
    .addColumn("model", "varchar(16)", (c) => c.primaryKey())
    .addColumn("load_name", "varchar(64)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.alterTable("phones").addColumn("firmware_load", "varchar(64)").execute();

  await db.schema.alterTable("contact_numbers").addColumn("digits", "varchar(40)").execute();
  await db.schema.alterTable("contact_numbers").addColumn("national", "varchar(40)").execute();
  const rows = await sql<{ contact_id: string; kind: string; dial: string }>`
    select contact_id, kind, dial from contact_numbers`.execute(db);
  for (const r of rows.rows) {
    const f = keypadForms(r.dial);
    await sql`update contact_numbers set digits = ${f.digits}, national = ${f.national}
      where contact_id = ${r.contact_id} and kind = ${r.kind}`.execute(db);
  }
  await db.schema
    .createIndex("contact_numbers_digits_idx")
    .on("contact_numbers")
    .columns(["owner_user_id", "digits"])
    .execute();
  await db.schema
    .createIndex("contact_numbers_national_idx")
    .on("contact_numbers")
    .columns(["owner_user_id", "national"])
    .execute();

  const sipRows = await sql<{ id: string; transport: string | null; options: string | null }>`
    select id, transport, options from extensions
    where technology in ('SIP', 'PJSIP') and transport is not null`.execute(db);
  for (const r of sipRows.rows) {
    let options: Record<string, unknown> = {};
    try {
      options = r.options ? (JSON.parse(r.options) as Record<string, unknown>) : {};
    } catch {
      options = {};
    }
    options.transport = r.transport;
    await sql`update extensions set options = ${JSON.stringify(options)}, transport = null where id = ${r.id}`.execute(
      db,
    );
  }
  await sql`update extensions set transport = null where technology = 'SCCP'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ["contact_numbers_national_idx", "contact_numbers_digits_idx"]) {
    const drop = db.schema.dropIndex(index);
    // MySQL/MariaDB name the table of an index; SQLite and PostgreSQL refuse it.
    await (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on("contact_numbers") : drop).execute();
  }
  await db.schema.alterTable("contact_numbers").dropColumn("national").execute();
  await db.schema.alterTable("contact_numbers").dropColumn("digits").execute();
  await db.schema.alterTable("phones").dropColumn("firmware_load").execute();
  await db.schema.dropTable("firmware_loads").execute();
}
