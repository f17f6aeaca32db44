import { execFile } from "node:child_process";
import dgram from "node:dgram";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/connect.js";
import { createTestDatabase } from "../../test/test-database.js";
import { eventually, startServerProcess, type ServerProcess } from "../../test/server-process.js";

// main.ts with store = "self": the TFTP and 6970 listeners start next to the main server and close on shutdown.

const run = promisify(execFile);
let db: Db & { url: string };
let server: ServerProcess | undefined;
let work: string;

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
async function freeTcpPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  db = await createTestDatabase({ shared: true });
  work = mkdtempSync(path.join(tmpdir(), "cisisk-fsproc-"));
});
afterAll(async () => {
  await server?.kill();
  await db?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("main.ts with [provisioning] store = self", () => {
  it("serves an uploaded file over TFTP and HTTP, and frees both ports on SIGTERM", async () => {
    const [tftpPort, httpPort] = [await freeUdpPort(), await freeTcpPort()];
    server = await startServerProcess({
      databaseUrl: db.url,
      toml: { provisioning: { store: "self", tftp_port: tftpPort, cisco_http_port: httpPort } },
    });
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "admin-password-1" }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const body = randomBytes(3000);
    const put = await fetch(`${server.url}/api/v1/files/XMLDefault.cnf.xml`, {
      method: "PUT",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/octet-stream" },
      body,
    });
    expect(put.status).toBe(201);

    const http = await eventually(async () =>
      fetch(`http://127.0.0.1:${httpPort}/XMLDefault.cnf.xml`).catch(() => undefined),
    );
    expect(Buffer.from(await http.arrayBuffer()).equals(body)).toBe(true);
    const out = path.join(work, "got.xml");
    await run("tftp", ["-m", "binary", "127.0.0.1", String(tftpPort), "-c", "get", "XMLDefault.cnf.xml", out]);
    expect(readFileSync(out).equals(body)).toBe(true);

    await server.stop();
    server = undefined;
    await expect(fetch(`http://127.0.0.1:${httpPort}/XMLDefault.cnf.xml`)).rejects.toThrow();
    const again = dgram.createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      again.once("error", reject);
      again.bind(tftpPort, "127.0.0.1", () => resolve());
    });
    again.close();
  }, 90_000);
});
