import type { Contact, ListQuery } from "@cisisk/contract";
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from "kysely";
import { inTransaction } from "../../db/transaction.js";
import type { Database } from "../../db/schema.js";
import { keypadForms, keypadQuery } from "../../lib/keypad-number.js";
import { applyPage, countOnce, finishPage, planPage } from "../../db/keyset.js";
import { countedRows } from "../../db/row-counts.js";
import { escapeLike, likePattern, parseSort, startsWithIgnoringCase } from "../../lib/list-query.js";

export const NUMBER_KINDS = ["work", "mobile", "home"] as const;
export type NumberKind = (typeof NUMBER_KINDS)[number];

export interface ContactWrite {
  ownerUserId: string | null;
  firstName: string;
  lastName: string;
  numbers: Partial<Record<NumberKind, { display: string; dial: string } | null>>;
  email: string | null;
  department: string | null;
  location: string | null;
  building: string | null;
  ringtone: string | null;
}

/** One line of a phone's directory: a contact's number. */
export interface DirectoryLine {
  firstName: string;
  lastName: string;
  kind: NumberKind;
  dial: string;
}

const sortColumns = {
  lastName: "last_name_key",
  firstName: "first_name_key",
  department: "department_key",
  location: "location",
  createdAt: "created_at",
  updatedAt: "updated_at",
} as const;

/** The smallest string greater than every string starting with `prefix` (in binary order). */
function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

/**
 * `column` starts with `prefix`. The range makes it an index range scan on every engine (PostgreSQL only
 * uses a b-tree for LIKE under the C collation, SQLite only with case_sensitive_like); the LIKE keeps the
 * answer exact under collations where the range alone would be approximate.
 */
function startsWith(column: string, prefix: string): Expression<SqlBool> {
  const p = `${escapeLike(prefix)}%`;
  return sql<SqlBool>`(${sql.ref(column)} >= ${prefix} and ${sql.ref(column)} < ${prefixEnd(prefix)} and ${sql.ref(column)} like ${p} escape ${"\\"})`;
}

