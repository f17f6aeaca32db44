import { PostgresAdapter, sql, type Kysely } from "kysely";

/**
 * Exact sizes of the three lists that grow to 100,000 rows (phones, extensions, the shared directory), kept by
 * PostgreSQL itself so a list's `total` and the dashboard need not count 100,000 index entries per request
 * (5–15 ms, the larger part of a first page there). PostgreSQL only: SQLite counts an index in a few
 * milliseconds and MariaDB's triggers do not fire on foreign-key cascades, so both keep `count(*)`.
 *
 * Each statement that inserts, deletes or moves rows appends one delta row (statement-level triggers over the
 * transition tables, so a 5,000-row import is one delta, and foreign-key cascades count too); nothing is
 * updated in place, so concurrent writers never wait on a shared counter row. Readers sum the deltas of their
 * counter; db/row-counts.ts folds them into one row now and then. A delta commits with the rows it counts, so
 * every snapshot's sum equals that snapshot's `count(*)`.
 */
const counted: Array<{ counter: string; table: string; where: string }> = [
  { counter: "phones", table: "phones", where: "true" },
  { counter: "extensions", table: "extensions", where: "true" },
  { counter: "directory", table: "contacts", where: "owner_user_id is null" },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await db.schema
    .createTable("row_count_deltas")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("counter", "varchar(32)", (c) => c.notNull())
    .addColumn("delta", "bigint", (c) => c.notNull())
    .execute();
  // TG_ARGV: the counter's name and the condition a row must meet to be counted.
  await sql`
    create function cisisk_count_rows() returns trigger language plpgsql as $$
    declare n bigint;
    begin
      if TG_OP = 'INSERT' then
        execute format('select count(*) from inserted where %s', TG_ARGV[1]) into n;
      elsif TG_OP = 'DELETE' then
        execute format('select -count(*) from deleted where %s', TG_ARGV[1]) into n;
      else
        execute format('select (select count(*) from inserted where %1$s) - (select count(*) from deleted where %1$s)',
          TG_ARGV[1]) into n;
      end if;
      if n <> 0 then insert into row_count_deltas (counter, delta) values (TG_ARGV[0], n); end if;
      return null;
    end $$`.execute(db);
  await sql`
    create function cisisk_count_truncated() returns trigger language plpgsql as $$
    begin
      delete from row_count_deltas where counter = TG_ARGV[0];
      return null;
    end $$`.execute(db);
  for (const { counter, table, where } of counted) {
    const t = sql.table(table);
    const args = sql.raw(`'${counter}', '${where}'`);
    await sql`create trigger ${sql.raw(`${table}_counted_insert`)} after insert on ${t}
      referencing new table as inserted for each statement execute function cisisk_count_rows(${args})`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_counted_delete`)} after delete on ${t}
      referencing old table as deleted for each statement execute function cisisk_count_rows(${args})`.execute(db);
    if (where !== "true") {
      await sql`create trigger ${sql.raw(`${table}_counted_update`)} after update on ${t}
        referencing old table as deleted new table as inserted
        for each statement execute function cisisk_count_rows(${args})`.execute(db);
    }
    await sql`create trigger ${sql.raw(`${table}_counted_truncate`)} after truncate on ${t}
      for each statement execute function cisisk_count_truncated(${sql.raw(`'${counter}'`)})`.execute(db);
    // After the triggers: creating them locked the table against writers until this migration commits, so the
    // starting count misses nothing and counts nothing twice.
    await sql`insert into row_count_deltas (counter, delta)
      select ${counter}, count(*) from ${t} where ${sql.raw(where)}`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const { table } of counted) {
    for (const event of ["insert", "delete", "update", "truncate"])
      await sql`drop trigger if exists ${sql.raw(`${table}_counted_${event}`)} on ${sql.table(table)}`.execute(db);
  }
  await sql`drop function if exists cisisk_count_rows()`.execute(db);
  await sql`drop function if exists cisisk_count_truncated()`.execute(db);
  await db.schema.dropTable("row_count_deltas").ifExists().execute();
}
