import type { Kysely, Selectable } from "kysely";
import type { Database } from "../db/schema.js";

/** The columns every leased table has (`jobs`, `asterisk_changes`). */
export interface LeasedRow {
  id: string | number;
  status: string;
  attempts: number;
  run_after: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
}

export type LeasedTableName = "jobs" | "asterisk_changes";

export interface LeaseTableSpec<T extends LeasedTableName> {
  table: T;
  /** The status a finished row gets (`succeeded`, or `applied` for the outbox). */
  doneStatus: string;
  /** The column that records when a row finished. */
  finishedColumn: "finished_at" | "applied_at";
  /** Attempts allowed: a number for the whole table, or the row's `max_attempts` column. */
  maxAttempts: number | "column";
}

/** Ids per statement when many rows change at once (well under every engine's parameter limit). */
const CHUNK = 500;

type Row<T extends LeasedTableName> = Selectable<Database[T]> & LeasedRow;
// One table name at run time, typed as a table with exactly the lease columns (every leased table has them).
type LeaseDb = { leased: LeasedRow & { max_attempts: number; finished_at: string | null; kind: string } };

/**
 * The lease SQL, shared by every table whose rows are work that several servers may do: a row is
 * `pending` until it succeeds or fails for good; a server works on it only while it holds the lease
 * (`lease_owner`, `lease_until`), taken and renewed by conditional UPDATEs, so on every engine exactly one
 * server wins a row and a dead server's row becomes free again when its lease runs out.
 */
