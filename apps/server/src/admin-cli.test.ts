import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, buildTestApp, type TestApp } from "./test/build-test-app.js";

const run = promisify(execFile);
const cli = path.resolve(import.meta.dirname, "admin-cli.ts");
const tsx = path.resolve(import.meta.dirname, "../../../node_modules/.bin/tsx");

let t: TestApp & { databaseUrl: string };
beforeAll(async () => {
  t = await buildTestApp({ sharedDatabase: true });
});
afterAll(async () => t?.close());

const admin = (args: string[], env: Record<string, string> = {}) =>
  run(tsx, [cli, ...args], {
    cwd: mkdtempSync(path.join(tmpdir(), "cisisk-cli-")),
    env: {
      ...process.env,
      DATABASE_URL: t.databaseUrl,
      JWT_SECRET: "test-secret-test-secret-test-secret-0123456789",
      CISISK_SECRET_KEY: "test-key-test-key-test-key-test-key-0123456789",
      ...env,
    },
  });

describe("npm run admin (recovery from the shell)", () => {
  it("reset-password makes the user an active superadmin with a new password and ends its sessions", async () => {
    const headers = await t.adminHeaders();
    const me = await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers });
    const id = me.json().id as string;
    // The only superadmin lost its rights (e.g. by hand in the database): nobody can log in.
    await t.db.kysely.updateTable("users").set({ activated: 0 }).where("id", "=", id).execute();
    expect(
      (await t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: ADMIN, remoteAddress: "10.5.0.1" }))
        .statusCode,
    ).toBe(401);

    const { stdout } = await admin(["reset-password", "admin"]);
    const password = /new password: (\S+)/.exec(stdout)?.[1];
    expect(password).toBeDefined();
    expect((await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers })).statusCode).toBe(401);
    const login = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { username: "admin", password },
      remoteAddress: "10.5.0.2",
    });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json().user).toMatchObject({ level: 0, activated: true });
  }, 60_000);

  it("allow-all-networks empties an allow-list that shuts everyone out; unknown users and commands fail", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { username: "admin", password: "cli-password-2" },
    });
    expect(res.statusCode).toBe(401);
    await admin(["reset-password", "admin"], { CISISK_NEW_PASSWORD: "cli-password-2" });
    const token = (
      await t.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { username: "admin", password: "cli-password-2" },
        remoteAddress: "10.5.0.3",
      })
    ).json().accessToken as string;
    const put = await t.app.inject({
      method: "PUT",
      url: "/api/v1/settings/security",
      headers: { authorization: `Bearer ${token}` },
      payload: { allowedNetworks: ["192.0.2.1"], confirmLockout: true },
      remoteAddress: "10.5.0.3",
    });
    expect(put.statusCode, put.body).toBe(200);
    const blocked = { username: "admin", password: "cli-password-2" };
    expect(
      (await t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: blocked, remoteAddress: "10.5.0.4" }))
        .statusCode,
    ).toBe(401);
    await admin(["allow-all-networks"]);
    // Every server re-reads the settings within the cache time.
    await new Promise((r) => setTimeout(r, 1100));
    expect(
      (await t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: blocked, remoteAddress: "10.5.0.4" }))
        .statusCode,
    ).toBe(200);

    await expect(admin(["reset-password", "nobody-here"])).rejects.toMatchObject({ code: 1 });
    await expect(admin(["explode"])).rejects.toMatchObject({ code: 2 });
  }, 60_000);
});
