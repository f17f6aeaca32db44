import type { CompiledQuery, Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { isUniqueViolation } from "../db/unique-violation.js";

/**
 * Throttle counters: one row per key, changed only by conditional writes, so parallel attempts on any engine
 * (one row lock per UPDATE on PostgreSQL/MariaDB, one writer at a time on SQLite) can never count past the limit.
 */
export function createThrottleRepository(db: Kysely<Database>) {
  let counterQuery: CompiledQuery<{ hits: number; window_end: string }> | undefined;
  return {
    /** Counts one attempt under `limit`; else returns when the full window ends. */
    async hit(key: string, limit: number, now: string, windowEnd: string): Promise<{ ok: true } | { until: string }> {
      for (let tries = 0; tries < 5; tries++) {
        const counted = await db
          .updateTable("throttle_counters")
          .set((eb) => ({ hits: eb("hits", "+", 1) }))
          .where("key", "=", key)
          .where("window_end", ">", now)
          .where("hits", "<", limit)
          .executeTakeFirst();
        if (Number(counted.numUpdatedRows) === 1) return { ok: true };
        const restarted = await db
          .updateTable("throttle_counters")
          .set({ hits: 1, window_end: windowEnd })
          .where("key", "=", key)
          .where("window_end", "<=", now)
          .executeTakeFirst();
        if (Number(restarted.numUpdatedRows) === 1) return { ok: true };
        const row = await db
          .selectFrom("throttle_counters")
          .select(["hits", "window_end"])
          .where("key", "=", key)
          .executeTakeFirst();
        if (row && row.window_end > now && Number(row.hits) >= limit) return { until: row.window_end };
        if (row) continue; // changed under us (window restarted or given back): count again
        try {
          await db.insertInto("throttle_counters").values({ key, hits: 1, window_end: windowEnd }).execute();
          return { ok: true };
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
      }
      // Five lost races in a row: refuse rather than count without a limit.
      return { until: windowEnd };
    },

    /** The attempts counted for `key` in its current window (0 when none or the window has ended). */
    async peek(key: string, now: string): Promise<number> {
      const row = await db
        .selectFrom("throttle_counters")
        .select("hits")
        .where("key", "=", key)
        .where("window_end", ">", now)
        .executeTakeFirst();
      return row ? Number(row.hits) : 0;
    },

    /** When `key` is full (at `limit` in a window that has not ended): the window's end; else null. Reads only. */
    async fullUntil(key: string, limit: number, now: string): Promise<string | null> {
      // Compiled once: checked on every provisioning request.
      counterQuery ??= db
        .selectFrom("throttle_counters")
        .select(["hits", "window_end"])
        .where("key", "=", "")
        .compile();
      const row = (await db.executeQuery<{ hits: number; window_end: string }>({ ...counterQuery, parameters: [key] }))
        .rows[0];
      return row && row.window_end > now && Number(row.hits) >= limit ? row.window_end : null;
    },

    /** Takes back one counted attempt (it succeeded, or a sibling rule refused it). */
    async giveBack(key: string): Promise<void> {
      await db
        .updateTable("throttle_counters")
        .set((eb) => ({ hits: eb("hits", "-", 1) }))
        .where("key", "=", key)
        .where("hits", ">", 0)
        .execute();
    },

    /** Forgets a key's attempts (a correct password forgives the account's earlier mistakes). */
    async reset(keys: readonly string[]): Promise<void> {
      if (keys.length > 0) await db.deleteFrom("throttle_counters").where("key", "in", keys).execute();
    },

    /** Deletes windows that ended before `before`; keeps the table small. */
    async prune(before: string): Promise<void> {
      await db.deleteFrom("throttle_counters").where("window_end", "<", before).execute();
    },
  };
}
export type ThrottleRepository = ReturnType<typeof createThrottleRepository>;
