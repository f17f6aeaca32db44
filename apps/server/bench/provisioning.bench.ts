// A provisioning storm: 10,000 known devices fetch their files at 200 connections for a fixed time, from
// the real server (a separate process, like production) and from nginx (Debian package, one worker,
// sendfile) serving the same files pre-rendered as static files, in the same run. Prints requests/s,
// p50/p99 and errors for both and the ratio. Target: ≥ 0.5 of nginx's rate, p99 < 50 ms, no errors.
// Runs on the DATABASE_URL engine (SQLite file by default). BENCH_SECONDS changes the duration (default 10).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { loadConfig } from "../src/config.js";
import { createDeps } from "../src/deps.js";
import { createLogger } from "../src/logger.js";
import { startServerProcess } from "../src/test/server-process.js";
import { createTestDatabase } from "../src/test/test-database.js";

const DEVICES = 10_000;
const CONNECTIONS = 200;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const NGINX = "/usr/sbin/nginx";

const macOf = (i: number) => `805ec0${i.toString(16).padStart(6, "0")}`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Figures {
  name: string;
  /** Server CPU per answered request (µs): what the machine's load does not change much. */
  cpuPerRequest: number;
  /** The load generator's (this process's) CPU per request (µs). */
  clientCpuPerRequest: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

/** 200 connections for SECONDS, each request a different device's file (round robin over all 10,000). */
async function storm(name: string, base: string, pid: number, seconds = SECONDS): Promise<Figures> {
  let i = 0;
  const cpuBefore = cpuSeconds(pid);
  const clientBefore = process.cpuUsage();
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: "GET",
        setupRequest: (req) => ({ ...req, path: `/provision/${macOf(i++ % DEVICES)}.cfg` }),
      },
    ],
  });
  const client = process.cpuUsage(clientBefore);
  return {
    name,
    cpuPerRequest: ((cpuSeconds(pid) - cpuBefore) * 1e6) / result.requests.total,
    clientCpuPerRequest: (client.user + client.system) / result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

function startNginx(root: string, port: number): Promise<ChildProcess> {
  const conf = path.join(root, "nginx.conf");
  for (const d of ["logs", "tmp"]) mkdirSync(path.join(root, d), { recursive: true });
  writeFileSync(
    conf,
    [
      "worker_processes 1;",
      "daemon off;",
      "master_process off;",
      `pid ${root}/nginx.pid;`,
      `error_log ${root}/logs/error.log warn;`,
      "events { worker_connections 4096; }",
      "http {",
      "  access_log off;",
      "  sendfile on;",
      "  tcp_nopush on;",
      "  keepalive_requests 1000000;",
      "  keepalive_timeout 65;",
      `  client_body_temp_path ${root}/tmp/body;`,
      `  proxy_temp_path ${root}/tmp/proxy;`,
      `  fastcgi_temp_path ${root}/tmp/fastcgi;`,
      `  uwsgi_temp_path ${root}/tmp/uwsgi;`,
      `  scgi_temp_path ${root}/tmp/scgi;`,
      "  default_type text/plain;",
      `  server { listen 127.0.0.1:${port}; root ${root}/www; location /provision/ { } }`,
      "}",
      "",
    ].join("\n"),
  );
  const child = spawn(NGINX, ["-c", conf, "-p", root, "-e", `${root}/logs/error.log`], { stdio: "inherit" });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const poll = () =>
      fetch(`http://127.0.0.1:${port}/provision/${macOf(0)}.cfg`)
        .then((r) => (r.ok ? resolve(child) : Promise.reject(new Error(`nginx answered ${r.status}`))))
        .catch((error: unknown) => {
          if (child.exitCode !== null || Date.now() > deadline) reject(error as Error);
          else setTimeout(poll, 100);
        });
    poll();
  });
}

