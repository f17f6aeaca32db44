import { mkdirSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAmiPeer, type AmiPeer } from "../test/ami-peer.js";
import { buildTestApp, type TestApp } from "../test/build-test-app.js";
import { inventory } from "../test/inventory-fixtures.js";
import { startFtpServer, startSipPhone, type TestFtpServer, type TestSipPhone } from "../test/phone-peers.js";
import { eventually, startServerProcess, type ServerProcess } from "../test/server-process.js";

// Real servers (node + tsx running src/main.ts) in child processes on one shared database, killed with
// SIGKILL in the middle of their work: another server, or the restarted one, must clean up or finish it.
const LEASE_S = 2;

let t: TestApp & { databaseUrl: string };
let h: Record<string, string>;
let ftp: TestFtpServer;
let sip: TestSipPhone;
let ami: AmiPeer;
let confDir: string;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  [ftp, sip, ami] = await Promise.all([startFtpServer(), startSipPhone(), startAmiPeer()]);
  mkdirSync(path.join(ftp.root, "tftp"));
  confDir = await mkdtemp(path.join(tmpdir(), "cisisk-death-conf-"));
  t = await buildTestApp({ sharedDatabase: true });
  h = await t.adminHeaders();
}, 60_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill().catch(() => undefined)));
  await t?.close();
  await Promise.all([ftp?.close(), sip?.close(), ami?.stop()]);
  await rm(confDir, { recursive: true, force: true });
});

function server(overrides: { timeoutMs?: number } = {}): Promise<ServerProcess> {
  return startServerProcess({
    databaseUrl: t.databaseUrl,
    toml: {
      ftp: {
        host: "127.0.0.1",
        port: ftp.port,
        username: ftp.credentials.username,
        password: ftp.credentials.password,
        directory: "/tftp",
        backup_directory: "/backups",
      },
      restart: { sip_port: sip.port, timeout_ms: overrides.timeoutMs ?? 2000, concurrency: 1 },
      asterisk: {
        mode: "files",
        config_dir: confDir,
        ami_host: "127.0.0.1",
        ami_port: ami.port,
        ami_username: ami.username,
        ami_secret: ami.secret,
      },
      jobs: { lease_seconds: LEASE_S, poll_seconds: 0.3, backoff_seconds: 0.2 },
      phone_services: { base_url: "http://127.0.0.1:3000" },
    },
  }).then((s) => {
    servers.push(s);
    return s;
  });
}

const deploymentRow = (id: string) =>
  t.db.kysely.selectFrom("deployments").selectAll().where("id", "=", id).executeTakeFirst();

async function runningDeployments(via: ServerProcess): Promise<number> {
  const res = await fetch(`${via.url}/api/v1/deployments?status=running&pageSize=100`, { headers: h });
  expect(res.status).toBe(200);
  return ((await res.json()) as { total: number }).total;
}

