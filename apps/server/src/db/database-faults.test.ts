import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../test/build-test-app.js";
import { startTcpFaultPeer, type TcpFaultPeer } from "../test/fault-peers.js";
import { createTestDatabase } from "../test/test-database.js";
import { connectDatabase, dialectOf } from "./connect.js";

// A database server that accepts connections and never answers (a hung server, a black-holing firewall):
// start-up must end with a clear message and a non-zero exit, and a running server must answer 503 in
// bounded time and say why on /health, then recover when the database does.

const serverDir = path.resolve(import.meta.dirname, "../..");

function startServer(databaseUrl: string): Promise<{ code: number | null; stderr: string; ms: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "cisisk-hung-db-"));
  const started = Date.now();
  const child = spawn(path.join(serverDir, "../../node_modules/.bin/tsx"), [path.join(serverDir, "src/main.ts")], {
    // A folder without cisisk.toml: the defaults apply.
    cwd: dataDir,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      CISISK_DATA_DIR: dataDir,
      CISISK_ADMIN_PASSWORD: "admin-password-1",
      PORT: "0",
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => {
    // Far beyond the connect timeout: if start-up hangs, the test fails rather than waiting for ever.
    const guard = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("exit", (code) => {
      clearTimeout(guard);
      rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, stderr, ms: Date.now() - started });
    });
  });
}

describe("start-up against a database that never answers", () => {
  let hung: TcpFaultPeer;
  beforeAll(async () => {
    hung = await startTcpFaultPeer();
  });
  afterAll(async () => hung?.close());

  it.concurrent.each(["postgres", "mysql"])(
    "%s: exits non-zero with a clear message after the connect timeout",
    async (scheme) => {
      const result = await startServer(`${scheme}://cisisk:secret@127.0.0.1:${hung.port}/cisisk`);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `cisisk: cannot use the database ${scheme}://127\\.0\\.0\\.1:${hung.port}/cisisk: .*(did not answer|cannot connect)`,
        ),
      );
      expect(result.stderr).not.toContain("secret");
      expect(hung.accepted).toBeGreaterThan(0);
    },
    120_000,
  );
});

const engine = dialectOf(process.env.DATABASE_URL ?? "sqlite::memory:");

// SQLite runs in-process: only the network engines can hang.
describe.skipIf(engine === "sqlite")("a database that stops answering while the server runs", () => {
  let t: TestApp;
  let gate: TcpFaultPeer;
  const timeouts = { connectMs: 600, statementMs: 900 };

  beforeAll(async () => {
    const real = await createTestDatabase();
    const url = new URL(real.url);
    gate = await startTcpFaultPeer({ host: url.hostname, port: Number(url.port) });
    url.port = String(gate.port);
    const viaGate = await connectDatabase(url.toString(), { timeouts });
    t = await buildTestApp({
      db: {
        ...viaGate,
        async close() {
          await viaGate.close();
          await real.close();
        },
      },
    });
  }, 30_000);
  afterAll(async () => {
    await gate?.set("forward");
    await t?.close();
    await gate?.close();
  });

  it("answers 503 within the timeouts, /health says why, and recovers when the database answers again", async () => {
    const h = await t.adminHeaders();
    expect((await t.app.inject({ method: "GET", url: "/api/v1/users", headers: h })).statusCode).toBe(200);

    await gate.set("silent");
    const bound = timeouts.connectMs + timeouts.statementMs + 1500;
    for (const url of ["/api/v1/users", "/api/v1/phones", "/api/v1/dashboard"]) {
      const started = Date.now();
      const res = await t.app.inject({ method: "GET", url, headers: h });
      expect(Date.now() - started).toBeLessThan(bound);
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().error).toMatchObject({ code: "unavailable", message: expect.stringMatching(/database/) });
    }
    const login = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { username: "admin", password: "admin-password-1" },
    });
    expect(login.statusCode, login.body).toBe(503);
    const health = await t.app.inject({ method: "GET", url: "/api/v1/health" });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({
      status: "degraded",
      db: "down",
      reason: expect.stringMatching(/did not answer|cannot connect/),
    });

    await gate.set("forward");
    await expect
      .poll(async () => (await t.app.inject({ method: "GET", url: "/api/v1/users", headers: h })).statusCode, {
        timeout: 10_000,
      })
      .toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/health" })).json()).toMatchObject({ db: "ok" });
  }, 40_000);
});
