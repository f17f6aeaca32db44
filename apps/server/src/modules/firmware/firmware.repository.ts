import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";

export function createFirmwareRepository(db: Kysely<Pick<Database, "firmware_loads">>) {
  return {
    async all(): Promise<Record<string, string>> {
      const rows = await db.selectFrom("firmware_loads").select(["model", "load_name"]).orderBy("model").execute();
      return Object.fromEntries(rows.map((r) => [r.model, r.load_name]));
    },

    async loadOf(model: string): Promise<string | null> {
      const r = await db.selectFrom("firmware_loads").select("load_name").where("model", "=", model).executeTakeFirst();
      return r?.load_name ?? null;
    },

    /** Every model's load at once: models left out lose theirs. */
    async replaceAll(loads: Record<string, string>, now: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("firmware_loads").execute();
        const rows = Object.entries(loads).map(([model, load_name]) => ({ model, load_name, updated_at: now }));
        if (rows.length > 0) await trx.insertInto("firmware_loads").values(rows).execute();
      });
    },
  };
}
export type FirmwareRepository = ReturnType<typeof createFirmwareRepository>;
