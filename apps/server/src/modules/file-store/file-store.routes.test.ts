import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFileServers } from "../../file-servers.js";
import { buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";

// The Files API (upload, list, download, delete: names and sizes checked at the edge), and misses throttled per
// client address on the phone-facing listeners.

let t: TestApp;
let h: Record<string, string>;
let work: string;
let servers: Awaited<ReturnType<typeof startFileServers>>;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "cisisk-files-"));
  t = await buildTestApp({
    env: { CISISK_DATA_DIR: work },
    toml: {
      server: { host: "127.0.0.1" },
      provisioning: { store: "self", miss_limit_per_minute: 5, upload_limit_mb: 1 },
    },
  });
  h = await t.adminHeaders();
  servers = await startFileServers(t.deps, { tftp: null, http: 0 });
});
afterAll(async () => {
  await servers?.close();
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

const put = (name: string, body: Buffer | string, type = "application/octet-stream") =>
  t.app.inject({ method: "PUT", url: `/api/v1/files/${name}`, headers: { ...h, "content-type": type }, payload: body });

describe("/api/v1/files", () => {
  it("uploads, lists, downloads, replaces and deletes a file; the bytes live under the data directory", async () => {
    const body = randomBytes(5000);
    const created = await put("dialplan.xml", body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: "dialplan.xml", size: 5000 });
    expect(readFileSync(path.join(work, "files", "dialplan.xml")).equals(body)).toBe(true);

    const list = await t.app.inject({ method: "GET", url: "/api/v1/files", headers: h });
    expect(list.json()).toMatchObject({ total: 1, data: [{ name: "dialplan.xml", size: 5000 }] });

    const down = await t.app.inject({ method: "GET", url: "/api/v1/files/dialplan.xml", headers: h });
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(body)).toBe(true);

    const replaced = await put("dialplan.xml", "new");
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().size).toBe(3);

    const phone = await fetch(`http://127.0.0.1:${servers.httpPort}/dialplan.xml`);
    expect(phone.status).toBe(200);
    expect(phone.headers.get("content-type")).toMatch(/text\/xml/);
    expect(await phone.text()).toBe("new");

    const del = await t.app.inject({ method: "DELETE", url: "/api/v1/files/dialplan.xml", headers: h });
    expect(del.statusCode).toBe(204);
    expect(existsSync(path.join(work, "files", "dialplan.xml"))).toBe(false);
    expectError(
      await t.app.inject({ method: "DELETE", url: "/api/v1/files/dialplan.xml", headers: h }),
      404,
      "not_found",
    );
    expectError(await t.app.inject({ method: "GET", url: "/api/v1/files/dialplan.xml", headers: h }), 404, "not_found");
  });

  it("refuses unsafe names, JSON bodies and files over the size limit, and stores nothing", async () => {
    for (const name of [".hidden", "a%2F..%2Fb", "..x", "x%00y", "a b", "é.xml"])
      expectError(await put(name, "x"), 400, "validation_failed");
    // A name longer than the router's parameter limit is refused before routing.
    expect((await put("x".repeat(101), "x")).json().error.code).toBe("validation_failed");
    expectError(await put("ok.json", JSON.stringify({ a: 1 }), "application/json"), 400, "validation_failed");
    const tooBig = await put("big.loads", randomBytes(1024 * 1024 + 1));
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBeTypeOf("string");
    expect((await t.app.inject({ method: "GET", url: "/api/v1/files", headers: h })).json().total).toBe(0);
  });

  it("needs a console session", async () => {
    expect((await t.app.inject({ method: "GET", url: "/api/v1/files" })).statusCode).toBe(401);
    const res = await t.app.inject({
      method: "PUT",
      url: "/api/v1/files/a.txt",
      headers: { "content-type": "application/octet-stream" },
      payload: "x",
    });
    expect(res.statusCode).toBe(401);
  });
});

describe("phone-facing misses", () => {
  it("throttles an address after miss_limit_per_minute misses (429 with Retry-After), and says so on the dashboard", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await fetch(`http://127.0.0.1:${servers.httpPort}/SEP00000000000${i}.cnf.xml`)).status);
    expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const r = await fetch(`http://127.0.0.1:${servers.httpPort}/other.xml`);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    const serving = (await t.app.inject({ method: "GET", url: "/api/v1/file-serving", headers: h })).json();
    expect(serving).toMatchObject({
      store: "self",
      tftp: { enabled: false },
      http: { enabled: true, port: servers.httpPort },
    });
    expect(serving.recentHits[0]).toMatchObject({ protocol: "http", result: "throttled", fileName: "other.xml" });
  });
});
