import type { AsteriskFailure } from "@cisisk/contract";
import type { AsteriskManager, Technology } from "../../adapters/ami/asterisk-manager.js";
import type { AsteriskLine, SccpDevice } from "../../adapters/asterisk/asterisk-line.js";
import {
  removeSccpDevice,
  replaceRealtime,
  sccpDevicesWithLines,
  writeSccpDevice,
  type RealtimeDb,
} from "../../adapters/asterisk/realtime-writer.js";
import { inTransaction, type TxHandle } from "../../db/transaction.js";
import { UpstreamFailed } from "../../errors.js";
import type { Logger } from "../../logger.js";
import type { ReportFailure } from "../health/failures.js";
import { newId } from "../../lib/ids.js";
import { iso, type Clock } from "../../lib/time.js";
import { keepLeased } from "../../jobs/heartbeat.js";
import { createFilesApplier, SCCP_DEVICE } from "./asterisk-files.js";
import {
  createAsteriskChangesRepository,
  type AsteriskChangeRow,
  type AsteriskChangesRepository,
  type ChangeState,
} from "./asterisk-changes.repository.js";
import type { ExtensionRecord, ExtensionsRepository } from "./extensions.repository.js";

export type { ChangeState };

export type AsteriskMode = "none" | "realtime" | "files";

/** Files changes covered by one render and one reload: a whole CSV import (10,000 rows) at once. */
const FILES_BATCH = 20_000;

/** Realtime changes written in one transaction of a few multi-row statements per table. */
const REALTIME_BATCH = 500;

export interface AsteriskSyncDeps {
  changes: AsteriskChangesRepository;
  extensions: Pick<ExtensionsRepository, "findManyByIds" | "all">;
  mode: AsteriskMode;
  /** realtime: where Asterisk's tables are. */
  realtimeDb: (() => Promise<RealtimeDb>) | null;
  /** realtime: Asterisk's tables live in our database and are written in our transaction. */
  sameDatabase: boolean;
  configDir: string | null;
  manager: AsteriskManager | null;
  lineOf(record: ExtensionRecord): AsteriskLine;
  /** chan_sccp devices, owned by the phones' side: every SCCP phone's, or one by name (null once gone). */
  sccpDevices: { all(): Promise<SccpDevice[]>; byName(name: string): Promise<SccpDevice | null> };
  clock: Clock;
  maxAttempts?: number;
  /** How long a server may work on claimed changes without renewing its lease (its heartbeat). */
  leaseMs?: number;
  /** The wait before retry n after a failure. */
  backoffMs?: (attempt: number) => number;
  log: Logger;
  reportFailure: ReportFailure;
}

export interface ChangeRequest {
  extensionId: string;
  number: string;
  previousNumber: string | null;
  /** Technologies to rewrite or clear (the current one, plus the previous one when it changed). */
  technologies: Technology[];
  operation: "upsert" | "delete";
}

