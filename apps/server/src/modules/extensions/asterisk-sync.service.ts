import type { AsteriskFailure } from "@cisisk/contract";
import type { Kysely, Selectable } from "kysely";
import type { AsteriskManager, Technology } from "../../adapters/ami/asterisk-manager.js";
import type { AsteriskLine } from "../../adapters/asterisk/asterisk-line.js";
import { confFileNames, renderers, writeFileAtomically } from "../../adapters/asterisk/conf-files.js";
import { removeRealtime, writeRealtime } from "../../adapters/asterisk/realtime-writer.js";
import type { AsteriskChangesTable, Database } from "../../db/schema.js";
import { UpstreamFailed } from "../../errors.js";
import { newId } from "../../lib/ids.js";
import { addSeconds, iso, type Clock } from "../../lib/time.js";
import { createExtensionsRepository, type ExtensionRecord } from "./extensions.repository.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Asterisk's tables are not ours to type
type AnyDb = Kysely<any>;

export type AsteriskMode = "none" | "realtime" | "files";

export interface AsteriskSyncDeps {
  db: Kysely<Database>;
  mode: AsteriskMode;
  /** realtime: "same" = Asterisk's tables live in our database and are written in our transaction. */
  realtimeDb: "same" | (() => Promise<AnyDb>) | null;
  configDir: string | null;
  manager: AsteriskManager | null;
  lineOf(record: ExtensionRecord): AsteriskLine;
  clock: Clock;
  maxAttempts?: number;
  claimSeconds?: number;
  log?: { warn(obj: object, msg: string): void };
}

export interface ChangeRequest {
  extensionId: string;
  number: string;
  previousNumber: string | null;
  /** Technologies to rewrite or clear (the current one, plus the previous one when it changed). */
  technologies: Technology[];
  operation: "upsert" | "delete";
}

export interface ChangeState {
  status: "none" | "pending" | "applied" | "failed";
  lastError: string | null;
  attempts: number;
}

