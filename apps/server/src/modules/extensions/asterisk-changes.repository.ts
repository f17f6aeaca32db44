import type { AsteriskFailure } from "@cisisk/contract";
import type { Insertable, Kysely, Selectable } from "kysely";
import type { AsteriskChangesTable, Database } from "../../db/schema.js";

export type AsteriskChangeRow = Selectable<AsteriskChangesTable>;
export type NewAsteriskChange = Omit<Insertable<AsteriskChangesTable>, "id">;

export interface ChangeState {
  status: "none" | "pending" | "applied" | "failed";
  lastError: string | null;
  attempts: number;
}

/** The Asterisk outbox table: rows claimed by one server at a time, applied in id order. */
export function createAsteriskChangesRepository(db: Kysely<Pick<Database, "asterisk_changes">>) {
  const claimable = (now: string) =>
    db
      .selectFrom("asterisk_changes")
      .selectAll()
      .where("status", "=", "pending")
      .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", now)]));

  return {
    async insert(row: NewAsteriskChange): Promise<void> {
      await db.insertInto("asterisk_changes").values(row).execute();
    },

    /** The oldest unclaimed pending row, claimed for `serverId` until `until`; a lost race tries the next. */
    async claimNext(serverId: string, now: () => string, until: () => string): Promise<AsteriskChangeRow | undefined> {
      for (let tries = 0; tries < 5; tries++) {
        const at = now();
        const row = await claimable(at).orderBy("id").limit(1).executeTakeFirst();
        if (!row) return undefined;
        const claimed = await db
          .updateTable("asterisk_changes")
          .set({ claimed_by: serverId, claimed_until: until() })
          .where("id", "=", row.id)
          .where("status", "=", "pending")
          .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", at)]))
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) === 1) return row;
      }
      return undefined;
    },

    async release(id: number, serverId: string): Promise<void> {
      await db
        .updateTable("asterisk_changes")
        .set({ claimed_by: null, claimed_until: null })
        .where("id", "=", id)
        .where("claimed_by", "=", serverId)
        .execute();
    },

    async markApplied(id: number, attempts: number, at: string): Promise<void> {
      await db
        .updateTable("asterisk_changes")
        .set({ status: "applied", attempts, last_error: null, applied_at: at, claimed_by: null, claimed_until: null })
        .where("id", "=", id)
        .execute();
    },

    async markAttemptFailed(id: number, attempts: number, final: boolean, error: string): Promise<void> {
      await db
        .updateTable("asterisk_changes")
        .set({
          status: final ? "failed" : "pending",
          attempts,
          last_error: error,
          claimed_by: null,
          claimed_until: null,
        })
        .where("id", "=", id)
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
