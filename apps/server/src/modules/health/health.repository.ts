import { sql, type Kysely } from "kysely";
import type { Database } from "../../db/schema.js";

export interface ComponentRow {
  name: string;
  status: string;
  lastError: string | null;
  checkedAt: string;
}

export interface FailureRow {
  id: number;
  source: string;
  subject: string;
  error: string;
  createdAt: string;
}

export function createHealthRepository(db: Kysely<Pick<Database, "component_status" | "background_failures">>) {
  return {
    /** Null when the database answers, else why not. */
    async ping(): Promise<string | null> {
      try {
        await sql`select 1`.execute(db);
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    },

    /** Update first; a server racing us to the first insert makes ours fail, so update again. */
    async saveComponent(name: string, status: string, lastError: string | null, at: string): Promise<void> {
      const row = { status, last_error: lastError, checked_at: at };
      const updated = await db.updateTable("component_status").set(row).where("name", "=", name).executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) return;
      await db
        .insertInto("component_status")
        .values({ name, ...row })
        .execute()
        .catch(async () => {
          await db.updateTable("component_status").set(row).where("name", "=", name).execute();
        });
    },

    async saveFailure(f: Omit<FailureRow, "id">): Promise<void> {
      await db
        .insertInto("background_failures")
        .values({ source: f.source, subject: f.subject, error: f.error, created_at: f.createdAt })
        .execute();
    },

    async recentFailures(limit: number): Promise<FailureRow[]> {
      const rows = await db.selectFrom("background_failures").selectAll().orderBy("id", "desc").limit(limit).execute();
      return rows.map((r) => ({
        id: Number(r.id),
        source: r.source,
        subject: r.subject,
        error: r.error,
        createdAt: r.created_at,
      }));
    },

    async components(): Promise<ComponentRow[]> {
      const rows = await db.selectFrom("component_status").selectAll().execute();
      return rows.map((r) => ({ name: r.name, status: r.status, lastError: r.last_error, checkedAt: r.checked_at }));
    },
  };
}
export type HealthRepository = ReturnType<typeof createHealthRepository>;
