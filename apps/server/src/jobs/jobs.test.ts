import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/connect.js";
import { createTestDatabase } from "../test/test-database.js";
import { createJobsRepository } from "./jobs.repository.js";
import { createJobs, type Job } from "./jobs.service.js";

// The job helper on the real database: several "servers" (helpers with their own owner id) on one table.
let db: Db;
let now = new Date("2026-01-01T00:00:00.000Z");
const clock = () => now;
const advance = (ms: number) => (now = new Date(now.getTime() + ms));
const log = { warn: () => undefined, error: () => undefined };

const server = (leaseMs = 10_000) =>
  createJobs({ repo: createJobsRepository(db.kysely), clock, log, leaseMs, backoffMs: 1000, maxBackoffMs: 4000 });

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.close());

const job = (id: string) => db.kysely.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

describe("jobs", () => {
  it("runs each queued job once when four servers claim in parallel", async () => {
    const servers = [server(), server(), server(), server()];
    const ran: string[] = [];
    for (const s of servers)
      s.register("count", {
        async run(j) {
          ran.push((j.payload as { n: string }).n);
        },
      });
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => servers[0]!.enqueue("count", { n: `n${i}` }, { maxAttempts: 3 })),
    );
    const counts = await Promise.all(servers.map((s) => s.runDue(100)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(20);
    expect(ran.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`).sort());
    for (const id of ids) expect(await job(id)).toMatchObject({ status: "succeeded", attempts: 1, lease_owner: null });
  });

  it("retries with growing backoff, then fails for good and calls onFailed once", async () => {
    const s = server();
    const failed: Array<[Job, string]> = [];
    s.register("flaky", {
      async run() {
        throw new Error("peer refused");
      },
      async onFailed(j, error) {
        failed.push([j, error]);
      },
    });
    const id = await s.enqueue("flaky", {}, { maxAttempts: 3 });
    expect(await s.runDue()).toBe(1);
    const first = await job(id);
    expect(first).toMatchObject({ status: "pending", attempts: 1, last_error: "peer refused" });
    expect(new Date(first.run_after).getTime() - now.getTime()).toBe(1000);
    // Not due yet: nothing runs.
    expect(await s.runDue()).toBe(0);
    advance(1000);
    expect(await s.runDue()).toBe(1);
    expect(new Date((await job(id)).run_after).getTime() - now.getTime()).toBe(2000);
    advance(2000);
    expect(await s.runDue()).toBe(1);
    expect(await job(id)).toMatchObject({ status: "failed", attempts: 3, last_error: "peer refused" });
    expect(failed).toHaveLength(1);
    expect(failed[0]![1]).toBe("peer refused");
    advance(60_000);
    expect(await s.runDue()).toBe(0);
  });

  it("a held job whose server died is swept once, by one of two sweeping servers", async () => {
    const dead = server(5000);
    const abandoned: string[] = [];
    const sweepers = [server(), server()];
    for (const s of sweepers)
      s.register("work", {
        async onFailed(j) {
          abandoned.push(j.subject!);
        },
      });
    const held = await dead.hold("work", "subject-1");
    // The dead server's lease is still running: nothing to sweep.
    expect(await sweepers[0]!.sweep()).toBe(0);
    advance(5001);
    const swept = await Promise.all(sweepers.map((s) => s.sweep(["work"])));
    expect(swept.reduce((a, b) => a + b, 0)).toBe(1);
    // The clean-up ran once: the sweeper that won the row did it, the other saw it taken.
    expect(abandoned).toEqual(["subject-1"]);
    expect(await job(held.id)).toMatchObject({ status: "failed", last_error: expect.stringMatching(/^abandoned/) });
    // A late finish from the stalled server changes nothing.
    await held.finish({ ok: true });
    expect((await job(held.id)).status).toBe("failed");
  });

  it("a queued job whose server died mid-run is taken over by another server", async () => {
    const a = server(5000);
    const b = server(5000);
    let release!: () => void;
    a.register("slow", { run: () => new Promise<void>((r) => (release = r)) });
    const done: string[] = [];
    b.register("slow", {
      async run(j) {
        done.push(j.id);
      },
    });
    const id = await a.enqueue("slow", {}, { maxAttempts: 2 });
    const running = a.runDue(1);
    await new Promise((r) => setTimeout(r, 50));
    expect((await job(id)).lease_owner).toBe(a.owner);
    // a "dies": its heartbeat never comes (the clock jumps past the lease).
    expect(await b.runDue()).toBe(0);
    advance(5001);
    expect(await b.runDue()).toBe(1);
    expect(done).toEqual([id]);
    expect(await job(id)).toMatchObject({ status: "succeeded", attempts: 2, lease_owner: null });
    release();
    await running;
    expect((await job(id)).status).toBe("succeeded");
  });
});
