import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Phone, Profile } from "@cisisk/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { startTcpFaultPeer, type TcpFaultPeer } from "../../test/fault-peers.js";
import { inventory } from "../../test/inventory-fixtures.js";
import { startFtpServer, startSipPhone, type TestFtpServer, type TestSipPhone } from "../../test/phone-peers.js";

// Deploys against a real FTP server (ftp-srv) behind a TCP peer that refuses, hangs or drops on demand,
// with more deploys at once than the FTP pool has connections: every deploy must end, none may hang.

const TIMEOUT_MS = 700;
const POOL = 2;
let t: TestApp;
let h: Record<string, string>;
let ftp: TestFtpServer;
let sip: TestSipPhone;
let gate: TcpFaultPeer;
let profile: Profile;
const phones: Phone[] = [];

beforeAll(async () => {
  [ftp, sip] = await Promise.all([startFtpServer(), startSipPhone()]);
  mkdirSync(path.join(ftp.root, "tftp"));
  gate = await startTcpFaultPeer({ host: "127.0.0.1", port: ftp.port });
  t = await buildTestApp({
    toml: {
      asterisk: { host: "127.0.0.1" },
      ftp: {
        host: "127.0.0.1",
        port: gate.port,
        username: ftp.credentials.username,
        password: ftp.credentials.password,
        directory: "/tftp",
        backup_directory: "/backups",
        pool_size: POOL,
      },
      restart: { sip_port: sip.port, timeout_ms: TIMEOUT_MS, concurrency: 4 },
      phone_services: { base_url: "http://127.0.0.1:3000" },
    },
  });
  h = await t.adminHeaders();
  const inv = inventory(t);
  const owner = await inv.user("faulty");
  await inv.extension(owner, "3901", "Faulty", "f4ulty$secret#1");
  profile = await inv.profile({ name: "faults", softwareType: "SIPE", userId: owner });
  for (let i = 0; i < 10; i++)
    phones.push(
      await inv.phone({
        mac: `0C1167880F${String(i).padStart(2, "0")}`,
        model: "8845",
        softwareType: "SIPE",
        ip: "127.0.0.1",
      }),
    );
}, 60_000);
afterAll(async () => {
  await t?.close();
  await Promise.all([gate?.close(), ftp?.close(), sip?.close()]);
});

/** Ten single deploys at once (five times the pool); every one answers, how long the slowest took. */
async function deployAll(): Promise<{
  results: { status: string; steps: { name: string; detail: string }[] }[];
  ms: number;
}> {
  const started = Date.now();
  const answers = await Promise.all(
    phones.map((p) =>
      t.app.inject({
        method: "POST",
        url: `/api/v1/profiles/${profile.id}/deploy`,
        headers: h,
        payload: { phoneId: p.id },
      }),
    ),
  );
  for (const a of answers) expect(a.statusCode, a.body).toBe(200);
  return { results: answers.map((a) => a.json()), ms: Date.now() - started };
}

// A deploy may wait for a pool slot (one timeout) and then connect (one more); the backup, upload and
// restore that follow have their own. Far below the minutes the waiters used to hang.
const BOUND_MS = 6 * TIMEOUT_MS + 2000;

describe("deploys when the FTP server misbehaves (pool of 2, 10 deploys at once)", () => {
  it("refused connections: every deploy fails with the reason, none waits for a slot for ever", async () => {
    await gate.set("refuse");
    const { results, ms } = await deployAll();
    expect(ms).toBeLessThan(BOUND_MS);
    for (const r of results) {
      expect(r.status).toBe("failed");
      expect(r.steps[0]).toMatchObject({ name: "backup", status: "failed" });
      expect(r.steps[0]!.detail).toMatch(/connecting to 127\.0\.0\.1/);
    }
  });

  it("a server that accepts and never answers: every deploy fails on its timeout", async () => {
    await gate.set("silent");
    const { results, ms } = await deployAll();
    expect(ms).toBeLessThan(BOUND_MS);
    for (const r of results) {
      expect(r.status).toBe("failed");
      expect(r.steps[0]!.detail).toMatch(/timeout|no FTP connection became free/i);
    }
    expect(gate.accepted).toBeGreaterThan(0);
  });

  it("a connection dropped mid-transfer: every deploy fails and the pool recovers", async () => {
    await gate.set("forward");
    ftp.fault = "drop-upload";
    const { results, ms } = await deployAll();
    expect(ms).toBeLessThan(BOUND_MS);
    for (const r of results) expect(r.status).toBe("failed");
    ftp.fault = "none";
  });

  it("after all that the pool still serves: every deploy succeeds once the server is back", async () => {
    await gate.set("forward");
    const { results } = await deployAll();
    for (const r of results) expect(r.status, JSON.stringify(r.steps)).toBe("succeeded");
  });

  it("a bulk deploy with the FTP server down finishes with every failure reported", async () => {
    await gate.set("refuse");
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/deployments",
      headers: h,
      payload: { profileId: profile.id, phoneIds: phones.slice(0, 8).map((p) => p.id) },
    });
    expect(res.statusCode, res.body).toBe(202);
    const events = await t.app.inject({
      method: "GET",
      url: `/api/v1/deployments/batches/${res.json().id}/events`,
      headers: h,
    });
    const done = JSON.parse(/event: done\ndata: (.*)\n\n/.exec(events.body)![1]!);
    expect(done).toMatchObject({ total: 8, done: 8, succeeded: 0, failed: 8, status: "finished" });
    expect(done.results).toHaveLength(8);
    await gate.set("forward");
  });
});
