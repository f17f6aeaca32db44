import { mkdirSync } from "node:fs";
import path from "node:path";
import type { DeploymentBatch } from "@cisisk/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { inventory } from "../../test/inventory-fixtures.js";
import { startFtpServer, startSipPhone, type TestFtpServer, type TestSipPhone } from "../../test/phone-peers.js";
import { newId } from "../../lib/ids.js";

// A bulk deploy runs on the server that accepted it; when that server dies its heartbeat stops, and any
// reader (or a start-up sweep) fails the batch. A dead server is simulated by the rows it leaves behind.
let t: TestApp;
let h: Record<string, string>;
let ftp: TestFtpServer;
let sip: TestSipPhone;
const STALE_S = 1;

beforeAll(async () => {
  [ftp, sip] = await Promise.all([startFtpServer(), startSipPhone()]);
  mkdirSync(path.join(ftp.root, "tftp"));
  t = await buildTestApp({
    toml: {
      ftp: {
        host: "127.0.0.1",
        port: ftp.port,
        username: ftp.credentials.username,
        password: ftp.credentials.password,
        directory: "/tftp",
        backup_directory: "/backups",
      },
      restart: { sip_port: sip.port, timeout_ms: 1500, concurrency: 1 },
      jobs: { lease_seconds: STALE_S },
      phone_services: { base_url: "http://127.0.0.1:3000" },
    },
  });
  h = await t.adminHeaders();
});
afterAll(async () => {
  await t?.close();
  await Promise.all([ftp?.close(), sip?.close()]);
});

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** What a server that died mid-run leaves: a running batch with an old heartbeat and unfinished rows. */
async function leftBehind(heartbeatAgoMs: number) {
  const batchId = newId();
  const profileId = newId();
  const created = ago(heartbeatAgoMs + 5000);
  await t.db.kysely
    .insertInto("deployment_batches")
    .values({
      id: batchId,
      profile_id: profileId,
      profile_name: "lobby",
      total: 4,
      created_at: created,
      finished_at: null,
      status: "running",
      detail: null,
    })
    .execute();
  // The batch's job, held by a server that sent its last heartbeat `heartbeatAgoMs` ago.
  await t.db.kysely
    .insertInto("jobs")
    .values({
      id: newId(),
      kind: "deploy_batch",
      subject: batchId,
      payload: "{}",
      status: "pending",
      attempts: 1,
      max_attempts: 1,
      run_after: created,
      lease_owner: newId(),
      lease_until: new Date(Date.now() - heartbeatAgoMs + STALE_S * 1000).toISOString(),
      last_error: null,
      created_at: created,
      finished_at: null,
    })
    .execute();
  const row = (mac: string, status: string, currentStep: string | null, steps: unknown[] = []) => ({
    id: newId(),
    kind: "deploy",
    batch_id: batchId,
    profile_id: profileId,
    profile_name: "lobby",
    phone_id: newId(),
    phone_mac: mac,
    previous_profile_id: null,
    status,
    failed_step: null,
    detail: null,
    steps: JSON.stringify(steps),
    started_at: created,
    finished_at: status === "succeeded" ? created : null,
    current_step: currentStep,
  });
  const backupDone = { name: "backup", status: "succeeded", detail: "moved", startedAt: created, finishedAt: created };
  const rows = {
    succeeded: row("0C1167880001", "succeeded", null, [backupDone]),
    uploading: row("0C1167880002", "running", "upload", [backupDone]),
    restarting: row("0C1167880003", "running", "restart", [backupDone]),
    queued: row("0C1167880004", "pending", null),
  };
  await t.db.kysely.insertInto("deployments").values(Object.values(rows)).execute();
  return { batchId, rows };
}

