import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { isUniqueViolation } from "../../db/unique-violation.js";

const KEY = "security";

/** The security settings: one JSON row of the `settings` table, so every server reads the same. */
export function createSecuritySettingsRepository(db: Kysely<Pick<Database, "settings">>) {
  return {
    async read(): Promise<Record<string, unknown> | null> {
      const row = await db.selectFrom("settings").select("value").where("key", "=", KEY).executeTakeFirst();
      if (!row) return null;
      try {
        const value: unknown = JSON.parse(row.value);
        return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
      } catch {
        return null;
      }
    },

    async write(value: Record<string, unknown>, now: string): Promise<void> {
      const json = JSON.stringify(value);
      const res = await db
        .updateTable("settings")
        .set({ value: json, updated_at: now })
        .where("key", "=", KEY)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) > 0) return;
      try {
        await db.insertInto("settings").values({ key: KEY, value: json, updated_at: now }).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        await db.updateTable("settings").set({ value: json, updated_at: now }).where("key", "=", KEY).execute();
      }
    },
  };
}
export type SecuritySettingsRepository = ReturnType<typeof createSecuritySettingsRepository>;
