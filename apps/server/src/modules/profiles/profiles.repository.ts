import type { ListQuery, Profile, SoftwareType } from "@cisisk/contract";
import type { Kysely, Selectable } from "kysely";
import type { Database, ProfilesTable } from "../../db/schema.js";
import { isUniqueViolation } from "../../db/unique-violation.js";
import { Conflict } from "../../errors.js";
import { applyPage, countOnce, finishPage, planPage } from "../../db/keyset.js";
import { ilike, likePattern, parseSort } from "../../lib/list-query.js";

const sortColumns = {
  name: "name",
  softwareType: "software_type",
  createdAt: "created_at",
  updatedAt: "updated_at",
} as const;

export interface ProfileWrite {
  name?: string;
  description?: string | null;
  userId?: string | null;
  cnfXml?: string;
  compatibleModels?: string[];
  softwareType?: SoftwareType | null;
}

export function createProfilesRepository(db: Kysely<Pick<Database, "profiles">>) {
  function nameConflict(error: unknown): never {
    if (isUniqueViolation(error)) throw new Conflict("a profile with this name already exists", { field: "name" });
    throw error;
  }
  return {
    async list(q: ListQuery): Promise<{ rows: Profile[]; total: number; page: number; nextCursor: string | null }> {
      let base = db.selectFrom("profiles");
      if (q.q) {
        const p = likePattern(q.q);
        base = base.where((eb) => eb.or([ilike("name", p), ilike("description", p)]));
      }
      const { column, direction } = parseSort(q.sort, sortColumns, "name");
      const keys = [{ ref: column, nullable: column === "software_type" }];
      const plan = planPage(db, q, { keys, id: "id", direction, sort: q.sort ?? "name" });
      const [rows, count] = await Promise.all([
        applyPage(base.selectAll(), plan).execute(),
        countOnce(plan, () => base.select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()),
      ]);
      const page = finishPage(rows, plan, Number(count.n));
      return { ...page, rows: page.rows.map(toProfile), total: Number(count.n) };
    },

    async findById(id: string): Promise<Profile | undefined> {
      const r = await db.selectFrom("profiles").selectAll().where("id", "=", id).executeTakeFirst();
      return r && toProfile(r);
    },

    async insert(id: string, w: Required<ProfileWrite>, now: string): Promise<void> {
      try {
        await db
          .insertInto("profiles")
          .values({
            id,
            name: w.name,
            description: w.description,
            user_id: w.userId,
            cnf_xml: w.cnfXml,
            compatible_models: JSON.stringify(w.compatibleModels),
            software_type: w.softwareType,
            created_at: now,
            updated_at: now,
          })
          .execute();
      } catch (error) {
        nameConflict(error);
      }
    },

    async update(id: string, w: ProfileWrite, now: string): Promise<void> {
      try {
        await db
          .updateTable("profiles")
          .set({
            ...(w.name !== undefined && { name: w.name }),
            ...(w.description !== undefined && { description: w.description }),
            ...(w.userId !== undefined && { user_id: w.userId }),
            ...(w.cnfXml !== undefined && { cnf_xml: w.cnfXml }),
            ...(w.compatibleModels !== undefined && { compatible_models: JSON.stringify(w.compatibleModels) }),
            ...(w.softwareType !== undefined && { software_type: w.softwareType }),
            updated_at: now,
          })
          .where("id", "=", id)
          .execute();
      } catch (error) {
        nameConflict(error);
      }
    },

    async delete(id: string): Promise<void> {
      await db.deleteFrom("profiles").where("id", "=", id).execute();
    },

    async namesOf(ids: string[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += 500) {
        const rows = await db
          .selectFrom("profiles")
          .select(["id", "name"])
          .where("id", "in", unique.slice(i, i + 500))
          .execute();
        for (const r of rows) out.set(r.id, r.name);
      }
      return out;
    },

    async count(): Promise<number> {
      const r = await db
        .selectFrom("profiles")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
export type ProfilesRepository = ReturnType<typeof createProfilesRepository>;

function toProfile(r: Selectable<ProfilesTable>): Profile {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    userId: r.user_id,
    cnfXml: r.cnf_xml,
    compatibleModels: JSON.parse(r.compatible_models) as string[],
    softwareType: (r.software_type as SoftwareType | null) ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
