import type { Kysely, Selectable } from "kysely";
import type { Database, JobsTable } from "../db/schema.js";
import { createLeaseTable } from "./lease-table.js";

export type JobRow = Selectable<JobsTable>;

/** The `jobs` table: its lease SQL (shared with the outbox) plus inserting and reading jobs. */
export function createJobsRepository(db: Kysely<Database>) {
  const leases = createLeaseTable(db, {
    table: "jobs",
    doneStatus: "succeeded",
    finishedColumn: "finished_at",
    maxAttempts: "column",
  });
  return {
    ...leases,

    async insert(row: JobRow): Promise<void> {
      await db.insertInto("jobs").values(row).execute();
    },

    /** Jobs of these kinds that failed for good or wait for a retry after a failure, newest first. */
    async recentFailures(kinds: readonly string[], limit: number): Promise<JobRow[]> {
      return db
        .selectFrom("jobs")
        .selectAll()
        .where("kind", "in", kinds)
        .where((eb) =>
          eb.or([
            eb("status", "=", "failed"),
            eb.and([eb("status", "=", "pending"), eb("last_error", "is not", null)]),
          ]),
        )
        .orderBy("created_at", "desc")
        .orderBy("id")
        .limit(limit)
        .execute();
    },

    /** The newest finished job of a kind (what the dashboard's component health shows). */
    async lastFinished(kind: string): Promise<JobRow | undefined> {
      return db
        .selectFrom("jobs")
        .selectAll()
        .where("kind", "=", kind)
        .where("finished_at", "is not", null)
        .orderBy("finished_at", "desc")
        .limit(1)
        .executeTakeFirst();
    },
  };
}
export type JobsRepository = ReturnType<typeof createJobsRepository>;
