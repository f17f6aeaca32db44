import type { ListServicesQuery, PhoneService, ServiceKind } from "@cisisk/contract";
import type { Kysely, Selectable } from "kysely";
import type { Database, PhoneServicesTable } from "../../db/schema.js";
import { inTransaction } from "../../db/transaction.js";
import { isUniqueViolation } from "../../db/unique-violation.js";
import { applyPage, countOnce, finishPage, planPage } from "../../db/keyset.js";
import { Conflict } from "../../errors.js";
import { ilike, likePattern } from "../../lib/list-query.js";

export interface ServiceWrite {
  name?: string;
  url?: string;
  description?: string | null;
  enabled?: boolean;
  requiresLogin?: boolean;
  phoneIds?: string[];
  profileIds?: string[];
}

type ServicesDb = Kysely<Pick<Database, "phone_services" | "phone_service_assignments">>;

export function createServicesRepository(db: ServicesDb) {
  function nameConflict(error: unknown): never {
    if (isUniqueViolation(error)) throw new Conflict("a service with this name exists", { field: "name" });
    throw error;
  }

  async function withAssignments(rows: Selectable<PhoneServicesTable>[]): Promise<PhoneService[]> {
    if (rows.length === 0) return [];
    const assignments = await db
      .selectFrom("phone_service_assignments")
      .selectAll()
      .where(
        "service_id",
        "in",
        rows.map((r) => r.id),
      )
      .orderBy("target_id")
      .execute();
    return rows.map((r) => {
      const mine = assignments.filter((a) => a.service_id === r.id);
      return {
        id: r.id,
        name: r.name,
        url: r.url,
        description: r.description,
        enabled: Number(r.enabled) === 1,
        requiresLogin: Number(r.requires_login) === 1,
        kind: r.kind as ServiceKind,
        builtIn: r.kind !== "custom",
        phoneIds: mine.filter((a) => a.target_type === "phone").map((a) => a.target_id),
        profileIds: mine.filter((a) => a.target_type === "profile").map((a) => a.target_id),
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      };
    });
  }

  async function replaceAssignments(trx: ServicesDb, id: string, type: "phone" | "profile", targets: string[]) {
    await trx
      .deleteFrom("phone_service_assignments")
      .where("service_id", "=", id)
      .where("target_type", "=", type)
      .execute();
    const unique = [...new Set(targets)];
    if (unique.length > 0)
      await trx
        .insertInto("phone_service_assignments")
        .values(unique.map((target_id) => ({ service_id: id, target_type: type, target_id })))
        .execute();
  }

  return {
    async count(): Promise<number> {
      const r = await db
        .selectFrom("phone_services")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** Every service, built-ins first (the phones' menus). */
    async all(): Promise<PhoneService[]> {
      const rows = await db.selectFrom("phone_services").selectAll().orderBy("position").orderBy("name_key").execute();
      return withAssignments(rows);
    },

    async list(
      q: ListServicesQuery,
    ): Promise<{ rows: PhoneService[]; total: number; page: number; nextCursor: string | null }> {
      let base = db.selectFrom("phone_services");
      if (q.q) base = base.where(ilike("name", likePattern(q.q)));
      const byName = q.sort === "name" || q.sort === "-name";
      const keys = byName ? [{ ref: "name_key" }] : [{ ref: "position" }, { ref: "name_key" }];
      const direction = q.sort === "-name" ? "desc" : "asc";
      const plan = planPage(db, q, { keys, id: "id", direction, sort: q.sort ?? "position" });
      const [rows, count] = await Promise.all([
        applyPage(base.selectAll(), plan).execute(),
        countOnce(plan, () => base.select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()),
      ]);
      const page = finishPage(rows, plan, Number(count.n));
      return { ...page, rows: await withAssignments(page.rows), total: Number(count.n) };
    },

    async findById(id: string): Promise<PhoneService | undefined> {
      const rows = await db.selectFrom("phone_services").selectAll().where("id", "=", id).execute();
      return (await withAssignments(rows))[0];
    },

    async insert(id: string, w: Required<ServiceWrite>, now: string): Promise<void> {
      try {
        await inTransaction(db, async (trx) => {
          await trx
            .insertInto("phone_services")
            .values({
              id,
              name: w.name,
              name_key: w.name.toLowerCase(),
              url: w.url,
              description: w.description,
              enabled: w.enabled ? 1 : 0,
              requires_login: w.requiresLogin ? 1 : 0,
              kind: "custom",
              position: 100,
              created_at: now,
              updated_at: now,
            })
            .execute();
          await replaceAssignments(trx, id, "phone", w.phoneIds);
          await replaceAssignments(trx, id, "profile", w.profileIds);
        });
      } catch (error) {
        nameConflict(error);
      }
    },

    async update(id: string, w: ServiceWrite, now: string): Promise<void> {
      try {
        await inTransaction(db, async (trx) => {
          await trx
            .updateTable("phone_services")
            .set({
              ...(w.name !== undefined && { name: w.name, name_key: w.name.toLowerCase() }),
              ...(w.url !== undefined && { url: w.url }),
              ...(w.description !== undefined && { description: w.description }),
              ...(w.enabled !== undefined && { enabled: w.enabled ? 1 : 0 }),
              ...(w.requiresLogin !== undefined && { requires_login: w.requiresLogin ? 1 : 0 }),
              updated_at: now,
            })
            .where("id", "=", id)
            .execute();
          if (w.phoneIds) await replaceAssignments(trx, id, "phone", w.phoneIds);
          if (w.profileIds) await replaceAssignments(trx, id, "profile", w.profileIds);
        });
      } catch (error) {
        nameConflict(error);
      }
    },

    async delete(id: string): Promise<boolean> {
      const res = await db.deleteFrom("phone_services").where("id", "=", id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
export type ServicesRepository = ReturnType<typeof createServicesRepository>;
