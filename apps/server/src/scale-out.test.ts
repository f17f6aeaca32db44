import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "./lib/ids.js";
import { startAmiPeer, type AmiPeer } from "./test/ami-peer.js";
import { ADMIN, buildTestApp, type TestApp } from "./test/build-test-app.js";
import { inventory } from "./test/inventory-fixtures.js";
import { startFtpServer, startSipPhone, type TestFtpServer, type TestSipPhone } from "./test/phone-peers.js";
import { eventually, freePort, startServerProcess, type ServerProcess } from "./test/server-process.js";

// Two real servers (src/main.ts in child processes) on one database, as a site runs them behind a reverse
// proxy: what one server did is seen by the other, work is done once, and when one is killed with SIGKILL
// the other finishes its bulk deploy. Then Debian's nginx in front of them, as docs/scale-out.md says.
const LEASE_S = 2;
const NGINX = "/usr/sbin/nginx";
/** The address nginx connects to the servers from: the only one whose X-Forwarded-For they believe. */
const PROXY_ADDRESS = "127.0.0.2";

let t: TestApp & { databaseUrl: string };
let ftp: TestFtpServer;
let sip: TestSipPhone;
let ami: AmiPeer;
let confDir: string;
let a: ServerProcess;
let b: ServerProcess;

const toml = () => ({
  server: { trusted_proxies: [PROXY_ADDRESS] },
  auth: { login_max_failures_per_account: 4, login_max_failures_per_ip: 3 },
  ftp: {
    host: "127.0.0.1",
    port: ftp.port,
    username: ftp.credentials.username,
    password: ftp.credentials.password,
    directory: "/tftp",
    backup_directory: "/backups",
    pool_size: 2,
  },
  restart: { sip_port: sip.port, timeout_ms: 3000, concurrency: 2 },
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
});