const getBatch = async (id: string): Promise<DeploymentBatch> => {
  const res = await t.app.inject({ method: "GET", url: `/api/v1/deployments/batches/${id}`, headers: h });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe("bulk deploys abandoned by a stopped server", () => {
  it("GET batch fails a batch whose heartbeat is stale, and its unfinished phones at the step they were in", async () => {
    const { batchId, rows } = await leftBehind(10 * 60_000);
    const batch = await getBatch(batchId);
    expect(batch).toMatchObject({ status: "failed", total: 4, done: 4, succeeded: 1, failed: 3 });
    expect(batch.detail).toMatch(/^abandoned: the server running it stopped: no heartbeat for 1 s/);
    expect(batch.finishedAt).not.toBeNull();
    const byMac = Object.fromEntries(batch.results.map((r) => [r.phoneMac, r]));
    expect(byMac[rows.succeeded.phone_mac]).toMatchObject({ status: "succeeded", failedStep: null });
    expect(byMac[rows.uploading.phone_mac]).toMatchObject({ status: "failed", failedStep: "upload" });
    expect(byMac[rows.uploading.phone_mac]!.detail).toMatch(/during upload.*POST \/phones\/:id\/rollback/);
    expect(byMac[rows.restarting.phone_mac]).toMatchObject({ status: "failed", failedStep: "restart" });
    expect(byMac[rows.restarting.phone_mac]!.detail).toMatch(/new config is on the file server/);
    expect(byMac[rows.queued.phone_mac]).toMatchObject({ status: "failed", failedStep: null });
    expect(byMac[rows.queued.phone_mac]!.detail).toMatch(/was not touched/);

    // The deployment keeps the steps it had finished; the failed step is the one it was in.
    const one = await t.app.inject({ method: "GET", url: `/api/v1/deployments/${rows.uploading.id}`, headers: h });
    expect(one.json()).toMatchObject({ status: "failed", failedStep: "upload", steps: [{ name: "backup" }] });
    expect(one.json().finishedAt).not.toBeNull();

    // Failing is done once: a later read changes nothing.
    const again = await getBatch(batchId);
    expect(again.finishedAt).toBe(batch.finishedAt);
  });

  it("the deployments list and the start-up sweep fail stale batches too; fresh ones are left running", async () => {
    const stale = await leftBehind(60_000);
    const fresh = await leftBehind(0);
    const list = await t.app.inject({
      method: "GET",
      url: `/api/v1/deployments?batchId=${stale.batchId}&pageSize=10`,
      headers: h,
    });
    expect(list.statusCode, list.body).toBe(200);
    expect(
      list
        .json()
        .data.map((d: { status: string }) => d.status)
        .sort(),
    ).toEqual(["failed", "failed", "failed", "succeeded"]);
    const running = await t.app.inject({
      method: "GET",
      url: `/api/v1/deployments?batchId=${fresh.batchId}&status=running`,
      headers: h,
    });
    expect(running.json().total).toBe(2);

    const later = await leftBehind(60_000);
    expect(await t.deps.deployments.failAbandoned()).toBeGreaterThanOrEqual(1);
    const rows = await t.db.kysely
      .selectFrom("deployments")
      .select("status")
      .where("batch_id", "=", later.batchId)
      .execute();
    expect(rows.map((r) => r.status).sort()).toEqual(["failed", "failed", "failed", "succeeded"]);
  });

  it("the SSE stream of a batch whose server stops ends with `done` and status failed", async () => {
    const { batchId } = await leftBehind(0);
    const started = Date.now();
    const events = await t.app.inject({
      method: "GET",
      url: `/api/v1/deployments/batches/${batchId}/events`,
      headers: h,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(STALE_S * 1000 - 50);
    const progress = [...events.body.matchAll(/event: progress\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1]!));
    expect(progress[0]).toMatchObject({ status: "running" });
    expect(progress.at(-1)).toMatchObject({ status: "failed", done: 4, failed: 3 });
    const done = JSON.parse(/event: done\ndata: (.*)\n\n/.exec(events.body)![1]!) as DeploymentBatch;
    expect(done.status).toBe("failed");
    expect(done.detail).toMatch(/abandoned/);
  });

  it("a live batch running longer than the limit keeps its heartbeat and finishes", async () => {
    const inv = inventory(t);
    const owner = await inv.user("carol");
    await inv.extension(owner, "3101", "Carol", "c4rol$secret#1");
    const profile = await inv.profile({ name: "slow", softwareType: "SIPE", userId: owner });
    const phones = await Promise.all(
      [1, 2].map((i) => inv.phone({ mac: `0C11678852C${i}`, model: "8851", softwareType: "SIPE", ip: "127.0.0.1" })),
    );
    // A phone that never answers the NOTIFY: each deploy waits the 1.5 s timeout, one at a time (3 s > 1 s).
    sip.behaviour = "silent";
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/deployments",
      headers: h,
      payload: { profileId: profile.id, phoneIds: phones.map((p) => p.id) },
    });
    expect(res.statusCode, res.body).toBe(202);
    const events = await t.app.inject({
      method: "GET",
      url: `/api/v1/deployments/batches/${res.json().id}/events`,
      headers: h,
    });
    const done = JSON.parse(/event: done\ndata: (.*)\n\n/.exec(events.body)![1]!) as DeploymentBatch;
    expect(done).toMatchObject({ status: "finished", detail: null, done: 2, failed: 2 });
    for (const r of done.results) {
      expect(r).toMatchObject({ status: "failed", failedStep: "restart" });
      expect(r.detail).not.toMatch(/abandoned/);
    }
  });
});
