import type { Deployment, DeploymentBatch, DeployStep, ListQuery, RecentDeployment } from "@cisisk/contract";
import { sql, type Kysely, type Selectable } from "kysely";
import { inTransaction } from "../../db/transaction.js";
import type { Database, DeploymentsTable } from "../../db/schema.js";
import { applyPage, countOnce, finishPage, planPage } from "../../db/keyset.js";
import { parseSort } from "../../lib/list-query.js";

const sortColumns = { startedAt: "started_at", status: "status" } as const;

export interface DeploymentStart {
  id: string;
  kind: "deploy" | "rollback";
  batchId: string | null;
  profileId: string | null;
  profileName: string | null;
  phoneId: string | null;
  phoneMac: string;
  previousProfileId: string | null;
  status: "pending" | "running";
  startedAt: string;
}

export interface DeploymentEnd {
  status: "succeeded" | "failed";
  failedStep: string | null;
  detail: string | null;
  steps: DeployStep[];
  finishedAt: string;
  /** Bulk rows are inserted as pending; the final write fills in what the worker learnt. */
  phoneMac?: string;
  previousProfileId?: string | null;
  startedAt?: string;
}

export type DeploymentListQuery = ListQuery & {
  phoneId?: string | undefined;
  profileId?: string | undefined;
  batchId?: string | undefined;
  status?: string | undefined;
};

type DeploymentsDb = Kysely<Pick<Database, "deployments" | "deployment_batches">>;

