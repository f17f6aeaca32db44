import type { ExtensionTechnology, ListQuery } from "@cisisk/contract";
import type { Kysely, Selectable } from "kysely";
import type { Database, ExtensionsTable } from "../../db/schema.js";
import { isUniqueViolation } from "../../db/unique-violation.js";
import { Conflict } from "../../errors.js";
import { applyPage, countOnce, finishPage, planPage } from "../../db/keyset.js";
import { countedRows } from "../../db/row-counts.js";
import { parseSort, startsWithIgnoringCase } from "../../lib/list-query.js";

const sortColumns = {
  number: "extensions.number",
  displayName: "extensions.display_name",
  technology: "extensions.technology",
  createdAt: "extensions.created_at",
  updatedAt: "extensions.updated_at",
} as const;

export interface ExtensionWrite {
  number: string;
  technology: ExtensionTechnology;
  displayName: string;
  userId: string | null;
  context: string;
  secretSealed: string;
  ha1Md5: string;
  ha1Sha256: string;
  voicemail: string | null;
  codecs: string[] | null;
  transport: string | null;
  /** The options object of its technology (sccp / sip / pjsip fields). */
  options: Record<string, unknown>;
}

/** An extension as stored (secret still sealed); the service turns it into the contract DTO. */
export interface ExtensionRecord extends ExtensionWrite {
  id: string;
  createdAt: string;
  updatedAt: string;
}

export type ListExtensionsQuery = ListQuery & {
  technology?: ExtensionTechnology | undefined;
  userId?: string | undefined;
};

export type ExtensionsDb = Kysely<Pick<Database, "extensions">>;

