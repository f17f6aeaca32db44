import { execFile } from "node:child_process";
import dgram from "node:dgram";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Phone, Profile } from "@cisisk/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFileServers } from "../../file-servers.js";
import { buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";
import { inventory } from "../../test/inventory-fixtures.js";
import { startSipPhone, type TestSipPhone } from "../../test/phone-peers.js";

// Cisisk as the phones' file server (store = "self"): deploys publish into the database, real clients fetch over
// TFTP (Debian's tftp-hpa; curl's TFTP client for the blksize/tsize options tftp-hpa does not send) and HTTP.

const run = promisify(execFile);
let t: TestApp;
let h: Record<string, string>;
let sip: TestSipPhone;
let servers: Awaited<ReturnType<typeof startFileServers>>;
let work: string;
let dataDir: string;
let phone: Phone;
let profileA: Profile;
let profileB: Profile;

const fileName = () => `SEP${phone.mac}.cnf.xml`;

/** tftp-hpa: plain RFC 1350 (it sends no options). Resolves with the bytes, or rejects with its message. */
async function tftpGet(name: string, port = servers.tftpPort!): Promise<Buffer> {
  const out = path.join(work, `${randomBytes(6).toString("hex")}.out`);
  const r = await run("tftp", ["-m", "binary", "127.0.0.1", String(port), "-c", "get", name, out], {
    timeout: 30_000,
  }).catch((e: { stdout: string; stderr: string }) => e);
  const said = `${r.stdout}${r.stderr}`;
  if (/Error code|Transfer timed out/.test(said)) throw new Error(said.trim());
  return readFileSync(out);
}

/** curl's TFTP client: sends tsize and blksize (RFC 2348/2349) options. */
async function curlTftp(name: string, blksize: number): Promise<Buffer> {
  const r = await run(
    "curl",
    ["-sS", "--tftp-blksize", String(blksize), `tftp://127.0.0.1:${servers.tftpPort}/${name}`, "--output", "-"],
    { encoding: "buffer", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return r.stdout;
}

const deploy = (profileId: string) =>
  t.app.inject({
    method: "POST",
    url: `/api/v1/profiles/${profileId}/deploy`,
    headers: h,
    payload: { phoneId: phone.id },
  });
const upload = (name: string, body: Buffer) =>
  t.app.inject({
    method: "PUT",
    url: `/api/v1/files/${name}`,
    headers: { ...h, "content-type": "application/octet-stream" },
    payload: body,
  });

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "cisisk-tftp-"));
  dataDir = path.join(work, "data");
  sip = await startSipPhone();
  t = await buildTestApp({
    env: { CISISK_DATA_DIR: dataDir },
    toml: {
      server: { host: "127.0.0.1" },
      asterisk: { host: "127.0.0.1" },
      provisioning: { store: "self", miss_limit_per_minute: 1000 },
      restart: { sip_port: sip.port, timeout_ms: 1500 },
      phone_services: { base_url: "http://127.0.0.1:3000" },
    },
  });
  servers = await startFileServers(t.deps, { tftp: 0, http: 0 });
  h = await t.adminHeaders();
  const inv = inventory(t);
  const owner = await inv.user("carol");
  await inv.extension(owner, "4001", "Carol", "c4r0l$secret#1");
  phone = await inv.phone({ mac: "0C:11:67:88:45:BB", model: "8845", softwareType: "SIPE", ip: "127.0.0.1" });
  profileA = await inv.profile({ name: "tftp-a", softwareType: "SIPE", userId: owner, description: "first" });
  profileB = await inv.profile({ name: "tftp-b", softwareType: "SIPE", userId: owner, description: "second" });
}, 60_000);
afterAll(async () => {
  await servers?.close();
  await t?.close();
  await sip?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("deploy with store = self", () => {
  it("publishes the file in the database, restarts the phone over SIP and the phone can fetch it", async () => {
    const before = sip.received.length;
    const res = await deploy(profileA.id);
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json();
    expect(d.status, JSON.stringify(d.steps)).toBe("succeeded");
    expect(d.steps.map((s: { name: string }) => s.name)).toEqual(["backup", "upload", "restart", "clear_session"]);
    expect(sip.received.length).toBe(before + 1);
    expect(sip.received.at(-1)!.message.startLine).toMatch(/^NOTIFY /);

    const config = await t.app.inject({ method: "GET", url: `/api/v1/phones/${phone.id}/config`, headers: h });
    expect(config.statusCode).toBe(200);
    expect(config.body).toContain("<device");
    // tftp-hpa, no options: byte for byte what GET /phones/:id/config shows.
    expect((await tftpGet(fileName())).equals(Buffer.from(config.body, "utf8"))).toBe(true);
  });

  it("serves the same bytes with blksize and tsize options (curl's TFTP client) and over HTTP", async () => {
    const config = Buffer.from(
      (await t.app.inject({ method: "GET", url: `/api/v1/phones/${phone.id}/config`, headers: h })).body,
      "utf8",
    );
    for (const blksize of [8, 512, 1428, 8192]) expect((await curlTftp(fileName(), blksize)).equals(config)).toBe(true);
    const http = await run("curl", ["-sS", "-D", "-", `http://127.0.0.1:${servers.httpPort}/${fileName()}`], {
      encoding: "buffer",
    });
    const text = http.stdout.toString("latin1");
    const split = text.indexOf("\r\n\r\n");
    expect(text.slice(0, split)).toMatch(/^HTTP\/1\.1 200/);
    expect(text.slice(0, split)).toMatch(/content-type: text\/xml/i);
    expect(http.stdout.subarray(split + 4).equals(config)).toBe(true);
  });

  it("a second deploy keeps the first file as the backup, and rollback brings it back", async () => {
    const first = await tftpGet(fileName());
    const res = await deploy(profileB.id);
    expect(res.json().status).toBe("succeeded");
    const second = await tftpGet(fileName());
    expect(second.equals(first)).toBe(false);

    const before = sip.received.length;
    const rb = await t.app.inject({ method: "POST", url: `/api/v1/phones/${phone.id}/rollback`, headers: h });
    expect(rb.statusCode, rb.body).toBe(200);
    expect(rb.json()).toMatchObject({ kind: "rollback", status: "succeeded" });
    expect(sip.received.length).toBe(before + 1);
    expect((await tftpGet(fileName())).equals(first)).toBe(true);
    // That backup is live again, so there is nothing older to roll back to.
    const again = await t.app.inject({ method: "POST", url: `/api/v1/phones/${phone.id}/rollback`, headers: h });
    expectError(again, 409, "conflict");
  });
});

describe("every brand's files by the same names as /provision", () => {
  it("serves a Yealink's <mac>.cfg and its common file over TFTP and 6970, byte for byte what /provision gives", async () => {
    const added = await t.app.inject({
      method: "POST",
      url: "/console/endpoint-manager/devices",
      headers: h,
      payload: { mac: "80:5E:C0:12:34:56", brand: "yealink", model: "T46S", username: "4101", password: "y-4101-pw" },
    });
    expect(added.statusCode, added.body).toBe(201);
    for (const name of ["805ec0123456.cfg", "y000000000028.cfg"]) {
      const viaHttp = await t.app.inject({ method: "GET", url: `/provision/${name}`, remoteAddress: "127.0.0.1" });
      expect(viaHttp.statusCode, viaHttp.body).toBe(200);
      const expected = viaHttp.rawPayload;
      expect((await tftpGet(name)).equals(expected)).toBe(true);
      const on6970 = await run("curl", ["-sS", "--fail", `http://127.0.0.1:${servers.httpPort}/${name}`], {
        encoding: "buffer",
      });
      expect(on6970.stdout.equals(expected)).toBe(true);
    }
    expect((await tftpGet("805ec0123456.cfg")).toString("utf8")).toContain("account.1.user_name = 4101");
  });
});

describe("TFTP server (tftp-hpa and curl as clients)", () => {
  it("answers an unknown file with error 1, on TFTP and 404 on HTTP", async () => {
    await expect(tftpGet("SEP000000000000.cnf.xml")).rejects.toThrow(/Error code 1/);
    const r = await fetch(`http://127.0.0.1:${servers.httpPort}/nothing-here.xml`);
    expect(r.status).toBe(404);
    const bad = await fetch(`http://127.0.0.1:${servers.httpPort}/..%2Fetc%2Fpasswd`);
    expect(bad.status).toBe(400);
  });

  it("refuses write requests with error 2", async () => {
    const local = path.join(work, "to-put.txt");
    writeFileSync(local, "x");
    const r = await run("tftp", ["-m", "binary", "127.0.0.1", String(servers.tftpPort), "-c", "put", local, "x.txt"], {
      timeout: 20_000,
    }).catch((e: { stdout: string; stderr: string }) => e);
    expect(`${r.stdout}${r.stderr}`).toMatch(/Error code 2/);
  });

  it("serves uploaded files to several clients at once", async () => {
    const files = Array.from({ length: 8 }, (_, i) => ({ name: `ring-${i}.raw`, body: randomBytes(1000 + i * 3000) }));
    for (const f of files) expect((await upload(f.name, f.body)).statusCode).toBe(201);
    const got = await Promise.all(files.map((f) => tftpGet(f.name)));
    got.forEach((g, i) => expect(g.equals(files[i]!.body)).toBe(true));
  });

  it("refuses a file of more than 65,535 blocks of 512 bytes, and serves it with a larger blksize", async () => {
    const big = randomBytes(65_535 * 512 + 1000);
    expect((await upload("big.loads", big)).statusCode).toBe(201);
    await expect(tftpGet("big.loads")).rejects.toThrow(/Error code 3.*blksize/);
    expect((await curlTftp("big.loads", 8192)).equals(big)).toBe(true);
  }, 60_000);

  it("retransmits when an ACK is lost (a UDP proxy drops the first ACK of block 1)", async () => {
    const body = randomBytes(512 * 3 + 17);
    expect((await upload("lossy.bin", body)).statusCode).toBe(201);
    const proxy = await startDroppingProxy(
      servers.tftpPort!,
      (p) => p.readUInt16BE(0) === 4 && p.readUInt16BE(2) === 1,
    );
    try {
      expect((await tftpGet("lossy.bin", proxy.port)).equals(body)).toBe(true);
      expect(proxy.dropped).toBe(1);
      // The server sent DATA 1 again after its timeout.
      expect(proxy.dataBlocks.filter((b) => b === 1).length).toBeGreaterThanOrEqual(2);
    } finally {
      proxy.close();
    }
  }, 30_000);

  it("survives malformed packets and still serves", async () => {
    const s = dgram.createSocket("udp4");
    const answers: Buffer[] = [];
    s.on("message", (m) => answers.push(m));
    const garbage = [
      Buffer.from([]),
      Buffer.from([0]),
      Buffer.from([0, 1]),
      Buffer.from([0, 1, 0x41]),
      Buffer.from("\0\x01file\0", "latin1"),
      Buffer.from("\0\x01file\0octet\0blksize\0", "latin1"),
      Buffer.from("\0\x01file\0mail\0", "latin1"),
      Buffer.from([0, 9, 1, 2, 3]),
      Buffer.from([0, 4, 0, 1]),
      randomBytes(2000),
    ];
    for (const g of garbage) s.send(g, servers.tftpPort!, "127.0.0.1");
    await new Promise((r) => setTimeout(r, 300));
    s.close();
    expect(answers.some((a) => a.readUInt16BE(0) === 5 && a.readUInt16BE(2) === 4)).toBe(true);
    expect((await tftpGet(fileName())).length).toBeGreaterThan(100);
  });

  it("shows the listeners and the recent hits on the dashboard", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/dashboard", headers: h });
    const fs = res.json().fileServing;
    expect(fs).toMatchObject({
      store: "self",
      tftp: { enabled: true, port: servers.tftpPort },
      http: { enabled: true, port: servers.httpPort },
    });
    expect(fs.served).toBeGreaterThan(5);
    expect(fs.misses).toBeGreaterThan(0);
    expect(fs.recentHits[0]).toMatchObject({ protocol: "tftp", clientIp: "127.0.0.1", result: "served" });
  });
});

/** Client ↔ proxy ↔ server; the server's transfer port (TID) is learned from its first answer. */
async function startDroppingProxy(serverPort: number, dropOnce: (packet: Buffer) => boolean) {
  const s = dgram.createSocket("udp4");
  const toServer = dgram.createSocket("udp4");
  await Promise.all([
    new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r())),
    new Promise<void>((r) => toServer.bind(0, "127.0.0.1", () => r())),
  ]);
  let client: dgram.RemoteInfo | null = null;
  let serverTid: number | null = null;
  const state = { port: s.address().port, dropped: 0, dataBlocks: [] as number[], close() {} };
  s.on("message", (m, from) => {
    client = from;
    if (state.dropped === 0 && m.length >= 4 && dropOnce(m)) {
      state.dropped++;
      return;
    }
    toServer.send(m, serverTid ?? serverPort, "127.0.0.1");
  });
  toServer.on("message", (m, from) => {
    serverTid = from.port;
    if (m.length >= 4 && m.readUInt16BE(0) === 3) state.dataBlocks.push(m.readUInt16BE(2));
    if (client) s.send(m, client.port, client.address);
  });
  state.close = () => {
    s.close();
    toServer.close();
  };
  return state;
}