describe("a server killed mid-deploy", () => {
  let phoneIds: string[];
  let profileId: string;

  beforeAll(async () => {
    const inv = inventory(t);
    const owner = await inv.user("dora");
    await inv.extension(owner, "5101", "Dora", "d0ra$secret#1");
    profileId = (await inv.profile({ name: "death", softwareType: "SIPE", userId: owner })).id;
    phoneIds = [];
    for (const i of [1, 2, 3])
      phoneIds.push(
        (await inv.phone({ mac: `0C116788D0${i}0`, model: "8851", softwareType: "SIPE", ip: "127.0.0.1" })).id,
      );
  });

  it("single deploy: the restarted server fails it at the step it was in; none stays running", async () => {
    ftp.fault = "stall-upload";
    const a = await server();
    // The request never returns: the FTP upload stalls and the server is killed under it.
    void fetch(`${a.url}/api/v1/profiles/${profileId}/deploy`, {
      method: "POST",
      headers: { ...h, "content-type": "application/json" },
      body: JSON.stringify({ phoneId: phoneIds[0] }),
    }).catch(() => undefined);
    const id = await eventually(
      async () => {
        const row = await t.db.kysely
          .selectFrom("deployments")
          .select(["id", "current_step"])
          .where("phone_id", "=", phoneIds[0]!)
          .where("status", "=", "running")
          .executeTakeFirst();
        return row?.current_step === "upload" ? row.id : undefined;
      },
      30_000,
      "the deploy to stall in its upload",
    );
    await a.kill();
    expect((await deploymentRow(id))?.status).toBe("running");

    ftp.fault = "none";
    const restarted = await server();
    await eventually(async () => ((await runningDeployments(restarted)) === 0 ? true : undefined), 20_000);
    const row = await deploymentRow(id);
    expect(row).toMatchObject({ status: "failed", failed_step: "upload" });
    expect(row!.detail).toMatch(/^abandoned: the server running it stopped \(no heartbeat for 2 s\) during upload/);
    const job = await t.db.kysely.selectFrom("jobs").selectAll().where("subject", "=", id).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ kind: "deploy", status: "failed", lease_owner: null });

    // The server that cleaned up deploys normally.
    const res = await fetch(`${restarted.url}/api/v1/profiles/${profileId}/deploy`, {
      method: "POST",
      headers: { ...h, "content-type": "application/json" },
      body: JSON.stringify({ phoneId: phoneIds[0] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("succeeded");
    await restarted.stop();
  }, 120_000);

  it("bulk deploy: another server takes the batch over and finishes it; none stays running or pending", async () => {
    ftp.fault = "stall-upload";
    const [a, b] = await Promise.all([server(), server()]);
    const storesBefore = ftp.stores;
    const res = await fetch(`${a.url}/api/v1/deployments`, {
      method: "POST",
      headers: { ...h, "content-type": "application/json" },
      body: JSON.stringify({ profileId, phoneIds }),
    });
    expect(res.status).toBe(202);
    const batchId = ((await res.json()) as { id: string }).id;
    // A bulk row is in its "backup" step for all its FTP work (no write of its own for the upload): the
    // upload that reached the FTP server tells that it stalls there.
    await eventually(
      async () =>
        ftp.stores > storesBefore
          ? (
              await t.db.kysely
                .selectFrom("deployments")
                .select("id")
                .where("batch_id", "=", batchId)
                .where("status", "=", "running")
                .where("current_step", "=", "backup")
                .executeTakeFirst()
            )?.id
          : undefined,
      30_000,
      "the batch's first deploy to stall in its upload",
    );
    await a.kill();
    ftp.fault = "none";

    // b never touched the batch: its job loop takes over the job a died holding, once its lease ran out;
    // the phone a was uploading to (never restarted) is deployed again, the others for the first time.
    await eventually(async () => {
      const batch = await t.db.kysely
        .selectFrom("deployment_batches")
        .select("status")
        .where("id", "=", batchId)
        .executeTakeFirstOrThrow();
      return batch.status === "finished" ? true : undefined;
    }, 20_000);
    const rows = await t.db.kysely
      .selectFrom("deployments")
      .select(["status", "failed_step"])
      .where("batch_id", "=", batchId)
      .execute();
    expect(rows.map((r) => `${r.status}:${r.failed_step}`).sort()).toEqual([
      "succeeded:null",
      "succeeded:null",
      "succeeded:null",
    ]);
    expect(await runningDeployments(b)).toBe(0);
    await b.stop();
  }, 120_000);
});

describe("a server killed while applying the Asterisk outbox", () => {
  it("leaves its leased change to another server, which applies it", async () => {
    ami.behaviour.stallCommands = true;
    // A long AMI timeout: the server hangs in the reload, holding (and renewing) the change's lease.
    const a = await server({ timeoutMs: 60_000 });
    void fetch(`${a.url}/api/v1/extensions`, {
      method: "POST",
      headers: { ...h, "content-type": "application/json" },
      body: JSON.stringify({ number: "5901", technology: "PJSIP", displayName: "Orphan" }),
    }).catch(() => undefined);
    const change = await eventually(
      async () =>
        t.db.kysely
          .selectFrom("asterisk_changes")
          .selectAll()
          .where("extension_number", "=", "5901")
          .where("lease_owner", "is not", null)
          .executeTakeFirst(),
      30_000,
      "server a to lease the change",
    );
    expect(change.status).toBe("pending");
    await a.kill();
    ami.behaviour.stallCommands = false;

    const b = await server();
    const applied = await eventually(async () => {
      const row = await t.db.kysely
        .selectFrom("asterisk_changes")
        .selectAll()
        .where("id", "=", change.id)
        .executeTakeFirstOrThrow();
      return row.status === "applied" ? row : undefined;
    }, 20_000);
    // Leased twice: by the server that died, then by the one that applied it.
    expect(applied).toMatchObject({ attempts: 2, lease_owner: null, last_error: null });
    expect(await readFile(path.join(confDir, "pjsip_cisisk.conf"), "utf8")).toMatch(/\[5901\]/);
    await b.stop();
  }, 120_000);
});