beforeAll(async () => {
  [ftp, sip, ami] = await Promise.all([startFtpServer(), startSipPhone({ host: "0.0.0.0" }), startAmiPeer()]);
  mkdirSync(path.join(ftp.root, "tftp"));
  confDir = mkdtempSync(path.join(tmpdir(), "cisisk-scale-conf-"));
  t = await buildTestApp({ sharedDatabase: true });
  [a, b] = await Promise.all([
    startServerProcess({ databaseUrl: t.databaseUrl, toml: toml() }),
    startServerProcess({ databaseUrl: t.databaseUrl, toml: toml() }),
  ]);
}, 90_000);
afterAll(async () => {
  await Promise.all([a, b].map((s) => s?.kill().catch(() => undefined)));
  await t?.close();
  await Promise.all([ftp?.close(), sip?.close(), ami?.stop()]);
  rmSync(confDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/** One HTTP request from a chosen loopback address (the client address the servers should see). */
function request(
  url: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string>; from?: string } = {},
): Promise<Answer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? "GET",
        localAddress: options.from ?? "127.0.0.1",
        agent: false,
        headers: { ...(payload && { "content-type": "application/json" }), ...options.headers },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () =>
          resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body) }),
        );
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const login = (server: string, from: string, username: string = ADMIN.username, password: string = ADMIN.password) =>
  request(`${server}/api/v1/auth/login`, { method: "POST", body: { username, password }, from });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("two servers on one database", () => {
  it("a login on A works on B; a refresh rotated on B invalidates the old token on A", async () => {
    const res = await login(a.url, "127.0.0.11");
    expect(res.status, res.body).toBe(200);
    const first = res.json<{ accessToken: string; refreshToken: string }>();
    const me = await request(`${b.url}/api/v1/auth/me`, { headers: bearer(first.accessToken) });
    expect(me.status, me.body).toBe(200);
    expect(me.json()).toMatchObject({ username: ADMIN.username });

    const rotated = await request(`${b.url}/api/v1/auth/refresh`, {
      method: "POST",
      body: { refreshToken: first.refreshToken },
    });
    expect(rotated.status, rotated.body).toBe(200);
    const second = rotated.json<{ accessToken: string; refreshToken: string }>();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await request(`${a.url}/api/v1/auth/me`, { headers: bearer(second.accessToken) })).status).toBe(200);

    // The old token, presented to A: refused, and (reuse) the whole session is ended, on both servers.
    const reused = await request(`${a.url}/api/v1/auth/refresh`, {
      method: "POST",
      body: { refreshToken: first.refreshToken },
    });
    expect(reused.status, reused.body).toBe(401);
    const after = await request(`${b.url}/api/v1/auth/refresh`, {
      method: "POST",
      body: { refreshToken: second.refreshToken },
    });
    expect(after.status, after.body).toBe(401);
  });

  it("login throttles count across both servers", async () => {
    // Three wrong passwords from one address, spread over both servers (A, B, A): the address limit (3) is
    // reached across the servers, so the next try is refused by either, before any password check. (A full
    // account limit alone refuses no clean address: the admin must still get in from elsewhere.)
    for (const server of [a, b, a]) {
      const res = await login(server.url, "127.0.0.41", "nobody-here", "wrong-password-1");
      expect(res.status, res.body).toBe(401);
    }
    for (const server of [b, a]) {
      const res = await login(server.url, "127.0.0.41", "nobody-here", "wrong-password-1");
      expect(res.status, res.body).toBe(429);
      expect(res.json()).toMatchObject({ error: { code: "rate_limited" } });
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    }
    // Another address is not affected, on either server.
    expect((await login(b.url, "127.0.0.42", "nobody-here", "wrong-password-1")).status).toBe(401);
  });

  it("applies the Asterisk outbox once: changes made on both servers, each applied by one of them", async () => {
    const h = bearer((await login(a.url, "127.0.0.12")).json<{ accessToken: string }>().accessToken);
    const numbers = ["6101", "6102", "6103", "6104", "6105", "6106"];
    for (const [i, number] of numbers.entries()) {
      const res = await request(`${[a, b][i % 2]!.url}/api/v1/extensions`, {
        method: "POST",
        headers: h,
        body: { number, technology: "PJSIP", displayName: `Scale ${number}` },
      });
      expect(res.status, res.body).toBe(201);
    }
    const rows = await eventually(
      async () => {
        const r = await t.db.kysely
          .selectFrom("asterisk_changes")
          .selectAll()
          .where("extension_number", "in", numbers)
          .execute();
        return r.length === numbers.length && r.every((c) => c.status === "applied") ? r : undefined;
      },
      20_000,
      "both servers' changes to be applied",
    );
    // Leased once each: no change was applied twice, by racing servers.
    expect(rows.map((r) => Number(r.attempts))).toEqual(numbers.map(() => 1));
    const conf = readFileSync(path.join(confDir, "pjsip_cisisk.conf"), "utf8");
    // Each extension written once: one endpoint, one auth, one AOR section.
    for (const n of numbers) expect(conf.match(new RegExp(`^\\[${n}\\]\\ntype=endpoint$`, "gm")), n).toHaveLength(1);
  });

  it("background sweeps run once: a deploy left by a dead server is failed by one of the two", async () => {
    // What a server killed mid-deploy leaves: a running deployment and its held job, lease run out.
    const deploymentId = newId();
    const jobId = newId();
    const long = new Date(Date.now() - 60_000).toISOString();
    await t.db.kysely
      .insertInto("deployments")
      .values({
        id: deploymentId,
        kind: "deploy",
        batch_id: null,
        profile_id: null,
        profile_name: "gone",
        phone_id: null,
        phone_mac: "0C1167880999",
        previous_profile_id: null,
        status: "running",
        failed_step: null,
        detail: null,
        steps: "[]",
        started_at: long,
        finished_at: null,
        current_step: "restart",
      })
      .execute();
    await t.db.kysely
      .insertInto("jobs")
      .values({
        id: jobId,
        kind: "deploy",
        subject: deploymentId,
        payload: "{}",
        status: "pending",
        attempts: 1,
        max_attempts: 1,
        run_after: long,
        lease_owner: newId(),
        lease_until: long,
        last_error: null,
        created_at: long,
        finished_at: null,
      })
      .execute();
    const row = await eventually(
      async () => {
        const d = await t.db.kysely
          .selectFrom("deployments")
          .selectAll()
          .where("id", "=", deploymentId)
          .executeTakeFirstOrThrow();
        return d.status === "failed" ? d : undefined;
      },
      10_000,
      "a server's loop to sweep the abandoned deploy",
    );
    expect(row).toMatchObject({ failed_step: "restart" });
    expect(row.detail).toMatch(/^abandoned/);
    // Both loops keep sweeping; the one that won the job logged its failure, the other never touched it.
    await new Promise((r) => setTimeout(r, 1000));
    const logged = (s: ServerProcess) =>
      s
        .output()
        .split("\n")
        .filter((l) => l.includes(jobId) && l.includes('"job failed"')).length;
    expect(logged(a) + logged(b)).toBe(1);
    const job = await t.db.kysely.selectFrom("jobs").selectAll().where("id", "=", jobId).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: "failed", lease_owner: null });
  });
});