export function createDeploymentsRepository(db: DeploymentsDb) {
  const toRow = (s: DeploymentStart) => ({
    id: s.id,
    kind: s.kind,
    batch_id: s.batchId,
    profile_id: s.profileId,
    profile_name: s.profileName,
    phone_id: s.phoneId,
    phone_mac: s.phoneMac,
    previous_profile_id: s.previousProfileId,
    status: s.status,
    failed_step: null,
    detail: null,
    steps: "[]",
    started_at: s.startedAt,
    finished_at: null,
  });

  return {
    async insert(s: DeploymentStart): Promise<void> {
      await db.insertInto("deployments").values(toRow(s)).execute();
    },

    async insertMany(rows: DeploymentStart[]): Promise<void> {
      for (let i = 0; i < rows.length; i += 200)
        await db
          .insertInto("deployments")
          .values(rows.slice(i, i + 200).map(toRow))
          .execute();
    },

    /** The one write per phone at the end of its deploy. */
    async finish(id: string, e: DeploymentEnd): Promise<void> {
      await db
        .updateTable("deployments")
        .set({
          status: e.status,
          failed_step: e.failedStep,
          current_step: null,
          detail: e.detail?.slice(0, 1000) ?? null,
          steps: JSON.stringify(e.steps),
          finished_at: e.finishedAt,
          ...(e.phoneMac !== undefined && { phone_mac: e.phoneMac }),
          ...(e.previousProfileId !== undefined && { previous_profile_id: e.previousProfileId }),
          ...(e.startedAt !== undefined && { started_at: e.startedAt }),
        })
        .where("id", "=", id)
        // A bulk row is fenced by its claim's start time: a server that lost the row to a retry writes nothing.
        .$if(e.startedAt !== undefined, (q) => q.where("started_at", "=", e.startedAt!))
        .execute();
    },

    /**
     * The final write of many bulk rows in one statement (a CASE per column, portable to the three engines),
     * each fenced by its claim's start time like `finish`.
     */
    async finishMany(rows: ReadonlyArray<{ id: string; startedAt: string; end: DeploymentEnd }>): Promise<void> {
      for (let i = 0; i < rows.length; i += 100) {
        const group = rows.slice(i, i + 100);
        // `undefined` keeps the column's value for that row.
        const byId = (column: string, value: (e: DeploymentEnd) => string | null | undefined) =>
          sql<string>`case id ${sql.join(
            group.map((r) => {
              const v = value(r.end);
              return sql`when ${r.id} then ${v === undefined ? sql.ref(column) : v}`;
            }),
            sql` `,
          )} end`;
        await db
          .updateTable("deployments")
          .set({
            status: byId("status", (e) => e.status),
            failed_step: byId("failed_step", (e) => e.failedStep),
            current_step: null,
            detail: byId("detail", (e) => e.detail?.slice(0, 1000) ?? null),
            steps: byId("steps", (e) => JSON.stringify(e.steps)),
            finished_at: byId("finished_at", (e) => e.finishedAt),
            previous_profile_id: byId("previous_profile_id", (e) => e.previousProfileId),
          })
          .where((eb) => eb.or(group.map((r) => eb.and([eb("id", "=", r.id), eb("started_at", "=", r.startedAt)]))))
          .execute();
      }
    },

    async findById(id: string): Promise<Deployment | undefined> {
      const r = await db.selectFrom("deployments").selectAll().where("id", "=", id).executeTakeFirst();
      return r && toDeployment(r);
    },

    async list(
      q: DeploymentListQuery,
    ): Promise<{ rows: Deployment[]; total: number; page: number; nextCursor: string | null }> {
      let base = db.selectFrom("deployments");
      if (q.phoneId) base = base.where("phone_id", "=", q.phoneId);
      if (q.profileId) base = base.where("profile_id", "=", q.profileId);
      if (q.batchId) base = base.where("batch_id", "=", q.batchId);
      if (q.status) base = base.where("status", "=", q.status);
      if (q.q) base = base.where("phone_mac", "like", `%${q.q.replace(/[^0-9A-Fa-f]/g, "").toUpperCase()}%`);
      const { column, direction } = parseSort(q.sort ?? "-startedAt", sortColumns, "startedAt");
      const plan = planPage(db, q, { keys: [{ ref: column }], id: "id", direction, sort: q.sort ?? "-startedAt" });
      const [rows, count] = await Promise.all([
        applyPage(base.selectAll(), plan).execute(),
        countOnce(plan, () => base.select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()),
      ]);
      const page = finishPage(rows, plan, Number(count.n));
      return { ...page, rows: page.rows.map(toDeployment), total: Number(count.n) };
    },

    async recent(limit: number): Promise<RecentDeployment[]> {
      const rows = await db
        .selectFrom("deployments")
        .selectAll()
        .orderBy("started_at", "desc")
        .orderBy("id")
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        profileName: r.profile_name ?? (r.kind === "rollback" ? "(rollback)" : ""),
        phoneMac: r.phone_mac,
        status: r.status === "pending" ? "running" : (r.status as RecentDeployment["status"]),
        failedStep: r.failed_step,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
      }));
    },

    /** The newest successful deploy of a phone: its previous profile is what a rollback returns to. */
    async lastSucceeded(phoneId: string): Promise<Deployment | undefined> {
      const r = await db
        .selectFrom("deployments")
        .selectAll()
        .where("phone_id", "=", phoneId)
        .where("kind", "=", "deploy")
        .where("status", "=", "succeeded")
        .orderBy("started_at", "desc")
        .limit(1)
        .executeTakeFirst();
      return r && toDeployment(r);
    },

    async findPrevious(id: string): Promise<string | null> {
      const r = await db
        .selectFrom("deployments")
        .select("previous_profile_id")
        .where("id", "=", id)
        .executeTakeFirst();
      return r?.previous_profile_id ?? null;
    },

    async insertBatch(b: { id: string; profileId: string; profileName: string; total: number; createdAt: string }) {
      await db
        .insertInto("deployment_batches")
        .values({
          id: b.id,
          profile_id: b.profileId,
          profile_name: b.profileName,
          total: b.total,
          created_at: b.createdAt,
          finished_at: null,
          status: "running",
          detail: null,
        })
        .execute();
    },

    /** Only a batch still running is finished: one already failed as abandoned stays failed. */
    async finishBatch(id: string, at: string): Promise<void> {
      await db
        .updateTable("deployment_batches")
        .set({ finished_at: at, status: "finished" })
        .where("id", "=", id)
        .where("status", "=", "running")
        .execute();
    },

    /**
     * Bulk rows start, entering their first step in the same write (the phones' FTP work comes next); their
     * claim is `startedAt`, which fences every later write. Pending rows are claimed; rows a stopped server
     * left running (`retry`) are taken again if it had not touched the phones' live config in a way a retry
     * could not repeat (it had not reached the restart), which fences the old server out. Returns the ids
     * claimed: not the rows that moved on (their batch was failed as abandoned, or another server has them).
     */
    async claimMany(
      rows: ReadonlyArray<{ id: string; retry?: boolean | undefined }>,
      startedAt: string,
      firstStep: string,
    ): Promise<Set<string>> {
      const pending = rows.filter((r) => !r.retry).map((r) => r.id);
      const retried = rows.filter((r) => r.retry).map((r) => r.id);
      let claimed = 0;
      if (pending.length > 0) {
        const r = await db
          .updateTable("deployments")
          .set({ status: "running", started_at: startedAt, current_step: firstStep })
          .where("id", "in", pending)
          .where("status", "=", "pending")
          .executeTakeFirst();
        claimed += Number(r.numUpdatedRows);
      }
      if (retried.length > 0) {
        const r = await db
          .updateTable("deployments")
          .set({ started_at: startedAt, current_step: firstStep, steps: "[]" })
          .where("id", "in", retried)
          .where("status", "=", "running")
          .where((eb) => eb.or([eb("current_step", "is", null), eb("current_step", "in", ["backup", "upload"])]))
          .executeTakeFirst();
        claimed += Number(r.numUpdatedRows);
      }
      const ids = rows.map((r) => r.id);
      if (claimed === ids.length) return new Set(ids);
      // Some were not ours to take: which rows carry this claim now (one read, only then).
      const ours = await db
        .selectFrom("deployments")
        .select("id")
        .where("id", "in", ids)
        .where("status", "=", "running")
        .where("started_at", "=", startedAt)
        .execute();
      return new Set(ours.map((r) => r.id));
    },

    /**
     * Bulk rows enter `stepName` with the steps done so far, in one write, each only while it is still its
     * claim's (`startedAt`) and running. Returns the ids entered: the others were taken over or failed.
     */
    async enterStepMany(
      stepName: string,
      rows: ReadonlyArray<{ id: string; startedAt: string; done: DeployStep[] }>,
    ): Promise<Set<string>> {
      const r = await db
        .updateTable("deployments")
        .set({
          current_step: stepName,
          steps: sql<string>`case id ${sql.join(
            rows.map((row) => sql`when ${row.id} then ${JSON.stringify(row.done)}`),
            sql` `,
          )} end`,
        })
        .where("status", "=", "running")
        .where((eb) => eb.or(rows.map((row) => eb.and([eb("id", "=", row.id), eb("started_at", "=", row.startedAt)]))))
        .executeTakeFirst();
      const ids = rows.map((row) => row.id);
      if (Number(r.numUpdatedRows) === rows.length) return new Set(ids);
      const now = await db
        .selectFrom("deployments")
        .select(["id", "started_at", "current_step"])
        .where("id", "in", ids)
        .where("status", "=", "running")
        .execute();
      const claimOf = new Map(rows.map((row) => [row.id, row.startedAt]));
      return new Set(
        now.filter((n) => n.current_step === stepName && claimOf.get(n.id) === n.started_at).map((n) => n.id),
      );
    },

    /** A bulk batch's rows not finished yet (what a server taking the batch over has left to do). */
    async unfinished(batchId: string) {
      return db
        .selectFrom("deployments")
        .select(["id", "phone_id", "status", "current_step"])
        .where("batch_id", "=", batchId)
        .where("status", "in", ["pending", "running"])
        .orderBy("phone_mac")
        .execute();
    },

    async batchRow(id: string) {
      return db
        .selectFrom("deployment_batches")
        .select(["profile_id", "status"])
        .where("id", "=", id)
        .executeTakeFirst();
    },

    /** Records the step a running single deploy enters and the steps done so far. */
    async enterStep(id: string, stepName: string, done: DeployStep[]): Promise<void> {
      await db
        .updateTable("deployments")
        .set({ current_step: stepName, steps: JSON.stringify(done) })
        .where("id", "=", id)
        .where("status", "=", "running")
        .execute();
    },

    /**
     * Fails a running batch whose server stopped, and its unfinished deployments at the step each was in.
     * Safe when several servers sweep at once: the batch changes in one conditional update.
     */
    async failBatch(id: string, at: string, detail: string, stepDetail: (step: string | null) => string) {
      return inTransaction(db, async (trx) => {
        const r = await trx
          .updateTable("deployment_batches")
          .set({ status: "failed", finished_at: at, detail })
          .where("id", "=", id)
          .where("status", "=", "running")
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return false;
        await trx
          .updateTable("deployments")
          .set({ status: "failed", failed_step: null, detail: stepDetail(null).slice(0, 1000), finished_at: at })
          .where("batch_id", "=", id)
          .where("status", "=", "pending")
          .execute();
        const steps = await trx
          .selectFrom("deployments")
          .select("current_step")
          .distinct()
          .where("batch_id", "=", id)
          .where("status", "=", "running")
          .execute();
        for (const { current_step: step } of steps)
          await failRunning(trx, at, step ?? null, stepDetail)
            .where("batch_id", "=", id)
            .execute();
        return true;
      });
    },

    /** Fails one running deployment whose server stopped, at the step it was in. */
    async failRunning(id: string, at: string, stepDetail: (step: string | null) => string): Promise<boolean> {
      const row = await db
        .selectFrom("deployments")
        .select("current_step")
        .where("id", "=", id)
        .where("status", "=", "running")
        .executeTakeFirst();
      if (!row) return false;
      const r = await failRunning(db, at, row.current_step ?? null, stepDetail)
        .where("id", "=", id)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async batch(id: string, withResults: boolean): Promise<DeploymentBatch | undefined> {
      const b = await db.selectFrom("deployment_batches").selectAll().where("id", "=", id).executeTakeFirst();
      if (!b) return undefined;
      const counts = await db
        .selectFrom("deployments")
        .select(["status", (eb) => eb.fn.countAll().as("n")])
        .where("batch_id", "=", id)
        .groupBy("status")
        .execute();
      const n = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
      const rows = withResults
        ? await db.selectFrom("deployments").selectAll().where("batch_id", "=", id).orderBy("phone_mac").execute()
        : [];
      return {
        id: b.id,
        profileId: b.profile_id,
        profileName: b.profile_name,
        status: b.status as DeploymentBatch["status"],
        detail: b.detail,
        total: Number(b.total),
        done: n("succeeded") + n("failed"),
        succeeded: n("succeeded"),
        failed: n("failed"),
        createdAt: b.created_at,
        finishedAt: b.finished_at,
        results: rows.map((r) => ({
          phoneId: r.phone_id ?? "",
          phoneMac: r.phone_mac || null,
          deploymentId: r.id,
          status: r.status as DeploymentBatch["results"][number]["status"],
          failedStep: r.failed_step,
          detail: r.detail,
        })),
      };
    },
  };
}
export type DeploymentsRepository = ReturnType<typeof createDeploymentsRepository>;

/** The update that fails running deployments that were in `step` (callers add which rows). */
function failRunning(db: DeploymentsDb, at: string, step: string | null, stepDetail: (step: string | null) => string) {
  return db
    .updateTable("deployments")
    .set({
      status: "failed",
      failed_step: step,
      detail: stepDetail(step).slice(0, 1000),
      finished_at: at,
      current_step: null,
    })
    .where("status", "=", "running")
    .where((eb) => (step ? eb("current_step", "=", step) : eb("current_step", "is", null)));
}

function toDeployment(r: Selectable<DeploymentsTable>): Deployment {
  return {
    id: r.id,
    kind: r.kind as Deployment["kind"],
    batchId: r.batch_id,
    profileId: r.profile_id,
    profileName: r.profile_name,
    phoneId: r.phone_id,
    phoneMac: r.phone_mac,
    status: r.status as Deployment["status"],
    failedStep: r.failed_step,
    steps: JSON.parse(r.steps) as DeployStep[],
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
