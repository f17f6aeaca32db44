import { newId } from "../lib/ids.js";
import { iso, type Clock } from "../lib/time.js";
import { keepLeased } from "./heartbeat.js";
import type { JobRow, JobsRepository } from "./jobs.repository.js";

export interface JobLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface Job {
  id: string;
  kind: string;
  subject: string | null;
  payload: unknown;
  /** This attempt's number, from 1. */
  attempt: number;
  maxAttempts: number;
}

export interface JobKind {
  /** Runs a queued job; a throw is retried with backoff until the last attempt, which fails it for good. */
  run?(job: Job): Promise<void>;
  /**
   * Called when a job of this kind fails for good: its last attempt threw, or the server holding it died
   * (the sweep). Must be idempotent: two servers sweeping at once may both call it.
   */
  onFailed?(job: Job, error: string): Promise<void>;
}

/** A job held by this server while it works synchronously (a deploy): renewed until finished. */
export interface HeldJob {
  readonly id: string;
  /** True once the lease was lost (this server stalled past the lease and the job was swept). */
  readonly lost: boolean;
  finish(outcome: { ok: true } | { ok: false; error: string }): Promise<void>;
}

export interface JobsDeps {
  repo: JobsRepository;
  clock: Clock;
  log: JobLog;
  /** How long a lease lasts without a heartbeat; heartbeats come every third of it. */
  leaseMs: number;
  /** Retry n waits min(maxBackoffMs, backoffMs · 2^(n-1)). */
  backoffMs: number;
  maxBackoffMs: number;
}

const ABANDONED = "abandoned: the server running it stopped";

/**
 * Work that must survive a server's death and may be done by any of several servers on one database:
 * claimed with a lease (a conditional UPDATE), kept by a heartbeat, retried with backoff, failed for good
 * after its last attempt, and swept (failed, with the kind's `onFailed`) when its server died holding it.
 */