interface Nginx {
  url: string;
  stop(): Promise<void>;
}

/** Debian's nginx in front of the servers, with the upstream block of docs/scale-out.md. */
async function startNginx(servers: ServerProcess[]): Promise<Nginx> {
  const dir = mkdtempSync(path.join(tmpdir(), "cisisk-nginx-"));
  const port = await freePort();
  const upstreams = servers.map((s) => `    server ${new URL(s.url).host} max_fails=1 fail_timeout=10s;`).join("\n");
  writeFileSync(
    path.join(dir, "nginx.conf"),
    `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream cisisk {
${upstreams}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://cisisk;
      proxy_bind ${PROXY_ADDRESS};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
      proxy_buffering off;
      proxy_read_timeout 1h;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`,
  );
  let out = "";
  const child: ChildProcess = spawn(NGINX, ["-p", dir, "-c", path.join(dir, "nginx.conf")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${out}`);
      return (await request(`${url}/api/v1/health`).catch(() => null))?.status === 200 ? true : undefined;
    },
    10_000,
    "nginx to answer",
  );
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.skipIf(!existsSync(NGINX) && !process.env.CI)("behind nginx", () => {
  let proxy: Nginx;
  beforeAll(async () => {
    proxy = await startNginx([a, b]);
  }, 30_000);
  afterAll(() => proxy?.stop());

  it("spreads requests over both servers, which see the real client address", async () => {
    const reached = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const res = await request(`${proxy.url}/api/v1/health`);
      expect(res.status).toBe(200);
      reached.add(String(res.headers["x-upstream"]));
    }
    expect([...reached].sort()).toEqual([a.url, b.url].map((u) => new URL(u).host).sort());

    // Three wrong logins from 127.0.0.23, spread over both servers: that address is at its limit (3)...
    for (const user of ["ghost-1", "ghost-2", "ghost-3"])
      expect((await login(proxy.url, "127.0.0.23", user, "wrong-password-1")).status).toBe(401);
    expect((await login(proxy.url, "127.0.0.23")).status).toBe(429);
    // ...while another client of the same proxy is not: the servers throttled the client, not nginx.
    expect((await login(proxy.url, "127.0.0.24")).status).toBe(200);
    // A client that is not the proxy cannot borrow an address with its own X-Forwarded-For.
    const forged = await request(`${a.url}/api/v1/auth/login`, {
      method: "POST",
      body: ADMIN,
      from: "127.0.0.25",
      headers: { "x-forwarded-for": "127.0.0.23" },
    });
    expect(forged.status, forged.body).toBe(200);
  });
});

describe("a bulk deploy whose server is killed with SIGKILL", () => {
  it("is finished by the other server: every phone deployed and restarted once", async () => {
    const inv = inventory(t);
    const owner = await inv.user("scale-owner");
    await inv.extension(owner, "6201", "Scale Owner", "sc4le$secret#1");
    const profile = await inv.profile({ name: "scale", softwareType: "SIPE", userId: owner });
    const phones = [];
    // Each phone at its own loopback address; the one SIP listener tells their NOTIFYs apart by URI.
    for (let i = 1; i <= 8; i++)
      phones.push(
        await inv.phone({
          mac: `0C1167885${String(i).padStart(3, "0")}`,
          model: "8851",
          softwareType: "SIPE",
          ip: `127.0.1.${i}`,
        }),
      );
    const h = bearer((await login(a.url, "127.0.0.13")).json<{ accessToken: string }>().accessToken);

    // Three uploads go through, then the FTP server stalls: A is mid-way, two phones in their upload.
    const storesBefore = ftp.stores;
    ftp.stallUploadsAfter = storesBefore + 3;
    const notifiesBefore = sip.received.length;
    const res = await request(`${a.url}/api/v1/deployments`, {
      method: "POST",
      headers: h,
      body: { profileId: profile.id, phoneIds: phones.map((p) => p.id) },
    });
    expect(res.status, res.body).toBe(202);
    const batchId = res.json<{ id: string }>().id;
    const rowsOf = () =>
      t.db.kysely
        .selectFrom("deployments")
        .select(["phone_mac", "status", "current_step", "failed_step", "detail"])
        .where("batch_id", "=", batchId)
        .execute();
    // Bulk rows stay in their "backup" step through all their FTP work: the two stalled uploads are the
    // two that reached the FTP server after the first three.
    await eventually(
      async () => {
        const rows = await rowsOf();
        const stuck = rows.filter((r) => r.status === "running" && r.current_step === "backup").length;
        const stalled = ftp.stores - storesBefore === 5;
        return stalled && stuck >= 2 && rows.filter((r) => r.status === "succeeded").length === 3 ? true : undefined;
      },
      30_000,
      "three phones deployed and two stalled in their upload",
    );
    await a.kill();
    ftp.stallUploadsAfter = null;

    const batch = await eventually(
      async () => {
        const r = await request(`${b.url}/api/v1/deployments/batches/${batchId}`, { headers: h });
        expect(r.status, r.body).toBe(200);
        const body = r.json<{ status: string; done: number; succeeded: number; failed: number }>();
        return body.status === "running" ? undefined : body;
      },
      30_000,
      "server B to finish the batch",
    );
    const rows = await rowsOf();
    expect(batch, JSON.stringify(rows)).toMatchObject({ status: "finished", done: 8, succeeded: 8, failed: 0 });
    for (const p of phones) {
      // Deployed once: one file renamed into place; restarted once: one NOTIFY to the phone's address.
      expect(ftp.placed.get(`SEP${p.mac}.cnf.xml`), p.mac).toBe(1);
      const notifies = sip.received
        .slice(notifiesBefore)
        .filter((n) => n.message.startLine.includes(`@${p.ip}:${sip.port}`));
      expect(notifies, p.mac).toHaveLength(1);
    }
    // Held by A (attempt 1), taken over by B (attempt 2), completed once B's run returns.
    const job = await eventually(
      async () => {
        const row = await t.db.kysely
          .selectFrom("jobs")
          .selectAll()
          .where("subject", "=", batchId)
          .executeTakeFirstOrThrow();
        return row.status === "pending" ? undefined : row;
      },
      10_000,
      "the batch's job to finish",
    );
    expect(job).toMatchObject({ kind: "deploy_batch", status: "succeeded", attempts: 2, lease_owner: null });
  }, 120_000);
});