export function createExtensionsRepository(db: ExtensionsDb) {
  const base = () => db.selectFrom("extensions").selectAll("extensions");

  function numberConflict(error: unknown): never {
    if (isUniqueViolation(error)) throw new Conflict("extension number is already taken", { field: "number" });
    throw error;
  }

  function toWriteRow(w: ExtensionWrite) {
    return {
      number: w.number,
      technology: w.technology,
      display_name: w.displayName,
      user_id: w.userId,
      context: w.context,
      secret_encrypted: w.secretSealed,
      ha1_md5: w.ha1Md5,
      ha1_sha256: w.ha1Sha256,
      voicemail: w.voicemail,
      codecs: w.codecs?.length ? w.codecs.join(",") : null,
      transport: w.transport,
      options: JSON.stringify(w.options),
    };
  }

  return {
    /** `ownersMatching`: ids of the users whose username matches `q.q` (the users service finds them). */
    async list(
      q: ListExtensionsQuery,
      ownersMatching: string[] = [],
    ): Promise<{ rows: ExtensionRecord[]; total: number; page: number; nextCursor: string | null }> {
      let where = db.selectFrom("extensions");
      if (q.q) {
        // Prefix search, indexed on every engine.
        const p = q.q;
        where = where.where((eb) =>
          eb.or([
            startsWithIgnoringCase(db, "extensions.number", p),
            startsWithIgnoringCase(db, "extensions.display_name", p),
            startsWithIgnoringCase(db, "extensions.technology", p),
            ...(ownersMatching.length > 0 ? [eb("extensions.user_id", "in", ownersMatching)] : []),
          ]),
        );
      }
      if (q.technology) where = where.where("extensions.technology", "=", q.technology);
      if (q.userId) where = where.where("extensions.user_id", "=", q.userId);
      const { column, direction } = parseSort(q.sort, sortColumns, "number");
      const plan = planPage(db, q, {
        keys: [{ ref: column }],
        id: "extensions.id",
        direction,
        sort: q.sort ?? "number",
      });
      const [rows, count] = await Promise.all([
        applyPage(where.selectAll("extensions"), plan).execute(),
        countOnce(plan, () => {
          const countStar = () => where.select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
          const filtered = q.q || q.technology || q.userId;
          return filtered ? countStar() : countedRows(db, "extensions", countStar);
        }),
      ]);
      const page = finishPage(rows, plan, Number(count.n));
      return { ...page, rows: page.rows.map(toRecord), total: Number(count.n) };
    },

    async findById(id: string): Promise<ExtensionRecord | undefined> {
      const r = await base().where("extensions.id", "=", id).executeTakeFirst();
      return r && toRecord(r);
    },

    async findByNumber(number: string): Promise<ExtensionRecord | undefined> {
      const r = await base().where("extensions.number", "=", number).executeTakeFirst();
      return r && toRecord(r);
    },

    async existingNumbers(numbers: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (let i = 0; i < numbers.length; i += 500) {
        const rows = await db
          .selectFrom("extensions")
          .select("number")
          .where("number", "in", numbers.slice(i, i + 500))
          .execute();
        for (const r of rows) found.add(r.number);
      }
      return found;
    },

    async all(): Promise<ExtensionRecord[]> {
      return (await base().orderBy("extensions.number").execute()).map(toRecord);
    },

    async findManyByIds(ids: string[]): Promise<ExtensionRecord[]> {
      const found: ExtensionRecord[] = [];
      for (let i = 0; i < ids.length; i += 500)
        for (const r of await base()
          .where("extensions.id", "in", ids.slice(i, i + 500))
          .execute())
          found.push(toRecord(r));
      return found;
    },

    async findManyByNumbers(numbers: string[]): Promise<ExtensionRecord[]> {
      const found: ExtensionRecord[] = [];
      for (let i = 0; i < numbers.length; i += 500)
        for (const r of await base()
          .where("extensions.number", "in", numbers.slice(i, i + 500))
          .execute())
          found.push(toRecord(r));
      return found;
    },

    async existingIds(ids: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += 500) {
        const rows = await db
          .selectFrom("extensions")
          .select("id")
          .where("id", "in", unique.slice(i, i + 500))
          .execute();
        for (const r of rows) found.add(r.id);
      }
      return found;
    },

    async listForUser(userId: string): Promise<ExtensionRecord[]> {
      return (await base().where("extensions.user_id", "=", userId).orderBy("extensions.number").execute()).map(
        toRecord,
      );
    },

    async insert(id: string, w: ExtensionWrite, now: string): Promise<void> {
      try {
        await db
          .insertInto("extensions")
          .values({ id, ...toWriteRow(w), created_at: now, updated_at: now })
          .execute();
      } catch (error) {
        numberConflict(error);
      }
    },

    async update(id: string, w: ExtensionWrite, now: string): Promise<void> {
      try {
        await db
          .updateTable("extensions")
          .set({ ...toWriteRow(w), updated_at: now })
          .where("id", "=", id)
          .execute();
      } catch (error) {
        numberConflict(error);
      }
    },

    async delete(id: string): Promise<boolean> {
      const res = await db.deleteFrom("extensions").where("id", "=", id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    async count(): Promise<number> {
      const r = await countedRows(db, "extensions", () =>
        db
          .selectFrom("extensions")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow(),
      );
      return Number(r.n);
    },

    async countByNumbers(technology: ExtensionTechnology, numbers: readonly string[]): Promise<number> {
      if (numbers.length === 0) return 0;
      let n = 0;
      for (let i = 0; i < numbers.length; i += 500) {
        const r = await db
          .selectFrom("extensions")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("technology", "=", technology)
          .where("number", "in", numbers.slice(i, i + 500))
          .executeTakeFirstOrThrow();
        n += Number(r.n);
      }
      return n;
    },
  };
}
export type ExtensionsRepository = ReturnType<typeof createExtensionsRepository>;

function toRecord(r: Selectable<ExtensionsTable>): ExtensionRecord {
  let options: Record<string, unknown> = {};
  try {
    options = r.options ? (JSON.parse(r.options) as Record<string, unknown>) : {};
  } catch {
    options = {};
  }
  return {
    id: r.id,
    number: r.number,
    technology: r.technology as ExtensionTechnology,
    displayName: r.display_name,
    userId: r.user_id,
    context: r.context,
    secretSealed: r.secret_encrypted,
    ha1Md5: r.ha1_md5,
    ha1Sha256: r.ha1_sha256,
    voicemail: r.voicemail,
    codecs: r.codecs ? r.codecs.split(",") : null,
    transport: r.transport,
    options,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