const row = (f: Figures) =>
  `${f.name.padEnd(8)} ${f.rps.toFixed(0).padStart(8)} req/s   p50 ${String(f.p50).padStart(3)} ms   p99 ${String(f.p99).padStart(3)} ms   errors ${f.errors}   non-2xx ${f.non2xx}   (${f.requests} requests; CPU per request: server ${f.cpuPerRequest.toFixed(0)} µs, autocannon ${f.clientCpuPerRequest.toFixed(0)} µs)`;

export async function run(): Promise<void> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing (apt-get install nginx)`);
  const db = await createTestDatabase({ shared: true });
  const work = mkdtempSync(path.join(tmpdir(), "cisisk-bench-prov-"));
  let server: Awaited<ReturnType<typeof startServerProcess>> | null = null;
  let nginx: ChildProcess | null = null;
  try {
    // 10,000 Yealink T46S with explicit credentials, through the phones service (sealed passwords).
    const config = loadConfig(
      {
        JWT_SECRET: "test-secret-test-secret-test-secret-0123456789",
        CISISK_SECRET_KEY: "test-key-test-key-test-key-test-key-0123456789",
        CISISK_CONFIG: "/dev/null/none.toml",
      },
      { allowMissingConfigFile: true },
    );
    const deps = createDeps(config, db, { log: createLogger("warn") });
    const started = Date.now();
    for (let i = 0; i < DEVICES; i++)
      await deps.phones.create({
        mac: macOf(i).toUpperCase(),
        brand: "yealink",
        model: "T46S",
        softwareType: null,
        ip: null,
        location: null,
        label: `Desk ${i}`,
        userId: null,
        sipUsername: String(100000 + i),
        sipPassword: `pw-${i}-${(i * 7919).toString(36)}`,
        sipServer: "203.0.113.10:5060",
      });
    await deps.closeAdapters();
    console.log(`${DEVICES} devices created in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    server = await startServerProcess({
      databaseUrl: db.url,
      toml: {
        asterisk: { host: "203.0.113.10" },
        provisioning: { provision_url_base: "http://203.0.113.10:8080/provision", miss_limit_per_minute: 1000 },
      },
      env: { LOG_LEVEL: "warn" },
    });

    // nginx gets exactly what the server serves: every file fetched once over HTTP, written as a static file.
    const www = path.join(work, "www", "provision");
    mkdirSync(www, { recursive: true });
    for (let i = 0; i < DEVICES; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, DEVICES - i) }, async (_, k) => {
          const name = `${macOf(i + k)}.cfg`;
          const res = await fetch(`${server!.url}/provision/${name}`);
          if (!res.ok) throw new Error(`${name}: ${res.status}`);
          writeFileSync(path.join(www, name), await res.text());
        }),
      );
    }
    const nginxPort = await freePort();
    nginx = await startNginx(work, nginxPort);

    console.log(`${CONNECTIONS} connections, ${SECONDS} s each, round robin over ${DEVICES} files`);
    await storm("warm-up", `http://127.0.0.1:${nginxPort}`, nginx.pid!, 2);
    const ngx = await storm("nginx", `http://127.0.0.1:${nginxPort}`, nginx.pid!);
    await storm("warm-up", server.url, server.pid, 2);
    const ours = await storm("cisisk", server.url, server.pid);
    console.log(row(ngx));
    console.log(row(ours));
    const ratio = ours.rps / ngx.rps;
    console.log(
      `ratio cisisk/nginx ${ratio.toFixed(2)} (target ≥ 0.5); cisisk p99 ${ours.p99} ms (target < 50); errors ${ours.errors + ours.non2xx}`,
    );
    console.log(ratio >= 0.5 && ours.p99 < 50 && ours.errors + ours.non2xx === 0 ? "TARGET MET" : "TARGET NOT MET");
  } finally {
    nginx?.kill("SIGTERM");
    await server?.stop();
    await db.close();
    rmSync(work, { recursive: true, force: true });
  }
}
