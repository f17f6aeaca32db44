// Cisisk's TFTP server next to Debian's tftpd-hpa: 1,000 different phone files (SEP<MAC>.cnf.xml, 2-16 KiB),
// fetched by concurrent TFTP clients (a worker thread, so the clients do not share Cisisk's event loop), plain
// RFC 1350 octet transfers of 512-byte blocks. Cisisk serves them from its database (published the way a deploy
// in store = "self" does); tftpd-hpa from the same files on disk, in its own process. Files/s for each and
// the ratio (target ≥ 0.5). Runs on the DATABASE_URL engine (SQLite in a temporary file by default).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { loadConfig } from "../src/config.js";
import { createDeps } from "../src/deps.js";
import { startFileServers } from "../src/file-servers.js";
import { createLogger } from "../src/logger.js";
import { createTestDatabase } from "../src/test/test-database.js";

const FILES = 1_000;
const CONCURRENCY = Number(process.env.TFTP_CLIENTS ?? 16);

/** The client, plain JS for an eval'd worker: RRQ, then ACK every DATA until a short block; 1 s retransmit. */
const CLIENT = `
const { parentPort, workerData } = require("node:worker_threads");
const dgram = require("node:dgram");
const { port, names, concurrency } = workerData;
let failure = "";
function fetch(name) {
  return new Promise((resolve) => {
    const s = dgram.createSocket("udp4");
    let size = 0, expect = 1, last = null, tries = 0, timer;
    const done = (r) => { clearTimeout(timer); s.close(); resolve(r); };
    const send = (p, to) => { last = [p, to]; s.send(p, to, "127.0.0.1"); clearTimeout(timer);
      timer = setTimeout(() => (++tries > 5 ? done(-1) : send(...last)), 1000); };
    s.on("message", (m, from) => {
      const op = m.readUInt16BE(0);
      if (op === 5) { failure = failure || m.subarray(4).toString(); return done(-1); }
      if (op !== 3) return;
      const block = m.readUInt16BE(2);
      const ack = Buffer.from([0, 4, m[2], m[3]]);
      if (block !== (expect & 0xffff)) return s.send(ack, from.port, "127.0.0.1");
      size += m.length - 4; expect++; tries = 0;
      // The last ACK must leave before the socket closes, or the server waits for it in vain.
      if (m.length - 4 < 512) { clearTimeout(timer); return s.send(ack, from.port, "127.0.0.1", () => done(size)); }
      send(ack, from.port);
    });
    s.bind(0, "127.0.0.1", () => send(Buffer.concat([Buffer.from([0, 1]), Buffer.from(name + "\\0octet\\0")]), port));
  });
}
(async () => {
  let next = 0, bytes = 0, failed = 0;
  const sizes = new Array(names.length);
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < names.length) { const i = next++; const n = await fetch(names[i]); sizes[i] = n; if (n < 0) failed++; else bytes += n; }
  }));
  parentPort.postMessage({ failure, ms: Number(process.hrtime.bigint() - started) / 1e6, bytes, failed, sizes });
})();
`;

function fetchAll(port: number, names: string[]) {
  return new Promise<{ ms: number; bytes: number; failed: number; failure: string; sizes: number[] }>(
    (resolve, reject) => {
      const w = new Worker(CLIENT, { eval: true, workerData: { port, names, concurrency: CONCURRENCY } });
      w.once("message", (m) => {
        resolve(m);
        void w.terminate();
      });
      w.once("error", reject);
    },
  );
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function run(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "cisisk-tftp-bench-"));
  chmodSync(work, 0o755);
  const root = path.join(work, "root");
  mkdirSync(root, { mode: 0o755 });
  const files = Array.from({ length: FILES }, (_, i) => ({
    name: `SEP${(0xbe0000000000 + i).toString(16).toUpperCase()}.cnf.xml`,
    body: randomBytes(2048 + ((i * 7919) % 14336)),
  }));
  for (const f of files) writeFileSync(path.join(root, f.name), f.body, { mode: 0o644 });
  const names = files.map((f) => f.name);

  const db = await createTestDatabase({ shared: true });
  const config = loadConfig(
    {
      JWT_SECRET: "bench-secret-bench-secret-bench-secret-0123",
      CISISK_SECRET_KEY: "bench-key-bench-key-bench-key-bench-key-0123",
      CISISK_CONFIG: "/dev/null/none.toml",
      CISISK_DATA_DIR: path.join(work, "data"),
    },
    {
      toml: { server: { host: "127.0.0.1" }, provisioning: { store: "self", miss_limit_per_minute: 100_000 } },
      allowMissingConfigFile: true,
    },
  );
  const deps = createDeps(config, db, { log: createLogger("silent") });
  // Published the way a deploy in store = "self" does.
  await deps.phoneFiles.session(async (s) => {
    for (const f of files) await s.upload(f.name, f.body);
  });
  const servers = await startFileServers(deps, { tftp: 0, http: null });

  const tftpdPort = await freeUdpPort();
  const tftpd = spawn("/usr/sbin/in.tftpd", ["-L", "-s", root, "-a", `127.0.0.1:${tftpdPort}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let tftpdErr = "";
  tftpd.stderr.on("data", (c: Buffer) => (tftpdErr += c.toString()));
  await new Promise((r) => setTimeout(r, 300));

  try {
    const check = (label: string, r: { failed: number; failure: string; sizes: number[] }) => {
      const wrong = r.sizes.filter((n, i) => n !== files[i]!.body.length).length;
      if (r.failed || wrong) console.log(`  ${label}: ${r.failed} failed (${r.failure}), ${wrong} of the wrong size`);
    };
    // Warm-up (JIT, database pages, page cache), then measured runs, alternating.
    await fetchAll(servers.tftpPort!, names.slice(0, 100));
    await fetchAll(tftpdPort, names.slice(0, 100));
    const rounds: { cisisk: number; tftpd: number }[] = [];
    for (let round = 0; round < 3; round++) {
      const c = await fetchAll(servers.tftpPort!, names);
      check("cisisk", c);
      const t = await fetchAll(tftpdPort, names);
      check("tftpd-hpa", t);
      if (tftpdErr) console.log(`  tftpd-hpa said: ${tftpdErr.trim()}`);
      rounds.push({ cisisk: (FILES / c.ms) * 1000, tftpd: (FILES / t.ms) * 1000 });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const cisisk = median(rounds.map((r) => r.cisisk));
    const tftpdRate = median(rounds.map((r) => r.tftpd));
    console.log(
      `${FILES} files (${CONCURRENCY} concurrent clients, 512-byte blocks), median of ${rounds.length} rounds:`,
    );
    console.log(`  cisisk (database)   ${cisisk.toFixed(0)} files/s`);
    console.log(`  tftpd-hpa (disk)    ${tftpdRate.toFixed(0)} files/s`);
    console.log(`  ratio               ${(cisisk / tftpdRate).toFixed(2)} (target ≥ 0.5)`);
  } finally {
    tftpd.kill("SIGTERM");
    await servers.close();
    await deps.closeAdapters();
    await db.close();
    rmSync(work, { recursive: true, force: true });
  }
}
