import type { AsteriskFailure } from "@cisisk/contract";
import type { Insertable, Kysely, Selectable } from "kysely";
import type { AsteriskChangesTable, Database } from "../../db/schema.js";
import { createLeaseTable } from "../../jobs/lease-table.js";

export type AsteriskChangeRow = Selectable<AsteriskChangesTable>;
export type NewAsteriskChange = Omit<Insertable<AsteriskChangesTable>, "id">;

export interface ChangeState {
  status: "none" | "pending" | "applied" | "failed";
  lastError: string | null;
  attempts: number;
}

/** The Asterisk outbox table: rows leased by one server at a time, applied in id order. */
export function createAsteriskChangesRepository(db: Kysely<Pick<Database, "asterisk_changes">>, maxAttempts = 50) {
  // Rows are leased like jobs (jobs/lease-table.ts): claimHead keeps the strict id order of the outbox.
  const leases = createLeaseTable(db, {
    table: "asterisk_changes",
    doneStatus: "applied",
    finishedColumn: "applied_at",
    maxAttempts,
  });

  return {
    claimHead: leases.claimHead,
    renewMany: leases.renewMany,
    completeMany: leases.completeMany,
    release: leases.release,

    async insert(row: NewAsteriskChange): Promise<void> {
      await db.insertInto("asterisk_changes").values(row).execute();
    },

    /** Many changes in a few statements (a CSV import), in the given order. */
    async insertMany(rows: NewAsteriskChange[]): Promise<void> {
      for (let i = 0; i < rows.length; i += 500)
        await db
          .insertInto("asterisk_changes")
          .values(rows.slice(i, i + 500))
          .execute();
    },

    /** The latest change of each extension. */
    async statesOf(extensionIds: string[]): Promise<Map<string, ChangeState>> {
      const states = new Map<string, ChangeState>();
      for (let i = 0; i < extensionIds.length; i += 500) {
        const rows = await db
          .selectFrom("asterisk_changes")
          .select(["extension_id", "status", "last_error", "attempts", "id"])
          .where("extension_id", "in", extensionIds.slice(i, i + 500))
          .orderBy("id", "desc")
          .execute();
        for (const r of rows) {
          if (states.has(r.extension_id)) continue;
          states.set(r.extension_id, {
            status: r.status as ChangeState["status"],
            lastError: r.last_error,
            attempts: Number(r.attempts),
          });
        }
      }
      return states;
    },

    async stats(): Promise<{ pendingChanges: number; failedChanges: number; lastError: string | null }> {
      const rows = await db
        .selectFrom("asterisk_changes")
        .select(["status", (eb) => eb.fn.countAll().as("n")])
        .where("status", "in", ["pending", "failed"])
        .groupBy("status")
        .execute();
      const last = await db
        .selectFrom("asterisk_changes")
        .select("last_error")
        .where("status", "in", ["pending", "failed"])
        .where("last_error", "is not", null)
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
      return { pendingChanges: count("pending"), failedChanges: count("failed"), lastError: last?.last_error ?? null };
    },

    /** Changes that failed for good, or are still waiting after at least one failed attempt. */
    async recentFailures(limit: number): Promise<AsteriskFailure[]> {
      const rows = await db
        .selectFrom("asterisk_changes")
        .selectAll()
        .where((eb) =>
          eb.or([eb("status", "=", "failed"), eb.and([eb("status", "=", "pending"), eb("attempts", ">", 0)])]),
        )
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        source: "asterisk",
        extensionNumber: r.extension_number,
        status: r.status as "pending" | "failed",
        attempts: Number(r.attempts),
        lastError: r.last_error,
        createdAt: r.created_at,
      }));
    },
  };
}
export type AsteriskChangesRepository = ReturnType<typeof createAsteriskChangesRepository>;
