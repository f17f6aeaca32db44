import type {
  Deployment,
  DeploymentBatch,
  DeployStep,
  ListResponse,
  Phone,
  Profile,
  RecentDeployment,
} from "@cisisk/contract";
import type { PhoneFiles } from "../../adapters/ftp/ftp-files.js";
import { Conflict, NotFound, UpstreamFailed, ValidationFailed } from "../../errors.js";
import { newId } from "../../lib/ids.js";
import { iso, type Clock } from "../../lib/time.js";
import type { ReportFailure } from "../health/failures.js";
import type { HeldJob, Jobs } from "../../jobs/jobs.service.js";
import type { PhoneSessionsService } from "../phone-sessions/phone-sessions.service.js";
import type { PhonesService } from "../phones/phones.service.js";
import type { ProfilesService } from "../profiles/profiles.service.js";
import type { VendorDrivers } from "../../vendors/vendor-driver.js";
import { createBatchLoader } from "../../lib/batch-loader.js";
import { createBatchedWrites } from "./batched-writes.js";
import { createBulkClaims } from "./bulk-claims.js";
import type { DeploymentListQuery, DeploymentsRepository } from "./deployments.repository.js";

/** The pipeline's own settings; how a phone is restarted is its vendor driver's business. */
export interface DeploySettings {
  keepBackups: number;
  /** Phones deployed at once in a bulk deploy. */
  concurrency: number;
  /** The job lease (for the message of an abandoned deploy: how long its server was silent). */
  leaseMs: number;
}

export interface DeploymentsServiceDeps {
  repo: DeploymentsRepository;
  phones: PhonesService;
  profiles: ProfilesService;
  phoneSessions: PhoneSessionsService;
  files: PhoneFiles;
  /** One driver per phone vendor: the phone's file name and its restart. */
  vendors: VendorDrivers;
  settings: DeploySettings;
  /** Deploys are jobs this server holds while it runs them; the sweep fails those whose server died. */
  jobs: Pick<Jobs, "hold" | "sweep" | "register">;
  clock: Clock;
  /** Records the FTP server's health for the dashboard (component `ftp`). */
  recordFtp: (ok: boolean, error: string | null) => Promise<void>;
  /** Failures of background bulk deploys (never with secrets): logged and shown on the dashboard. */
  reportFailure: ReportFailure;
}

/** Job kinds: a single deploy (subject: the deployment) and a bulk deploy (subject: the batch). */
export const DEPLOY_JOB = "deploy";
export const BATCH_JOB = "deploy_batch";
/** A batch whose server died is taken over by another server's job loop, up to this many servers in all. */
const BATCH_ATTEMPTS = 3;
/** Bulk rows are recorded per this many phones or this often: the progress a reader sees, which the events stream polls every 250 ms. */
const OUTCOME_GROUPS = { size: 100, delayMs: 250 };

/** How long a bulk phone that reached its restart waits for others to enter theirs in the same write. */
const RESTART_GATHER_MS = 5;

/** A bulk row another server took over (this one stalled past its lease): this server stops on it at once. */
class LostClaim extends Error {
  constructor() {
    super("another server took this deployment over");
  }
}

const ABANDONED = "abandoned: the server running it stopped";
/** What an abandoned deployment left on the phones' file server, by the step it was in. */
function abandonedDetail(step: string | null, silentFor: string): string {
  // A bulk phone is in "backup" through all its FTP work: its upload has no write of its own.
  if (step === "backup" || step === "upload")
    return (
      `${ABANDONED} (${silentFor}) during ${step === "backup" ? "backup or upload" : step}. The backup step moves the live file to the backup folder before the new one is ` +
      "renamed into place, so the phone's file server may hold no config for it now: check GET /phones/:id/config " +
      "and restore the previous one with POST /phones/:id/rollback, or deploy again"
    );
  if (step === "restart" || step === "clear_session")
    return `${ABANDONED} (${silentFor}) during ${step}: the new config is on the file server, but the phone may not have been restarted`;
  return `${ABANDONED} (${silentFor}) before this phone's deploy began: its config on the file server was not touched`;
}