export function createLeaseTable<T extends LeasedTableName>(db: Kysely<Pick<Database, T>>, spec: LeaseTableSpec<T>) {
  const k = db as unknown as Kysely<LeaseDb>;
  const table = spec.table as unknown as "leased";
  const max = spec.maxAttempts;

  const free = (now: string) =>
    k
      .selectFrom(table)
      .where("status", "=", "pending")
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]));

  /** The conditional write that takes a lease: only one of several racing servers changes the row. */
  async function take(id: string | number, owner: string, now: string, until: string): Promise<boolean> {
    const r = await k
      .updateTable(table)
      .set((eb) => ({ lease_owner: owner, lease_until: until, attempts: eb("attempts", "+", 1) }))
      .where("id", "=", id)
      .where("status", "=", "pending")
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async function read(id: string | number): Promise<Row<T> | undefined> {
    return (await k.selectFrom(table).selectAll().where("id", "=", id).executeTakeFirst()) as unknown as
      Row<T> | undefined;
  }

  return {
    /**
     * Leases the oldest due row (`kinds` narrows the jobs table); attempts count when a lease is taken, so
     * work that kills its server is not retried for ever.
     */
    async claim(owner: string, now: string, until: string, kinds?: readonly string[]): Promise<Row<T> | undefined> {
      for (let tries = 0; tries < 5; tries++) {
        let q = free(now)
          .select("id")
          .where((eb) => eb.or([eb("run_after", "is", null), eb("run_after", "<=", now)]))
          .where((eb) => (max === "column" ? eb("attempts", "<", eb.ref("max_attempts")) : eb("attempts", "<", max)));
        if (kinds) q = q.where("kind", "in", kinds);
        const candidates = await q.orderBy("run_after").orderBy("id").limit(3).execute();
        if (candidates.length === 0) return undefined;
        for (const c of candidates) if (await take(c.id, owner, now, until)) return read(c.id);
      }
      return undefined;
    },

    /**
     * For a queue applied strictly in id order (the outbox): leases the first pending rows, as long as the
     * head is free and due and `sameRun` accepts each next row. Nothing when another server holds the head.
     */
    async claimHead(
      owner: string,
      now: string,
      until: string,
      /** How many rows a run may have, at most (it may depend on the head). */
      limit: number | ((head: Row<T>) => number),
      sameRun: (first: Row<T>, next: Row<T>) => boolean,
    ): Promise<Row<T>[]> {
      const pending = (n: number) =>
        k
          .selectFrom(table)
          .selectAll()
          .where("status", "=", "pending")
          .orderBy("id")
          .limit(n)
          .execute() as unknown as Promise<Row<T>[]>;
      const [head] = await pending(1);
      if (!head || (head.run_after && head.run_after > now)) return [];
      // The head first, alone: only the server that wins it goes on, so the queue is applied in order.
      if (!(await take(head.id, owner, now, until))) return [];
      const run = [head];
      const runMax = typeof limit === "function" ? limit(head) : limit;
      // Rows that may join the head's run are read only when it can have one.
      if (runMax > 1 && sameRun(head, head))
        for (const row of (await pending(runMax + 1)).filter((r) => r.id !== head.id)) {
          if (!sameRun(head, row)) break;
          run.push(row);
          if (run.length >= runMax) break;
        }
      // The rest of the run in a few conditional UPDATEs (a CSV import queues thousands): a row another
      // server holds (it cannot: the head was ours) or that changed meanwhile is simply not ours.
      const ours = new Set<string | number>([head.id]);
      for (let i = 1; i < run.length; i += CHUNK) {
        const ids = run.slice(i, i + CHUNK).map((r) => r.id);
        await k
          .updateTable(table)
          .set((eb) => ({ lease_owner: owner, lease_until: until, attempts: eb("attempts", "+", 1) }))
          .where("id", "in", ids)
          .where("status", "=", "pending")
          .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]))
          .execute();
        const got = await k
          .selectFrom(table)
          .select("id")
          .where("id", "in", ids)
          .where("status", "=", "pending")
          .where("lease_owner", "=", owner)
          .where("lease_until", "=", until)
          .execute();
        for (const g of got) ours.add(g.id);
      }
      return run
        .filter((r) => ours.has(r.id))
        .map((r) => ({ ...r, attempts: r.attempts + 1, lease_owner: owner, lease_until: until }));
    },

    /** The heartbeat of many rows at once: false when any of them is no longer ours. */
    async renewMany(ids: readonly (string | number)[], owner: string, until: string): Promise<boolean> {
      let renewed = 0;
      for (let i = 0; i < ids.length; i += CHUNK) {
        const r = await k
          .updateTable(table)
          .set({ lease_until: until })
          .where("id", "in", ids.slice(i, i + CHUNK))
          .where("status", "=", "pending")
          .where("lease_owner", "=", owner)
          .executeTakeFirst();
        renewed += Number(r.numUpdatedRows);
      }
      return renewed === ids.length;
    },

    /** Completes many rows held by `owner` (a batch applied at once). */
    async completeMany(ids: readonly (string | number)[], owner: string, at: string): Promise<void> {
      for (let i = 0; i < ids.length; i += CHUNK)
        await k
          .updateTable(table)
          .set({
            status: spec.doneStatus,
            last_error: null,
            lease_owner: null,
            lease_until: null,
            [spec.finishedColumn as "finished_at"]: at,
          })
          .where("id", "in", ids.slice(i, i + CHUNK))
          .where("status", "=", "pending")
          .where("lease_owner", "=", owner)
          .execute();
    },

    /** Inserts nothing: a row inserted already leased (`lease_owner` set) is held from the start. */
    read,

    /** The heartbeat: false when the lease is no longer ours (it ran out and was taken or swept). */
    async renew(id: string | number, owner: string, until: string): Promise<boolean> {
      const r = await k
        .updateTable(table)
        .set({ lease_until: until })
        .where("id", "=", id)
        .where("status", "=", "pending")
        .where("lease_owner", "=", owner)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async complete(id: string | number, owner: string, at: string): Promise<boolean> {
      const r = await k
        .updateTable(table)
        .set({
          status: spec.doneStatus,
          last_error: null,
          lease_owner: null,
          lease_until: null,
          [spec.finishedColumn as "finished_at"]: at,
        })
        .where("id", "=", id)
        .where("status", "=", "pending")
        .where("lease_owner", "=", owner)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /** Gives the lease back with the error: retried after `runAfter`, or failed for good when `final`. */
    async release(
      id: string | number,
      owner: string,
      error: string,
      outcome: { final: true; at: string } | { final: false; runAfter: string },
    ): Promise<boolean> {
      const r = await k
        .updateTable(table)
        .set({
          lease_owner: null,
          lease_until: null,
          last_error: error.slice(0, 1000),
          ...(outcome.final
            ? { status: "failed", [spec.finishedColumn as "finished_at"]: outcome.at }
            : { run_after: outcome.runAfter }),
        })
        .where("id", "=", id)
        .where("status", "=", "pending")
        .where("lease_owner", "=", owner)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /** Rows whose lease ran out with no attempt left: their server died holding them. */
    async expired(now: string, kinds?: readonly string[]): Promise<Row<T>[]> {
      let q = k
        .selectFrom(table)
        .selectAll()
        .where("status", "=", "pending")
        .where("lease_until", "<", now)
        .where((eb) => (max === "column" ? eb("attempts", ">=", eb.ref("max_attempts")) : eb("attempts", ">=", max)));
      if (kinds) q = q.where("kind", "in", kinds);
      return (await q.orderBy("id").limit(100).execute()) as unknown as Row<T>[];
    },

    /**
     * Takes an expired row (its server died holding its last attempt) for this server's sweep: only one of
     * several sweeping servers wins it, so its clean-up runs once; if the sweeper dies too, the lease runs out again.
     */
    async takeExpired(id: string | number, owner: string, now: string, until: string): Promise<boolean> {
      const r = await k
        .updateTable(table)
        .set({ lease_owner: owner, lease_until: until })
        .where("id", "=", id)
        .where("status", "=", "pending")
        .where("lease_until", "<", now)
        .where((eb) => (max === "column" ? eb("attempts", ">=", eb.ref("max_attempts")) : eb("attempts", ">=", max)))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}