export function createDirectoryRepository(db: Kysely<Pick<Database, "contacts" | "contact_numbers">>) {
  type Trx = typeof db;

  const RANK: Record<NumberKind, number> = { work: 1, mobile: 2, home: 3 };

  interface LineKeys {
    owner_user_id: string | null;
    first_name_key: string;
    last_name_key: string;
  }

  async function writeNumbers(trx: Trx, id: string, numbers: ContactWrite["numbers"], keys: LineKeys): Promise<void> {
    for (const kind of NUMBER_KINDS) {
      const n = numbers[kind];
      if (n === undefined) continue;
      await trx.deleteFrom("contact_numbers").where("contact_id", "=", id).where("kind", "=", kind).execute();
      if (n)
        await trx
          .insertInto("contact_numbers")
          .values({
            contact_id: id,
            kind,
            rank: RANK[kind],
            display: n.display,
            dial: n.dial,
            ...keypadForms(n.dial),
            ...keys,
          })
          .execute();
    }
  }

  function contactRow(id: string, w: ContactWrite, now: string) {
    return {
      id,
      owner_user_id: w.ownerUserId,
      first_name: w.firstName,
      last_name: w.lastName,
      first_name_key: w.firstName.toLowerCase(),
      last_name_key: w.lastName.toLowerCase(),
      email: w.email,
      department: w.department,
      department_key: w.department?.toLowerCase() ?? null,
      location: w.location,
      building: w.building,
      ringtone: w.ringtone,
      created_at: now,
      updated_at: now,
    };
  }

  async function loadContacts(ids: string[]): Promise<Map<string, Contact>> {
    const out = new Map<string, Contact>();
    if (ids.length === 0) return out;
    const [rows, numbers] = await Promise.all([
      db.selectFrom("contacts").selectAll().where("id", "in", ids).execute(),
      db.selectFrom("contact_numbers").selectAll().where("contact_id", "in", ids).execute(),
    ]);
    for (const r of rows) {
      out.set(r.id, {
        id: r.id,
        firstName: r.first_name,
        lastName: r.last_name,
        workNumber: null,
        mobileNumber: null,
        homeNumber: null,
        workDial: null,
        mobileDial: null,
        homeDial: null,
        email: r.email,
        department: r.department,
        location: r.location,
        building: r.building,
        ringtone: r.ringtone,
        ownerUserId: r.owner_user_id,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      });
    }
    for (const n of numbers) {
      const c = out.get(n.contact_id);
      if (!c) continue;
      const kind = n.kind as NumberKind;
      c[`${kind}Number`] = n.display;
      c[`${kind}Dial`] = n.dial;
    }
    return out;
  }

  function ownerFilter(eb: ExpressionBuilder<Database, "contacts">, ownerUserId: string | null) {
    return ownerUserId === null
      ? eb("contacts.owner_user_id", "is", null)
      : eb("contacts.owner_user_id", "=", ownerUserId);
  }

  return {
    async insertMany(items: Array<{ id: string; write: ContactWrite }>, now: string): Promise<void> {
      await inTransaction(db, async (trx) => {
        for (const { id, write } of items) {
          const row = contactRow(id, write, now);
          await trx.insertInto("contacts").values(row).execute();
          await writeNumbers(trx, id, write.numbers, {
            owner_user_id: row.owner_user_id,
            first_name_key: row.first_name_key,
            last_name_key: row.last_name_key,
          });
        }
      });
    },

    async update(id: string, w: Partial<Omit<ContactWrite, "ownerUserId">>, now: string): Promise<void> {
      await inTransaction(db, async (trx) => {
        await trx
          .updateTable("contacts")
          .set({
            ...(w.firstName !== undefined && { first_name: w.firstName, first_name_key: w.firstName.toLowerCase() }),
            ...(w.lastName !== undefined && { last_name: w.lastName, last_name_key: w.lastName.toLowerCase() }),
            ...(w.email !== undefined && { email: w.email }),
            ...(w.department !== undefined && {
              department: w.department,
              department_key: w.department?.toLowerCase() ?? null,
            }),
            ...(w.location !== undefined && { location: w.location }),
            ...(w.building !== undefined && { building: w.building }),
            ...(w.ringtone !== undefined && { ringtone: w.ringtone }),
            updated_at: now,
          })
          .where("id", "=", id)
          .execute();
        const keys = await trx
          .selectFrom("contacts")
          .select(["owner_user_id", "first_name_key", "last_name_key"])
          .where("id", "=", id)
          .executeTakeFirstOrThrow();
        await trx.updateTable("contact_numbers").set(keys).where("contact_id", "=", id).execute();
        if (w.numbers) await writeNumbers(trx, id, w.numbers, keys);
      });
    },

    async delete(id: string): Promise<boolean> {
      const res = await db.deleteFrom("contacts").where("id", "=", id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    async findById(id: string): Promise<Contact | undefined> {
      return (await loadContacts([id])).get(id);
    },

    async list(
      q: ListQuery & { ownerUserId: string | null },
    ): Promise<{ rows: Contact[]; total: number; page: number; nextCursor: string | null }> {
      const owned = db.selectFrom("contacts").where((eb) => ownerFilter(eb, q.ownerUserId));
      const { column, direction } = parseSort(q.sort, sortColumns, "lastName");
      // Names sort by last then first name; the other columns by themselves (ties by id).
      const keys = [
        { ref: `contacts.${column}`, nullable: column === "department_key" || column === "location" },
        ...(column === "last_name_key" ? [{ ref: "contacts.first_name_key" }] : []),
      ];
      const plan = planPage(db, q, { keys, id: "contacts.id", direction, sort: q.sort ?? "lastName" });
      const selected = [...new Set(["id", column, "first_name_key"])].map((c) =>
        sql.ref<string>(`contacts.${c}`).as(c),
      );
      const text = q.q?.toLowerCase();
      const dial = q.q?.replace(/[^0-9+]/g, "") ?? "";
      const digits = dial.replace("+", "");
      let rows: Array<Record<string, string>>;
      let count: { n: unknown };
      if (text && !(digits.length > 0 && /^[0-9+()./\s-]+$/.test(q.q!))) {
        // Names, department and email by prefix, one index range each. Their union is read branch by branch,
        // each branch only up to the page's end in the list's order: with one OR, PostgreSQL walked the whole
        // sort index when the matches sat at its end ("Smi…" after 90,000 other names).
        const branches = [
          startsWith("contacts.first_name_key", text),
          startsWith("contacts.last_name_key", text),
          startsWith("contacts.department_key", text),
          startsWithIgnoringCase(db, "contacts.email", text),
        ];
        const reach = { ...plan, offset: 0, pageSize: plan.offset + plan.pageSize };
        const matches = branches
          .map((branch, i) =>
            db.selectFrom(applyPage(owned.where(branch).select(selected), reach).as(`b${i}`)).selectAll(),
          )
          .reduce((all, branch) => all.union(branch));
        const ids = branches
          .map((branch) => owned.where(branch).select("contacts.id"))
          .reduce((all, branch) => all.union(branch));
        [rows, count] = await Promise.all([
          applyPage(db.selectFrom(matches.as("contacts")).select(selected), plan).execute(),
          countOnce(plan, () =>
            db
              .selectFrom(ids.as("matched"))
              .select((eb) => eb.fn.countAll().as("n"))
              .executeTakeFirstOrThrow(),
          ),
        ]);
      } else {
        // A query with digits searches the numbers, anywhere in the number (a scan of contact_numbers).
        const base = !text
          ? owned
          : owned.where(
              "contacts.id",
              "in",
              db
                .selectFrom("contact_numbers")
                .select("contact_numbers.contact_id")
                .where((n) =>
                  n.or([
                    sql<SqlBool>`contact_numbers.dial like ${likePattern(dial)} escape ${"\\"}`,
                    sql<SqlBool>`contact_numbers.display like ${likePattern(q.q!)} escape ${"\\"}`,
                  ]),
                ),
            );
        [rows, count] = await Promise.all([
          applyPage(base.select(selected), plan).execute(),
          countOnce(plan, () => {
            const countStar = () => base.select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
            return !text && q.ownerUserId === null ? countedRows(db, "directory", countStar) : countStar();
          }),
        ]);
      }
      const page = finishPage(rows, plan, Number(count.n));
      const pageIds = page.rows.map((r) => r.id!);
      const byId = await loadContacts(pageIds);
      return { ...page, rows: pageIds.map((id) => byId.get(id)!).filter(Boolean), total: Number(count.n) };
    },

    /** Every contact of one directory, in name order (export). */
    async all(ownerUserId: string | null): Promise<Contact[]> {
      const ids = await db
        .selectFrom("contacts")
        .select("id")
        .where((eb) => ownerFilter(eb, ownerUserId))
        .orderBy("last_name_key")
        .orderBy("first_name_key")
        .orderBy("id")
        .execute();
      const out: Contact[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500).map((r) => r.id);
        const byId = await loadContacts(chunk);
        for (const id of chunk) out.push(byId.get(id)!);
      }
      return out;
    },

    /**
     * The phone search: one line per number, names and number matched by prefix (lower-cased first/last
     * name, dialling form of the number), in name order, one page at a time.
     */
    async searchLines(
      s: { ownerUserId: string | null; first?: string; last?: string; number?: string },
      offset: number,
      limit: number,
    ): Promise<{ lines: DirectoryLine[]; total: number }> {
      const owner = s.ownerUserId;
      let base = db
        .selectFrom("contact_numbers")
        .where((eb) =>
          owner === null
            ? eb("contact_numbers.owner_user_id", "is", null)
            : eb("contact_numbers.owner_user_id", "=", owner),
        );
      if (s.last) base = base.where(startsWith("contact_numbers.last_name_key", s.last.toLowerCase()));
      if (s.first) base = base.where(startsWith("contact_numbers.first_name_key", s.first.toLowerCase()));
      const keypad = s.number ? keypadQuery(s.number) : null;
      if (keypad)
        base = base.where((eb) =>
          eb.or([
            startsWith("contact_numbers.digits", keypad.digits),
            ...keypad.national.map((n) => startsWith("contact_numbers.national", n)),
          ]),
        );
      // The order is the index's, so a page is a bounded walk of the index, not a sort of every match.
      const [rows, count] = await Promise.all([
        base
          .select(["contact_numbers.contact_id", "contact_numbers.kind", "contact_numbers.dial"])
          .orderBy("contact_numbers.last_name_key")
          .orderBy("contact_numbers.first_name_key")
          .orderBy("contact_numbers.contact_id")
          .orderBy("contact_numbers.rank")
          .limit(limit)
          .offset(offset)
          .execute(),
        base.select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow(),
      ]);
      const ids = [...new Set(rows.map((r) => r.contact_id))];
      const names = ids.length
        ? await db.selectFrom("contacts").select(["id", "first_name", "last_name"]).where("id", "in", ids).execute()
        : [];
      const byId = new Map(names.map((n) => [n.id, n]));
      return {
        lines: rows.map((r) => ({
          firstName: byId.get(r.contact_id)?.first_name ?? "",
          lastName: byId.get(r.contact_id)?.last_name ?? "",
          kind: r.kind as NumberKind,
          dial: r.dial,
        })),
        total: Number(count.n),
      };
    },

    async count(ownerUserId: string | null = null): Promise<number> {
      const countStar = () =>
        db
          .selectFrom("contacts")
          .select((eb) => eb.fn.countAll().as("n"))
          .where((eb) => ownerFilter(eb, ownerUserId))
          .executeTakeFirstOrThrow();
      const r = await (ownerUserId === null ? countedRows(db, "directory", countStar) : countStar());
      return Number(r.n);
    },
  };
}
export type DirectoryRepository = ReturnType<typeof createDirectoryRepository>;