export function createDeploymentsService(deps: DeploymentsServiceDeps) {
  const { repo, clock, settings } = deps;
  const silentFor = `no heartbeat for ${Math.round(settings.leaseMs / 1000)} s`;

  // What the sweep does with a deploy whose server died holding it.
  deps.jobs.register(DEPLOY_JOB, {
    async onFailed(job) {
      if (job.subject) await repo.failRunning(job.subject, iso(clock()), (step) => abandonedDetail(step, silentFor));
    },
  });
  deps.jobs.register(BATCH_JOB, {
    // The server running the batch died: this one finishes it.
    async run(job) {
      if (job.subject) await resumeBatch(job.subject);
    },
    async onFailed(job) {
      if (!job.subject) return;
      await repo.failBatch(
        job.subject,
        iso(clock()),
        `${ABANDONED}: ${silentFor}. Phones not reached keep their previous config; see each phone's result`,
        (step) => abandonedDetail(step, silentFor),
      );
    },
  });

  /**
   * Fails the single deploys whose server stopped (and batches no server could finish); every reader calls
   * it, so no server loop has to be alive to notice.
   */
  const failAbandoned = () => deps.jobs.sweep([DEPLOY_JOB, BATCH_JOB]);

  /** The runs of the bulk deploys started here, until they end. */
  const started = new Set<Promise<void>>();

  /** Bulk deploys record the step each phone enters (keyed by the pipeline's step list). */
  const onStepOf = new WeakMap<DeployStep[], (name: string, done: DeployStep[]) => Promise<void>>();

  /**
   * Runs one step and records it; a thrown error becomes a failed step with the error's message. The step is
   * recorded as entered before it runs ("before"), while it runs ("alongside": a step whose abandonment
   * reads like the one before it, so the FTP connection it holds does not wait for the database), or was
   * recorded by the caller ("recorded").
   */
  async function step(
    steps: DeployStep[],
    name: DeployStep["name"],
    fn: () => Promise<{ ok: boolean; detail: string | null }>,
    record: "before" | "alongside" | "recorded" = "before",
  ): Promise<boolean> {
    const hook = record === "recorded" ? undefined : onStepOf.get(steps);
    let entering: Promise<void> | undefined;
    if (hook && record === "before") await hook(name, [...steps]);
    else if (hook) {
      entering = hook(name, [...steps]);
      entering.catch(() => undefined);
    }
    const startedAt = iso(clock());
    let result: { ok: boolean; detail: string | null };
    try {
      result = await fn();
    } catch (error) {
      result = { ok: false, detail: (error as Error).message };
    }
    await entering;
    steps.push({
      name,
      status: result.ok ? "succeeded" : "failed",
      detail: result.detail,
      startedAt,
      finishedAt: iso(clock()),
    });
    return result.ok;
  }

  /** The vendor's driver, or why there is none (a deploy fails at the step that needs it). */
  function driverOf(phone: Phone) {
    const driver = deps.vendors.driverFor(phone);
    if (!driver) throw new Conflict(`no phone vendor driver serves the model ${phone.model}`, { phoneId: phone.id });
    return driver;
  }

  async function restart(phone: Phone, primaryLine: string | undefined): Promise<{ ok: boolean; detail: string }> {
    return driverOf(phone).restart(phone, primaryLine ? [{ number: primaryLine }] : []);
  }

  async function restartAndClear(steps: DeployStep[], phone: Phone, primaryLine: string | undefined): Promise<boolean> {
    if (!(await step(steps, "restart", () => restart(phone, primaryLine)))) return false;
    // Not recorded as entered: a server dying here leaves the row "in restart", which is read the same way
    // (the config is in place, the phone may or may not have restarted; never deployed again).
    return step(
      steps,
      "clear_session",
      async () => {
        const ended = await deps.phoneSessions.end(phone.mac);
        return { ok: true, detail: ended ? "service session ended" : "no service session was open" };
      },
      "recorded",
    );
  }

  /**
   * The pipeline for one phone; never throws for a peer's failure (it is recorded on the step). A bulk deploy
   * ends the phones' service sessions itself, in groups (`clearSession` false).
   */
  async function pipeline(
    phone: Phone,
    xml: string,
    primaryLine: string | undefined,
    onStep?: (name: string, done: DeployStep[]) => Promise<void>,
    clearSession = true,
  ): Promise<DeployStep[]> {
    const steps: DeployStep[] = [];
    if (onStep) onStepOf.set(steps, onStep);
    const file = driverOf(phone).configFile(phone);
    const content = Buffer.from(xml, "utf8");
    let uploaded = false;
    // The backup step is recorded before an FTP connection is taken, not while holding one.
    await onStep?.("backup", []);
    try {
      uploaded = await deps.files.session(async (ftp) => {
        let backupName: string | null = null;
        const backedUp = await step(
          steps,
          "backup",
          async () => {
            backupName = await ftp.backup(file);
            if (!backupName) return { ok: true, detail: `no ${file} on the server yet: nothing to back up` };
            return { ok: true, detail: `${file} moved to backup ${backupName}` };
          },
          "recorded",
        );
        if (!backedUp) return false;
        return step(
          steps,
          "upload",
          async () => {
            try {
              await ftp.upload(file, content);
              // Old backups go only once the new file is in place, so a failed upload never costs one.
              const pruned = backupName ? await ftp.prune(file, settings.keepBackups) : 0;
              return {
                ok: true,
                detail: `${content.length} bytes written to ${file} and verified${pruned ? `; ${pruned} old backup(s) deleted` : ""}`,
              };
            } catch (error) {
              if (!backupName) return { ok: false, detail: (error as Error).message };
              // Put the phone's old file back, on a fresh connection if this one broke mid-transfer.
              const restoreWith = async () => {
                try {
                  await ftp.restore(file, backupName!);
                } catch {
                  await deps.files.session(async (again) => {
                    await again.discardTemp(file);
                    await again.restore(file, backupName!);
                  });
                }
              };
              try {
                await restoreWith();
                return { ok: false, detail: `${(error as Error).message}; the previous ${file} was restored` };
              } catch (restoreError) {
                return {
                  ok: false,
                  detail: `${(error as Error).message}; restoring the backup failed too: ${(restoreError as Error).message}`,
                };
              }
            }
          },
          "alongside",
        );
      });
    } catch (error) {
      if (error instanceof LostClaim) throw error;
      // The session itself failed (no FTP configured, connection refused): recorded as the backup step.
      if (deps.files.configured)
        await deps
          .recordFtp(false, (error as Error).message)
          .catch((err: unknown) => deps.reportFailure({ source: "component_status", subject: "ftp", error: err }));
      if (steps.length === 0) {
        const at = iso(clock());
        steps.push({
          name: "backup",
          status: "failed",
          detail: (error as Error).message,
          startedAt: at,
          finishedAt: at,
        });
      }
      return steps;
    }
    if (!uploaded) return steps;
    if (clearSession) await restartAndClear(steps, phone, primaryLine);
    else await step(steps, "restart", () => restart(phone, primaryLine));
    return steps;
  }

  function outcome(steps: DeployStep[]) {
    const failed = steps.find((s) => s.status === "failed");
    return {
      status: failed ? ("failed" as const) : ("succeeded" as const),
      failedStep: failed?.name ?? null,
      detail: failed?.detail ?? null,
    };
  }

  async function deployPrepared(
    profile: Profile,
    phone: Phone,
    xml: string,
    primaryLine: string | undefined,
    onStep?: (name: string, done: DeployStep[]) => Promise<void>,
  ) {
    const steps = await pipeline(phone, xml, primaryLine, onStep);
    const result = outcome(steps);
    if (result.status === "succeeded") await deps.phones.setCurrentProfile(phone.id, profile.id);
    return { steps, result };
  }

  async function getOrThrow(id: string): Promise<Deployment> {
    const d = await repo.findById(id);
    if (!d) throw new NotFound("deployment", { id });
    return d;
  }

  interface BatchRow {
    phoneId: string;
    deploymentId: string;
    /** Left running by a server that died before the phone's restart: deployed again. */
    retry?: boolean;
  }

  /** A bulk row's end, handed from its worker to the batched writes. */
  interface BulkOutcome {
    row: BatchRow;
    phone: Phone | undefined;
    startedAt: string;
    steps: DeployStep[];
    /** Why the deploy failed before its pipeline ran (phone gone, incompatible, not renderable). */
    early?: { failedStep: string; detail: string };
  }

  /**
   * Records a group of finished bulk rows in a few statements: the service sessions of the phones that were
   * restarted end (the clear_session step), the deployed phones get the profile, every row gets its end.
   * A server dying before this leaves its rows in "restart", which a takeover fails, never redeploys.
   */
  async function recordOutcomes(profile: Profile, group: BulkOutcome[]): Promise<void> {
    const restarted = group.filter((o) => o.steps.some((s) => s.name === "restart" && s.status === "succeeded"));
    if (restarted.length > 0) {
      const startedAt = iso(clock());
      let ended: Set<string> | Error;
      try {
        ended = await deps.phoneSessions.endMany(restarted.map((o) => o.phone!.mac));
      } catch (error) {
        ended = error as Error;
      }
      const finishedAt = iso(clock());
      for (const o of restarted)
        o.steps.push({
          name: "clear_session",
          ...(ended instanceof Error
            ? { status: "failed", detail: ended.message }
            : {
                status: "succeeded",
                detail: ended.has(o.phone!.mac) ? "service session ended" : "no service session was open",
              }),
          startedAt,
          finishedAt,
        });
    }
    const ends = group.map((o) => ({
      o,
      result: o.early ? { status: "failed" as const, ...o.early } : outcome(o.steps),
    }));
    await deps.phones.setCurrentProfileMany(
      ends.filter((e) => e.result.status === "succeeded").map((e) => e.o.phone!.id),
      profile.id,
    );
    const finishedAt = iso(clock());
    await repo.finishMany(
      ends.map(({ o, result }) => ({
        id: o.row.deploymentId,
        startedAt: o.startedAt,
        end: {
          ...result,
          steps: o.steps,
          finishedAt,
          ...(o.phone && { previousProfileId: o.phone.currentProfileId }),
        },
      })),
    );
  }

  /**
   * Deploys a batch's rows with bounded concurrency; each row is claimed first (ahead, in chunks), so no phone
   * is deployed twice. Per phone on the worker's path: the render, the FTP work, the restart step's entry
   * (written for the phones that reach it together), the restart. The rest is recorded in groups.
   */
  async function deployRows(
    profile: Profile,
    rows: BatchRow[],
    phones: Map<string, Phone>,
    lost: () => boolean,
  ): Promise<number> {
    let uploads = 0;
    const outcomes = createBatchedWrites<BulkOutcome>((group) => recordOutcomes(profile, group), OUTCOME_GROUPS);
    const render = deps.profiles.deployRenderer(profile);
    const claims = createBulkClaims(
      rows,
      async (chunk) => {
        const startedAt = iso(clock());
        // The claim enters the backup step: the FTP work (backup, then upload) needs no write of its own.
        const ours = await repo.claimMany(
          chunk.map((r) => ({ id: r.deploymentId, retry: r.retry })),
          startedAt,
          "backup",
        );
        return chunk.filter((r) => ours.has(r.deploymentId)).map((row) => ({ row, startedAt }));
      },
      { chunk: settings.concurrency * 2, lowWater: settings.concurrency, lost },
    );
    // The restart is entered before the phone is sent it, so a server taking the batch over never sends a
    // second one; phones reaching it together share the write. False: the row is not this claim's any more.
    const enterRestart = createBatchLoader<{ id: string; startedAt: string; done: DeployStep[] }, boolean>(
      async (entries) => {
        const entered = await repo.enterStepMany("restart", entries);
        return new Map(entries.map((e) => [e, entered.has(e.id)]));
      },
      // A phone waits at most RESTART_GATHER_MS for others to share the write, no more than half the
      // workers wait so (the rest keep the FTP connections busy meanwhile).
      {
        maxBatch: 100,
        maxInFlight: 1,
        gather: { ms: RESTART_GATHER_MS, size: Math.max(1, Math.floor(settings.concurrency / 2)) },
      },
    );
    const worker = async () => {
      for (let claimed = await claims.take(); claimed; claimed = await claims.take()) {
        const { row, startedAt } = claimed;
        const phone = phones.get(row.phoneId);
        try {
          if (!phone) throw new NotFound("phone", { id: row.phoneId });
          const { xml, lines } = await render(phone);
          const steps = await pipeline(
            phone,
            xml,
            lines[0]?.number,
            async (name, done) => {
              if (name === "restart" && !(await enterRestart({ id: row.deploymentId, startedAt, done })))
                throw new LostClaim();
            },
            false,
          );
          if (steps.some((s) => s.name === "upload" && s.status === "succeeded")) uploads++;
          outcomes.add({ row, phone, startedAt, steps });
        } catch (error) {
          if (error instanceof LostClaim) continue;
          const failedStep =
            error instanceof Conflict ? "compatibility" : error instanceof NotFound ? "phone" : "render";
          outcomes.add({ row, phone, startedAt, steps: [], early: { failedStep, detail: (error as Error).message } });
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(settings.concurrency, rows.length) }, worker));
    } finally {
      await outcomes.drain();
    }
    return uploads;
  }

  async function runBatch(
    held: HeldJob,
    batchId: string,
    profile: Profile,
    rows: BatchRow[],
    phones: Map<string, Phone>,
  ) {
    let uploads;
    try {
      uploads = await deployRows(profile, rows, phones, () => held.lost);
      if (!held.lost) await repo.finishBatch(batchId, iso(clock()));
      await held.finish({ ok: true });
    } catch (error) {
      await held.finish({ ok: false, error: (error as Error).message });
      throw error;
    }
    if (uploads > 0) await deps.recordFtp(true, null);
  }

  /**
   * Finishes a batch whose server died (this server's job loop leased its job): rows it had not started are
   * deployed; rows it was in the middle of are deployed again if it had not reached the phone's restart
   * (the live config was at most moved to the backups), else failed as abandoned (the phone may have had
   * its NOTIFY, and must not get a second one). A throw is retried by the job loop, then fails the batch.
   */
  async function resumeBatch(batchId: string): Promise<void> {
    const batch = await repo.batchRow(batchId);
    if (batch?.status !== "running") return;
    const profile = await deps.profiles.get(batch.profile_id);
    const rows: BatchRow[] = [];
    for (const r of await repo.unfinished(batchId)) {
      if (r.status === "running" && (r.current_step === "restart" || r.current_step === "clear_session"))
        await repo.failRunning(r.id, iso(clock()), (step) => abandonedDetail(step, silentFor));
      // A phone deleted meanwhile (no phone_id) fails its row at the "phone" step.
      else rows.push({ phoneId: r.phone_id ?? "", deploymentId: r.id, retry: r.status === "running" });
    }
    const found = await deps.phones.findManyByIds([...new Set(rows.map((r) => r.phoneId))]);
    const uploads = await deployRows(profile, rows, new Map(found.map((p) => [p.id, p])), () => false);
    await repo.finishBatch(batchId, iso(clock()));
    if (uploads > 0) await deps.recordFtp(true, null);
  }

  return {
    /** POST /profiles/:id/deploy: one phone, synchronously; 409 when incompatible. */
    async deploy(profileId: string, phoneId: string): Promise<Deployment> {
      const [profile, phone] = await Promise.all([deps.profiles.get(profileId), deps.phones.get(phoneId)]);
      const { xml, lines } = await deps.profiles.renderForDeploy(profile, phone);
      const id = newId();
      await repo.insert({
        id,
        kind: "deploy",
        batchId: null,
        profileId: profile.id,
        profileName: profile.name,
        phoneId: phone.id,
        phoneMac: phone.mac,
        previousProfileId: phone.currentProfileId,
        status: "running",
        startedAt: iso(clock()),
      });
      // Held as a job: if this server dies mid-deploy, the sweep fails the deployment at the step it was in.
      const held = await deps.jobs.hold(DEPLOY_JOB, id);
      let steps: DeployStep[];
      try {
        const done = await deployPrepared(profile, phone, xml, lines[0]?.number, async (name, sofar) => {
          await repo.enterStep(id, name, sofar);
        });
        steps = done.steps;
        await repo.finish(id, { ...done.result, steps, finishedAt: iso(clock()) });
        await held.finish({ ok: true });
      } catch (error) {
        await held.finish({ ok: false, error: (error as Error).message });
        throw error;
      }
      if (steps.some((s) => s.name === "upload" && s.status === "succeeded")) await deps.recordFtp(true, null);
      return getOrThrow(id);
    },

    /** POST /deployments: many phones in the background, bounded concurrency; progress is read from the DB. */
    async startBatch(profileId: string, phoneIds: string[]): Promise<DeploymentBatch> {
      const profile = await deps.profiles.get(profileId);
      const unique = [...new Set(phoneIds)];
      const found = await deps.phones.findManyByIds(unique);
      const byId = new Map(found.map((p) => [p.id, p]));
      const missing = unique.filter((id) => !byId.has(id));
      if (missing.length)
        throw new ValidationFailed(
          `${missing.length} phone(s) do not exist`,
          missing.slice(0, 20).map((id) => ({ path: "body.phoneIds", message: `no phone ${id}` })),
        );
      const batchId = newId();
      const now = iso(clock());
      await repo.insertBatch({
        id: batchId,
        profileId: profile.id,
        profileName: profile.name,
        total: unique.length,
        createdAt: now,
      });
      const jobs = unique.map((phoneId) => ({ phoneId, deploymentId: newId() }));
      await repo.insertMany(
        jobs.map((j) => ({
          id: j.deploymentId,
          kind: "deploy" as const,
          batchId,
          profileId: profile.id,
          profileName: profile.name,
          phoneId: j.phoneId,
          phoneMac: byId.get(j.phoneId)!.mac,
          previousProfileId: byId.get(j.phoneId)!.currentProfileId,
          status: "pending" as const,
          startedAt: now,
        })),
      );
      const held = await deps.jobs.hold(BATCH_JOB, batchId, {}, { maxAttempts: BATCH_ATTEMPTS });
      const run = runBatch(held, batchId, profile, jobs, byId).catch((error: unknown) =>
        deps.reportFailure({ source: "bulk_deploy", subject: `batch ${batchId}`, error }),
      );
      started.add(run);
      void run.finally(() => started.delete(run));
      return (await repo.batch(batchId, true))!;
    },

    /**
     * Resolves once the bulk deploys started on this server have ended, their last writes (the job's end,
     * the FTP health) included: a batch reads as finished a moment before.
     */
    async settled(): Promise<void> {
      await Promise.all(started);
    },

    async batch(id: string, withResults = true): Promise<DeploymentBatch> {
      await failAbandoned();
      const b = await repo.batch(id, withResults);
      if (!b) throw new NotFound("deployment batch", { id });
      return b;
    },

    /** POST /phones/:id/rollback: the newest backup becomes the live file again, then restart + clear session. */
    async rollback(phoneId: string): Promise<Deployment> {
      const phone = await deps.phones.get(phoneId);
      const file = driverOf(phone).configFile(phone);
      const last = await repo.lastSucceeded(phone.id);
      const id = newId();
      const startedAt = iso(clock());
      const steps: DeployStep[] = [];
      let restored = false;
      try {
        restored = await deps.files.session(async (ftp) => {
          const newest = await ftp.newestBackup(file);
          if (!newest) throw new Conflict(`there is no backup of ${file} to roll back to`, { phoneId });
          return step(steps, "restore", async () => {
            await ftp.restore(file, newest);
            return { ok: true, detail: `backup ${newest} restored as ${file}` };
          });
        });
      } catch (error) {
        if (error instanceof Conflict) throw error;
        throw new UpstreamFailed(`rollback failed: ${(error as Error).message}`);
      }
      if (restored) await restartAndClear(steps, phone, undefined);
      const result = outcome(steps);
      await repo.insert({
        id,
        kind: "rollback",
        batchId: null,
        profileId: last?.profileId ?? null,
        profileName: last?.profileName ?? null,
        phoneId: phone.id,
        phoneMac: phone.mac,
        previousProfileId: phone.currentProfileId,
        status: "running",
        startedAt,
      });
      await repo.finish(id, { ...result, steps, finishedAt: iso(clock()) });
      // The file on the phone's server is the old one again, whatever the restart said.
      if (restored) {
        const previous = last ? await repo.findPrevious(last.id) : null;
        await deps.phones.setCurrentProfile(phone.id, previous);
      }
      return getOrThrow(id);
    },

    /** GET /phones/:id/config: what is on the phones' file server now. */
    async currentConfig(phoneId: string): Promise<string> {
      const phone = await deps.phones.get(phoneId);
      let content: Buffer | null;
      try {
        content = await deps.files.session((ftp) => ftp.read(driverOf(phone).configFile(phone)));
      } catch (error) {
        throw new UpstreamFailed(`reading the config failed: ${(error as Error).message}`);
      }
      if (!content) throw new NotFound("deployed config", { phoneId, file: driverOf(phone).configFile(phone) });
      return content.toString("utf8");
    },

    async list(q: DeploymentListQuery): Promise<ListResponse<Deployment>> {
      await failAbandoned();
      const { rows, total, page, nextCursor } = await repo.list(q);
      return { data: rows, total, page, pageSize: q.pageSize, nextCursor };
    },
    async get(id: string): Promise<Deployment> {
      await failAbandoned();
      return getOrThrow(id);
    },
    /** Start-up sweep (and any caller): fails bulk deploys whose server stopped; returns how many. */
    failAbandoned,

    /** For the dashboard. */
    async recent(limit: number): Promise<RecentDeployment[]> {
      await failAbandoned();
      return repo.recent(limit);
    },
  };
}
export type DeploymentsService = ReturnType<typeof createDeploymentsService>;