/** The Asterisk outbox: recorded with our own row, applied now or later by whichever server claims it. */
export function createAsteriskSync(deps: AsteriskSyncDeps) {
  const { changes, mode, clock } = deps;
  const serverId = newId();
  const maxAttempts = deps.maxAttempts ?? 50;
  const leaseMs = deps.leaseMs ?? 60_000;
  const backoffMs = deps.backoffMs ?? ((attempt: number) => Math.min(300_000, 5000 * 2 ** (attempt - 1)));
  const leaseEnd = () => iso(new Date(clock().getTime() + leaseMs));
  const sameDb = mode === "realtime" && deps.sameDatabase;
  const applyFiles = deps.configDir ? createFilesApplier({ ...deps, configDir: deps.configDir }) : null;

  /** A pending device change, in our outbox (`outbox`: the open transaction when Asterisk's tables are ours). */
  async function insertDeviceChange(outbox: AsteriskChangesRepository, ownerId: string, deviceName: string) {
    await outbox.insert({
      extension_id: ownerId,
      extension_number: deviceName,
      previous_number: null,
      technologies: SCCP_DEVICE,
      operation: "upsert",
      mode,
      created_at: iso(clock()),
      status: "pending",
      attempts: 0,
    });
  }

  /**
   * Extensions' changes, in one go: every number they name (before a rename or a technology change too) is
   * cleared, then each extension still there is written as it is now. Devices whose buttons named an SCCP
   * line are queued for the phones' side to rewrite: it reads committed rows, outside this transaction.
   */
  async function applyRealtime(
    target: RealtimeDb,
    rows: readonly Pick<AsteriskChangeRow, "extension_id" | "extension_number" | "previous_number" | "technologies">[],
    current: ReadonlyMap<string, ExtensionRecord>,
  ) {
    const removed = new Map<string, string[]>();
    const sccpNumbers = new Map<string, string>();
    for (const row of rows) {
      const numbers = [row.extension_number, ...(row.previous_number ? [row.previous_number] : [])];
      for (const tech of row.technologies.split(",")) {
        (removed.get(tech) ?? removed.set(tech, []).get(tech)!).push(...numbers);
        if (tech === "SCCP") for (const n of numbers) if (!sccpNumbers.has(n)) sccpNumbers.set(n, row.extension_id);
      }
    }
    const devices =
      sccpNumbers.size > 0 ? await sccpDevicesWithLines(target, [...sccpNumbers.keys()]) : new Map<string, string[]>();
    const ids = [...new Set(rows.map((r) => r.extension_id))];
    const lines = ids.flatMap((id) => {
      const record = current.get(id);
      return record ? [deps.lineOf(record)] : [];
    });
    await replaceRealtime(target, removed, lines);
    const outbox = sameDb ? createAsteriskChangesRepository(target as TxHandle) : changes;
    for (const [name, numbers] of devices) await insertDeviceChange(outbox, sccpNumbers.get(numbers[0]!)!, name);
  }

  /** The extensions as they are now, by id (those deleted since are missing). */
  async function currentOf(
    ids: readonly string[],
    find: (ids: string[]) => Promise<ExtensionRecord[]>,
  ): Promise<Map<string, ExtensionRecord>> {
    return new Map((await find([...new Set(ids)])).map((r) => [r.id, r]));
  }

  type Row = AsteriskChangeRow;

  /** Same database: Asterisk's tables change with ours or not at all (missing tables, wrong types…). */
  async function writeOwnTables(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      throw new UpstreamFailed(`Asterisk realtime tables could not be written: ${(err as Error).message}`);
    }
  }

  /**
   * Which changes go with a head: every files change after a files head (one render covers them); realtime
   * line changes after a realtime line change (one transaction), unless a batch just failed there, when the
   * rows up to its last one are retried one by one so the failing row is found and those before it applied.
   */
  let oneByOneUntil: string | number = -1;
  const batchLimit = (head: Row) =>
    head.mode === "files"
      ? FILES_BATCH
      : head.mode === "realtime" && head.technologies !== SCCP_DEVICE && Number(head.id) > Number(oneByOneUntil)
        ? REALTIME_BATCH
        : 1;
  const sameRun = (first: Row, next: Row) =>
    first.mode === next.mode && (first.mode === "files" || next.technologies !== SCCP_DEVICE);

  /** One realtime change, or a batch of files changes (one render and one reload per technology). */
  async function apply(batch: Row[]): Promise<void> {
    const first = batch[0]!;
    if (first.mode === "realtime") {
      if (!deps.realtimeDb) throw new Error("realtime_database_url is not configured");
      if (first.technologies === SCCP_DEVICE) {
        // A device row names the device (SEP<MAC>), not a line; the phones' side says what it is now.
        const name = first.extension_number;
        const device = await deps.sccpDevices.byName(name);
        await inTransaction(await deps.realtimeDb(), (trx) =>
          device ? writeSccpDevice(trx, device) : removeSccpDevice(trx, name),
        );
        return;
      }
      const current = await currentOf(
        batch.map((r) => r.extension_id),
        (ids) => deps.extensions.findManyByIds(ids),
      );
      await inTransaction(await deps.realtimeDb(), (trx) => applyRealtime(trx, batch, current));
      return;
    }
    if (first.mode === "files") {
      if (!applyFiles) throw new Error("[asterisk] config_dir is not configured");
      await applyFiles(batch);
    }
  }

  /** The outbox row of one requested change, as `record` and `recordMany` write it. */
  function outboxRow(change: ChangeRequest, now: string) {
    return {
      extension_id: change.extensionId,
      extension_number: change.number,
      previous_number: change.previousNumber,
      technologies: [...new Set(change.technologies)].join(","),
      operation: change.operation,
      mode,
      created_at: now,
    };
  }

  const sync = {
    mode,

    /**
     * Many new extensions' changes at once (a CSV import), inside its transaction: a few INSERTs into the
     * outbox, applied after the commit by one render and one reload (files) or a few multi-row statements per
     * 500 (realtime). Realtime in our own database writes the lines with their rows, the same way
     * (`current` is then asked for their state).
     */
    async recordMany(
      trx: TxHandle,
      requests: ChangeRequest[],
      current: (extensionIds: string[]) => Promise<ExtensionRecord[]>,
    ): Promise<void> {
      if (mode === "none") return;
      const now = iso(clock());
      const rows = requests.map((change) => outboxRow(change, now));
      if (sameDb) {
        for (let i = 0; i < rows.length; i += REALTIME_BATCH) {
          const chunk = rows.slice(i, i + REALTIME_BATCH);
          const lines = await currentOf(
            chunk.map((r) => r.extension_id),
            current,
          );
          await writeOwnTables(() => applyRealtime(trx, chunk, lines));
        }
        await createAsteriskChangesRepository(trx).insertMany(
          rows.map((row) => ({ ...row, status: "applied", attempts: 1, applied_at: now })),
        );
        return;
      }
      await createAsteriskChangesRepository(trx).insertMany(
        rows.map((row) => ({ ...row, status: "pending", attempts: 0 })),
      );
    },

    /** Called inside the transaction that writes our extension row. */
    async record(trx: TxHandle, change: ChangeRequest, current: ExtensionRecord | undefined): Promise<void> {
      if (mode === "none") return;
      const now = iso(clock());
      const row = outboxRow(change, now);
      if (sameDb) {
        await writeOwnTables(() => applyRealtime(trx, [row], new Map(current ? [[current.id, current]] : [])));
        await createAsteriskChangesRepository(trx).insert({ ...row, status: "applied", attempts: 1, applied_at: now });
        return;
      }
      await createAsteriskChangesRepository(trx).insert({ ...row, status: "pending", attempts: 0 });
    },

    /** Records that an SCCP phone's device changed (or is gone), then applies it like any change. */
    async recordDevice(phoneId: string, deviceName: string): Promise<void> {
      if (mode === "none") return;
      await insertDeviceChange(changes, phoneId, deviceName);
      await sync
        .processPending()
        .catch((error: unknown) => deps.reportFailure({ source: "asterisk_sync", subject: "outbox", error }));
    },

    /** Applies pending changes in id order until none is left or Asterisk fails; returns how many were applied. */
    async processPending(limit = 500): Promise<number> {
      if (mode === "none") return 0;
      let applied = 0;
      while (applied < limit) {
        // Files are rendered whole: every waiting files change in a row is covered by one render + reload;
        // realtime changes in a row are written together.
        const batch = await changes.claimHead(
          serverId,
          iso(clock()),
          leaseEnd(),
          (head) => Math.min(batchLimit(head), limit - applied),
          sameRun,
        );
        if (batch.length === 0) break;
        const stop = keepLeased(
          () =>
            changes.renewMany(
              batch.map((r) => r.id),
              serverId,
              leaseEnd(),
            ),
          Math.max(50, Math.floor(leaseMs / 3)),
          () => deps.log.warn({ changes: batch.map((r) => r.id) }, "asterisk changes: lease lost while applying"),
          (err) => deps.log.warn({ err: err.message }, "asterisk changes: lease renewal failed"),
        );
        try {
          await apply(batch);
          stop();
          await changes.completeMany(
            batch.map((r) => r.id),
            serverId,
            iso(clock()),
          );
          applied += batch.length;
        } catch (err) {
          stop();
          const message = ((err as Error).message || String(err)).slice(0, 1000);
          // One row of a realtime batch may be the cause: find it by applying the rows one by one, right now.
          const oneByOne = batch.length > 1 && batch[0]!.mode === "realtime";
          if (oneByOne) oneByOneUntil = batch.at(-1)!.id;
          for (const row of batch) {
            const final = row.attempts >= maxAttempts;
            await changes.release(
              row.id,
              serverId,
              message,
              final
                ? { final: true, at: iso(clock()) }
                : {
                    final: false,
                    runAfter: iso(new Date(clock().getTime() + (oneByOne ? 0 : backoffMs(row.attempts)))),
                  },
            );
          }
          deps.log.warn({ changes: batch.map((r) => r.id), err: message }, "asterisk change not applied; will retry");
          if (oneByOne) continue;
          break; // Asterisk is unreachable or refuses: keep the order, retry the head after its backoff.
        }
      }
      return applied;
    },

    /** The latest change of each extension (what the table shows). */
    async statesOf(extensionIds: string[]): Promise<Map<string, ChangeState>> {
      if (extensionIds.length === 0 || mode === "none") return new Map();
      return changes.statesOf(extensionIds);
    },

    async stats() {
      return { mode, ...(await changes.stats()) };
    },

    /** Changes that failed for good, or are still waiting after at least one failed attempt. */
    recentFailures: (limit = 10): Promise<AsteriskFailure[]> => changes.recentFailures(limit),

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
          .catch((error: unknown) => deps.reportFailure({ source: "asterisk_sync", subject: "outbox loop", error }))
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