/** The Asterisk outbox: recorded with our own row, applied now or later by whichever server claims it. */
export function createAsteriskSync(deps: AsteriskSyncDeps) {
  const { db, mode, clock } = deps;
  const serverId = newId();
  const maxAttempts = deps.maxAttempts ?? 50;
  const claimSeconds = deps.claimSeconds ?? 60;
  const sameDb = mode === "realtime" && deps.realtimeDb === "same";

  async function applyRealtime(target: AnyDb, row: Selectable<AsteriskChangesTable>, current?: ExtensionRecord) {
    const techs = row.technologies.split(",");
    await removeRealtime(target, row.extension_number, techs);
    if (row.previous_number) await removeRealtime(target, row.previous_number, techs);
    if (current) await writeRealtime(target, deps.lineOf(current));
  }

  type Row = Selectable<AsteriskChangesTable>;

  /** One realtime change, or a batch of files changes (one render and one reload per technology). */
  async function apply(batch: Row[]): Promise<void> {
    const repo = createExtensionsRepository(db);
    const first = batch[0]!;
    if (first.mode === "realtime") {
      if (!deps.realtimeDb) throw new Error("realtime_database_url is not configured");
      const current = await repo.findById(first.extension_id);
      const target = deps.realtimeDb === "same" ? (db as AnyDb) : await deps.realtimeDb();
      await target.transaction().execute((trx) => applyRealtime(trx, first, current));
      return;
    }
    if (first.mode === "files") {
      if (!deps.configDir) throw new Error("[asterisk] config_dir is not configured");
      const lines = (await repo.all()).map((r) => deps.lineOf(r));
      for (const tech of ["PJSIP", "SIP", "SCCP"] as const) {
        await writeFileAtomically(deps.configDir, confFileNames[tech], renderers[tech](lines));
      }
      if (!deps.manager) {
        deps.log?.warn({ changes: batch.length }, "files written, but no AMI is configured to reload Asterisk");
        return;
      }
      const touched = new Set(batch.flatMap((r) => r.technologies.split(",")));
      await deps.manager.reload((["PJSIP", "SIP", "SCCP"] as const).filter((t) => touched.has(t)));
    }
  }

  async function release(row: Row): Promise<void> {
    await db
      .updateTable("asterisk_changes")
      .set({ claimed_by: null, claimed_until: null })
      .where("id", "=", row.id)
      .where("claimed_by", "=", serverId)
      .execute();
  }

  async function claimNext(): Promise<Selectable<AsteriskChangesTable> | undefined> {
    for (let tries = 0; tries < 5; tries++) {
      const now = iso(clock());
      const row = await db
        .selectFrom("asterisk_changes")
        .selectAll()
        .where("status", "=", "pending")
        .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", now)]))
        .orderBy("id")
        .limit(1)
        .executeTakeFirst();
      if (!row) return undefined;
      const claimed = await db
        .updateTable("asterisk_changes")
        .set({ claimed_by: serverId, claimed_until: iso(addSeconds(clock(), claimSeconds)) })
        .where("id", "=", row.id)
        .where("status", "=", "pending")
        .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", now)]))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 1) return row;
    }
    return undefined;
  }

  const sync = {
    mode,

    /** Called inside the transaction that writes our extension row. */
    async record(trx: Kysely<Database>, change: ChangeRequest, current: ExtensionRecord | undefined): Promise<void> {
      if (mode === "none") return;
      const now = iso(clock());
      const row = {
        extension_id: change.extensionId,
        extension_number: change.number,
        previous_number: change.previousNumber,
        technologies: [...new Set(change.technologies)].join(","),
        operation: change.operation,
        mode,
        created_at: now,
      };
      if (sameDb) {
        try {
          await applyRealtime(trx as AnyDb, { ...row, id: 0, status: "", attempts: 0 } as never, current);
        } catch (err) {
          // Same database: Asterisk's tables change with ours or not at all (missing tables, wrong types…).
          throw new UpstreamFailed(`Asterisk realtime tables could not be written: ${(err as Error).message}`);
        }
        await trx
          .insertInto("asterisk_changes")
          .values({ ...row, status: "applied", attempts: 1, applied_at: now })
          .execute();
        return;
      }
      await trx
        .insertInto("asterisk_changes")
        .values({ ...row, status: "pending", attempts: 0 })
        .execute();
    },

    /** Applies pending changes in id order until none is left or Asterisk fails; returns how many were applied. */
    async processPending(limit = 500): Promise<number> {
      if (mode === "none") return 0;
      let applied = 0;
      while (applied < limit) {
        const first = await claimNext();
        if (!first) break;
        const batch: Row[] = [first];
        // Files are rendered whole: every waiting files change is covered by one render + reload.
        while (first.mode === "files" && applied + batch.length < limit) {
          const next = await claimNext();
          if (!next) break;
          if (next.mode !== "files") {
            await release(next);
            break;
          }
          batch.push(next);
        }
        try {
          await apply(batch);
          for (const row of batch) {
            await db
              .updateTable("asterisk_changes")
              .set({
                status: "applied",
                attempts: row.attempts + 1,
                last_error: null,
                applied_at: iso(clock()),
                claimed_by: null,
                claimed_until: null,
              })
              .where("id", "=", row.id)
              .execute();
          }
          applied += batch.length;
        } catch (err) {
          const message = ((err as Error).message || String(err)).slice(0, 1000);
          for (const row of batch) {
            const attempts = row.attempts + 1;
            await db
              .updateTable("asterisk_changes")
              .set({
                status: attempts >= maxAttempts ? "failed" : "pending",
                attempts,
                last_error: message,
                claimed_by: null,
                claimed_until: null,
              })
              .where("id", "=", row.id)
              .execute();
          }
          deps.log?.warn({ changes: batch.map((r) => r.id), err: message }, "asterisk change not applied; will retry");
          break; // Asterisk is unreachable or refuses: keep the order, retry later.
        }
      }
      return applied;
    },

    /** The latest change of each extension (what the table shows). */
    async statesOf(extensionIds: string[]): Promise<Map<string, ChangeState>> {
      const states = new Map<string, ChangeState>();
      if (extensionIds.length === 0 || mode === "none") return states;
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

    async stats() {
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
      return {
        mode,
        pendingChanges: count("pending"),
        failedChanges: count("failed"),
        lastError: last?.last_error ?? null,
      };
    },

    /** Changes that failed for good, or are still waiting after at least one failed attempt. */
    async recentFailures(limit = 10): Promise<AsteriskFailure[]> {
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
        extensionNumber: r.extension_number,
        status: r.status as "pending" | "failed",
        attempts: Number(r.attempts),
        lastError: r.last_error,
        createdAt: r.created_at,
      }));
    },

    /**
     * The retry loop (every server may run one: rows are claimed). Returns a stop function that also
     * waits for a round in progress, so nothing touches the database after shutdown closes it.
     */
    start(intervalMs = 5000): () => Promise<void> {
      if (mode === "none") return async () => undefined;
      let running: Promise<void> | null = null;
      const timer = setInterval(() => {
        if (running) return;
        running = sync
          .processPending()
          .then(() => undefined)
          .catch((err: unknown) => deps.log?.warn({ err: (err as Error).message }, "asterisk sync loop failed"))
          .finally(() => (running = null));
      }, intervalMs);
      timer.unref();
      return async () => {
        clearInterval(timer);
        await running;
      };
    },
  };
  return sync;
}
export type AsteriskSync = ReturnType<typeof createAsteriskSync>;