export function createJobs(deps: JobsDeps) {
  const { repo, clock, log } = deps;
  /** This process: leases name it, so a restarted server does not mistake its predecessor's leases for its own. */
  const owner = newId();
  const kinds = new Map<string, JobKind>();
  const heartbeatMs = Math.max(50, Math.floor(deps.leaseMs / 3));
  const leaseEnd = () => iso(new Date(clock().getTime() + deps.leaseMs));

  const toJob = (r: JobRow): Job => ({
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    payload: JSON.parse(r.payload) as unknown,
    attempt: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
  });

  const heartbeat = (id: string, onLost: () => void) =>
    keepLeased(
      () => repo.renew(id, owner, leaseEnd()),
      heartbeatMs,
      onLost,
      (err) => log.warn({ job: id, err: err.message }, "job heartbeat failed"),
    );

  async function failedForGood(job: Job, error: string): Promise<void> {
    const handler = kinds.get(job.kind);
    log.error({ job: job.id, kind: job.kind, subject: job.subject, attempts: job.attempt, err: error }, "job failed");
    await handler?.onFailed?.(job, error);
  }

  async function runOne(row: JobRow): Promise<void> {
    const job = toJob(row);
    const handler = kinds.get(job.kind);
    const stop = heartbeat(job.id, () => log.warn({ job: job.id, kind: job.kind }, "job lease lost while running"));
    try {
      if (!handler?.run) throw new Error(`no handler runs jobs of kind ${job.kind}`);
      await handler.run(job);
      stop();
      await repo.complete(job.id, owner, iso(clock()));
    } catch (err) {
      stop();
      const error = ((err as Error).message || String(err)).slice(0, 1000);
      const final = job.attempt >= job.maxAttempts;
      const runAfter = iso(
        new Date(clock().getTime() + Math.min(deps.maxBackoffMs, deps.backoffMs * 2 ** (job.attempt - 1))),
      );
      const released = await repo.release(
        job.id,
        owner,
        error,
        final ? { final: true, at: iso(clock()) } : { final: false, runAfter },
      );
      if (!released) return;
      if (final) await failedForGood(job, error);
      else
        log.warn({ job: job.id, kind: job.kind, attempt: job.attempt, err: error, runAfter }, "job failed; will retry");
    }
  }

  const jobs = {
    owner,

    /** Declares what a kind of job does (deps.ts registers every kind once). */
    register(kind: string, handler: JobKind): void {
      kinds.set(kind, handler);
    },

    /** Queues a job for any server's loop; returns its id. */
    async enqueue(
      kind: string,
      payload: unknown,
      options: { subject?: string; maxAttempts: number; runAfter?: Date },
    ): Promise<string> {
      const id = newId();
      const now = iso(clock());
      await repo.insert({
        id,
        kind,
        subject: options.subject ?? null,
        payload: JSON.stringify(payload),
        status: "pending",
        attempts: 0,
        max_attempts: options.maxAttempts,
        run_after: options.runAfter ? iso(options.runAfter) : now,
        lease_owner: null,
        lease_until: null,
        last_error: null,
        created_at: now,
        finished_at: null,
      });
      return id;
    },

    /**
     * Records work this server does now (a deploy) as a job it already holds, renewed by a heartbeat. If the
     * server dies: with one attempt (the default) the sweep fails it and calls the kind's `onFailed`; with
     * `maxAttempts` > 1 another server's loop takes it over and calls the kind's `run` to finish it.
     */
    async hold(
      kind: string,
      subject: string,
      payload: unknown = {},
      options: { maxAttempts?: number } = {},
    ): Promise<HeldJob> {
      const id = newId();
      const now = iso(clock());
      await repo.insert({
        id,
        kind,
        subject,
        payload: JSON.stringify(payload),
        status: "pending",
        attempts: 1,
        max_attempts: options.maxAttempts ?? 1,
        run_after: now,
        lease_owner: owner,
        lease_until: leaseEnd(),
        last_error: null,
        created_at: now,
        finished_at: null,
      });
      let lost = false;
      const stop = heartbeat(id, () => {
        lost = true;
        log.warn(
          { job: id, kind, subject },
          "job lease lost: this server stalled past its lease and the job was swept",
        );
      });
      return {
        id,
        get lost() {
          return lost;
        },
        async finish(outcome) {
          stop();
          if (outcome.ok) await repo.complete(id, owner, iso(clock()));
          else await repo.release(id, owner, outcome.error, { final: true, at: iso(clock()) });
        },
      };
    },

    /** Runs due queued jobs one after the other; returns how many ran. */
    async runDue(limit = 20): Promise<number> {
      const runnable = [...kinds].filter(([, k]) => k.run).map(([name]) => name);
      if (runnable.length === 0) return 0;
      let ran = 0;
      while (ran < limit) {
        const row = await repo.claim(owner, iso(clock()), leaseEnd(), runnable);
        if (!row) break;
        await runOne(row);
        ran++;
      }
      return ran;
    },

    /**
     * Fails the jobs whose server died holding their last attempt (their lease ran out), after the kind's
     * `onFailed` has cleaned up; `only` narrows it to some kinds. Safe when several servers sweep at once.
     */
    async sweep(only?: readonly string[]): Promise<number> {
      const now = iso(clock());
      let failed = 0;
      for (const row of await repo.expired(now, only)) {
        const job = toJob(row);
        try {
          // One server wins the row, cleans up (the kind's onFailed) and fails it: the sweep runs once.
          if (!(await repo.takeExpired(job.id, owner, now, leaseEnd()))) continue;
          await failedForGood(job, ABANDONED);
          if (await repo.release(job.id, owner, ABANDONED, { final: true, at: now })) failed++;
        } catch (err) {
          log.error({ job: job.id, kind: job.kind, err: (err as Error).message }, "sweeping an abandoned job failed");
        }
      }
      return failed;
    },

    recentFailures: (only: readonly string[], limit: number) => repo.recentFailures(only, limit),
    lastFinished: (kind: string) => repo.lastFinished(kind),

    /** The loop every server runs: sweep, then run what is due. Returns a stop function. */
    start(intervalMs: number): () => void {
      let running = false;
      const tick = () => {
        if (running) return;
        running = true;
        jobs
          .sweep()
          .then(() => jobs.runDue())
          .catch((err: unknown) => log.error({ err: (err as Error).message }, "job loop failed"))
          .finally(() => (running = false));
      };
      const timer = setInterval(tick, intervalMs);
      timer.unref();
      tick();
      return () => clearInterval(timer);
    },
  };
  return jobs;
}
export type Jobs = ReturnType<typeof createJobs>;
