// Bulk deploy of one profile to 500 and 5,000 phones against Debian's vsftpd (a separate process) and
// loopback SIP phones that answer every NOTIFY, next to its limit: a plain basic-ftp loop doing the FTP
// operations a deploy does (backup rename, upload under a temp name, rename into place, size check) at the
// same concurrency over a pool of the same size. BENCH_PHONES="500,5000", BENCH_POOL=4, BENCH_CONCURRENCY=8;
// BENCH_STEPS=1 prints each step's mean time and the statements per phone by kind; BENCH_CPU_PROFILE=<dir> writes
// a CPU profile of each bulk deploy (not of the FTP loop) there.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { Client, FTPError } from "basic-ftp";
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, RootOperationNode } from "kysely";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createDeps } from "../src/deps.js";
import { createLogger } from "../src/logger.js";
import { newId } from "../src/lib/ids.js";
import { startSipPhone } from "../src/test/phone-peers.js";
import { createTestDatabase } from "../src/test/test-database.js";
import { startVsftpd, type Vsftpd } from "./vsftpd.js";

const SIZES = (process.env.BENCH_PHONES ?? "500,5000").split(",").map(Number);
const POOL = Number(process.env.BENCH_POOL ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

/** Every phone already has a file and no backups: a redeploy backs the file up first, as in production. */
function resetFtp(ftp: Vsftpd, macs: string[]): void {
  for (const d of ["tftp", "backups"])
    for (const f of readdirSync(path.join(ftp.root, d))) rmSync(path.join(ftp.root, d, f), { recursive: true });
  for (const mac of macs) writeFileSync(path.join(ftp.root, "tftp", `SEP${mac}.cnf.xml`), "<device/>\n");
}

/** The limit: the deploy's FTP operations per phone, `CONCURRENCY` workers sharing `POOL` connections. */
async function plainLoop(ftp: Vsftpd, macs: string[], content: Buffer): Promise<number> {
  const clients: Client[] = [];
  for (let i = 0; i < POOL; i++) {
    const c = new Client(10_000);
    await c.access({ host: "127.0.0.1", port: ftp.port, user: "anonymous", password: "" });
    clients.push(c);
  }
  const waiting: ((c: Client) => void)[] = [];
  const acquire = () =>
    new Promise<Client>((resolve) => (clients.length ? resolve(clients.pop()!) : waiting.push(resolve)));
  const release = (c: Client) => (waiting.length ? waiting.shift()!(c) : clients.push(c));
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < macs.length) {
      const file = `SEP${macs[next++]!}.cnf.xml`;
      const c = await acquire();
      try {
        await c.send(`RNFR /tftp/${file}`);
        const target = `/backups/${file}/${Date.now()}-${newId().slice(0, 8)}.cnf.xml`;
        try {
          await c.send(`RNTO ${target}`);
        } catch (error) {
          // The phone's backup folder does not exist yet: made, and the rename tried again.
          if (!(error instanceof FTPError && error.code === 550)) throw error;
          await c.send(`MKD /backups/${file}`);
          await c.send(`RNFR /tftp/${file}`);
          await c.send(`RNTO ${target}`);
        }
        await c.uploadFrom(Readable.from([content]), `/tftp/.${file}.uploading`);
        await c.rename(`/tftp/.${file}.uploading`, `/tftp/${file}`);
        if ((await c.size(`/tftp/${file}`)) !== content.length) throw new Error(`${file}: wrong size`);
      } finally {
        release(c);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  for (const c of clients) c.close();
  return seconds;
}

/** The table a statement is about (its first FROM, INTO or UPDATE target), for the breakdown. */
function tableOf(node: RootOperationNode): string {
  const target =
    node.kind === "InsertQueryNode"
      ? node.into
      : node.kind === "UpdateQueryNode"
        ? node.table
        : node.kind === "SelectQueryNode" || node.kind === "DeleteQueryNode"
          ? node.from?.froms[0]
          : undefined;
  const found = target && JSON.stringify(target).match(/"name":"([a-z_]+)"/);
  return found?.[1] ?? "";
}

/**
 * Counts the statements the server's code sends (the bench's own reads go past it), by kind and table.
 * Transactions' BEGIN/COMMIT are not built by Kysely and are not counted.
 */
class StatementCounter implements KyselyPlugin {
  readonly byKind = new Map<string, number>();
  total = 0;
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    this.total++;
    if (!process.env.BENCH_STEPS) return node;
    const key = `${node.kind.replace(/QueryNode$|Node$/, "").toLowerCase()} ${tableOf(node)}`.trim();
    this.byKind.set(key, (this.byKind.get(key) ?? 0) + 1);
    return node;
  }
  transformResult({ result }: PluginTransformResultArgs) {
    return Promise.resolve(result);
  }
  reset() {
    this.total = 0;
    this.byKind.clear();
  }
}

/**
 * Runs `fn`, measuring the CPU time this process spent on it (less sensitive to other load on the machine
 * than the wall clock), and with BENCH_CPU_PROFILE a CPU profile of it written as `<name>.cpuprofile`.
 */
async function measured<T>(name: string, fn: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const dir = process.env.BENCH_CPU_PROFILE;
  const profiler = dir ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  }
  const cpu0 = process.cpuUsage();
  const value = await fn();
  const cpu = process.cpuUsage(cpu0);
  if (profiler) {
    const { profile } = await profiler.post("Profiler.stop");
    mkdirSync(dir!, { recursive: true });
    writeFileSync(path.join(dir!, `${name}.cpuprofile`), JSON.stringify(profile));
    profiler.disconnect();
  }
  return { value, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Where a phone's time goes: the mean of each recorded step, and of the rest of its deploy (DB, render). */
async function stepTimes(db: Awaited<ReturnType<typeof createTestDatabase>>, batchId: string): Promise<string> {
  const rows = await db.kysely
    .selectFrom("deployments")
    .select(["steps", "started_at", "finished_at"])
    .where("batch_id", "=", batchId)
    .execute();
  const sum = new Map<string, number>();
  const ms = (a: string, b: string) => new Date(b).getTime() - new Date(a).getTime();
  for (const r of rows) {
    const steps = JSON.parse(r.steps) as { name: string; startedAt: string; finishedAt: string }[];
    let inSteps = 0;
    for (const st of steps) {
      const d = ms(st.startedAt, st.finishedAt);
      inSteps += d;
      sum.set(st.name, (sum.get(st.name) ?? 0) + d);
    }
    sum.set("outside steps", (sum.get("outside steps") ?? 0) + ms(r.started_at, r.finished_at!) - inSteps);
  }
  return [...sum].map(([k, v]) => `${k} ${(v / rows.length).toFixed(1)} ms`).join(", ");
}

export async function run(): Promise<void> {
  const [ftp, sip] = await Promise.all([startVsftpd(), startSipPhone()]);
  const db = await createTestDatabase();
  const config = loadConfig(
    {
      JWT_SECRET: "bench-secret-bench-secret-bench-secret-0123",
      CISISK_SECRET_KEY: "bench-key-bench-key-bench-key-bench-key-0123",
      CISISK_CONFIG: "/dev/null/none.toml",
      LOG_LEVEL: "silent",
    },
    {
      allowMissingConfigFile: true,
      toml: {
        ftp: {
          host: "127.0.0.1",
          port: ftp.port,
          username: "anonymous",
          password: "",
          directory: "/tftp",
          backup_directory: "/backups",
          pool_size: POOL,
        },
        restart: { sip_port: sip.port, timeout_ms: 5000, concurrency: CONCURRENCY },
      },
    },
  );
  const statements = new StatementCounter();
  const deps = createDeps(config, { ...db, kysely: db.kysely.withPlugin(statements) }, { log: createLogger("warn") });
  const app = await buildApp(deps);
  try {
    // Inventory: one owner with a line and the phones (written straight to the tables: setup, not measured).
    const now = new Date().toISOString();
    const owner = newId();
    await db.kysely
      .insertInto("users")
      .values({
        id: owner,
        username: "bench",
        username_key: "bench",
        display_name: "Bench",
        email: null,
        phone: null,
        level: 1,
        activated: 1,
        password_hash: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db.kysely
      .insertInto("extensions")
      .values({
        id: newId(),
        number: "5001",
        technology: "SIP",
        display_name: "Bench",
        user_id: owner,
        context: "from-internal",
        secret_encrypted: deps.secretBox.seal("bench-secret"),
        ha1_md5: "0".repeat(32),
        ha1_sha256: "0".repeat(64),
        voicemail: null,
        codecs: null,
        transport: null,
        options: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const phones = Array.from({ length: Math.max(...SIZES) }, (_, i) => ({
      id: newId(),
      mac: `0C1167${i.toString(16).toUpperCase().padStart(6, "0")}`,
      brand: "cisco",
      model: "8845",
      software_type: "SIPE",
      ip: "127.0.0.1",
      location: null,
      label: null,
      user_id: null,
      current_profile_id: null,
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < phones.length; i += 100)
      await db.kysely
        .insertInto("phones")
        .values(phones.slice(i, i + 100))
        .execute();
    const profile = await deps.profiles.create({
      name: "bench",
      description: null,
      userId: owner,
      compatibleModels: [],
      softwareType: "SIPE",
    });
    const content = Buffer.from(
      (await deps.profiles.renderForDeploy(profile, await deps.phones.get(phones[0]!.id))).xml,
    );
    mkdirSync(path.join(ftp.root, "tftp"), { recursive: true });

    console.log(
      `vsftpd ${ftp.port} (separate process); FTP pool ${POOL}, concurrency ${CONCURRENCY}; ${content.length} bytes per file`,
    );
    console.log(
      "| phones | limit (plain FTP loop) | bulk deploy | ratio | succeeded | NOTIFYs answered | statements per phone | CPU ms per phone (limit / bulk) |",
    );
    console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const n of SIZES) {
      const subset = phones.slice(0, n);
      const macs = subset.map((p) => p.mac);
      resetFtp(ftp, macs);
      const limit = await measured(`limit-${n}`, () => plainLoop(ftp, macs, content));
      const limitSeconds = limit.value;

      resetFtp(ftp, macs);
      const notifiesBefore = sip.received.length;
      statements.reset();
      const ours = await measured(`bulk-${db.dialect}-${n}`, async () => {
        const t0 = performance.now();
        const started = await deps.deployments.startBatch(
          profile.id,
          subset.map((p) => p.id),
        );
        for (;;) {
          const row = await db.kysely
            .selectFrom("deployment_batches")
            .select("status")
            .where("id", "=", started.id)
            .executeTakeFirstOrThrow();
          if (row.status !== "running") break;
          // Every 50 ms (at most 50 ms late): polling every 10 ms was a fifth of the statements of a run on PostgreSQL.
          await new Promise((r) => setTimeout(r, 50));
        }
        const seconds = (performance.now() - t0) / 1000;
        // The batch reads as finished just before its job's last writes: they end before anything else runs.
        await deps.deployments.settled();
        return { batch: started, seconds };
      });
      const { batch, seconds: oursSeconds } = ours.value;
      const perPhone = statements.total / n;
      const state = await deps.deployments.batch(batch.id, false);
      const recorded = await db.kysely
        .selectFrom("deployments")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("batch_id", "=", batch.id)
        .where("status", "=", "succeeded")
        .where("finished_at", "is not", null)
        .executeTakeFirstOrThrow();
      const notifies = sip.received.length - notifiesBefore;
      if (process.env.BENCH_STEPS) {
        console.log(await stepTimes(db, batch.id));
        console.log(
          [...statements.byKind]
            .sort((a, b) => b[1] - a[1])
            .map(([k, v]) => `${k} ${(v / n).toFixed(2)}`)
            .join(", "),
        );
      }
      const limitRate = n / limitSeconds;
      const oursRate = n / oursSeconds;
      console.log(
        `| ${n} | ${limitRate.toFixed(0)} phones/s (${limitSeconds.toFixed(2)} s) | ${oursRate.toFixed(0)} phones/s (${oursSeconds.toFixed(2)} s) | ${(oursRate / limitRate).toFixed(2)} | ${Number(recorded.n)}/${n} | ${notifies}/${n} | ${perPhone.toFixed(2)} | ${(limit.cpuMs / n).toFixed(2)} / ${(ours.cpuMs / n).toFixed(2)} |`,
      );
      if (state.failed > 0 || Number(recorded.n) !== n || notifies !== n) {
        const full = await deps.deployments.batch(batch.id, true);
        console.log(
          "NOT every phone deployed; first failure:",
          full.results.find((r) => r.status !== "succeeded"),
        );
      }
    }
    console.log("target: ratio ≥ 0.5 (every phone's file backed up, replaced and verified, NOTIFY answered, recorded)");
  } finally {
    // A run cut short (an error above) still ends its writes before the database closes under them.
    await deps.deployments.settled();
    await app.close();
    await deps.closeAdapters();
    await db.close();
    await Promise.all([ftp.stop(), sip.close()]);
  }
}
