// Asterisk at site scale, against the real Asterisk 22 (shared/asterisk): 10,000 PJSIP extensions imported
// by CSV in files mode vs `[asterisk] mode = "none"`, then one changed secret: how long from the PATCH until
// a SIPp REGISTER with the new secret is accepted, in files mode and in realtime mode (PostgreSQL).
// BENCH_EXTENSIONS=10000; BENCH_FILES=0 / BENCH_REALTIME=0 skip the files / realtime runs;
// BENCH_FILES_LAYOUTS=wizards,single: the PJSIP file layouts measured (wizards: pjsip_wizard.conf includes
// pjsip_cisisk_wizard.conf; single: only pjsip.conf's #include pjsip_cisisk.conf, as installs before it).
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Writable } from "node:stream";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createDeps } from "../src/deps.js";
import { createLogger } from "../src/logger.js";
import {
  asteriskMissing,
  createRealtimeDatabase,
  sippRegister,
  startAsterisk,
  type RealAsterisk,
  type RealtimeDatabase,
} from "../src/test/real-asterisk.js";
import { createTestDatabase } from "../src/test/test-database.js";

const ROWS = Number(process.env.BENCH_EXTENSIONS ?? 10_000);

async function site(asterisk: Record<string, unknown>) {
  const db = await createTestDatabase();
  const config = loadConfig(
    {
      JWT_SECRET: "bench-secret-bench-secret-bench-secret-0123",
      CISISK_SECRET_KEY: "bench-key-bench-key-bench-key-bench-key-0123",
      CISISK_CONFIG: "/dev/null/none.toml",
    },
    { allowMissingConfigFile: true, toml: { asterisk } },
  );
  // The outbox logs each files batch's stages (read, render + write, reload): kept for the breakdown below.
  const stages: Array<Record<string, unknown>> = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === "asterisk files applied") stages.push(entry);
        else if (Number(entry.level) >= 40) process.stderr.write(`${line}\n`);
      }
      done();
    },
  });
  const deps = createDeps(config, db, { log: createLogger("info", logStream) });
  const app = await buildApp(deps);
  await deps.users.ensureSuperadmin("admin", "bench-password-1", () => "bench-password-1");
  const login = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { username: "admin", password: "bench-password-1" },
  });
  const headers = { authorization: `Bearer ${login.json().accessToken}` };
  return {
    db,
    /** The stages of the last files batch the outbox applied (read, render + write, reload), in ms. */
    lastStages: () => stages.at(-1),
    /** The CSV import of ROWS PJSIP extensions: ms until it answers, and until Asterisk has it all. */
    async importCsv(): Promise<{ answered: number; applied: number }> {
      const lines = ["number,technology,displayName,username"];
      for (let i = 0; i < ROWS; i++) lines.push(`${200000 + i},PJSIP,Person ${i} Desk,`);
      const t0 = performance.now();
      const res = await app.inject({
        method: "POST",
        url: "/api/v1/extensions/import",
        headers: { ...headers, "content-type": "text/csv" },
        payload: lines.join("\n"),
      });
      const ms = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`import failed: ${res.statusCode} ${res.body.slice(0, 300)}`);
      // The outbox applies the import after the answer: until every change is applied (mode none: none).
      for (;;) {
        const left = await db.kysely
          .selectFrom("asterisk_changes")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("status", "!=", "applied")
          .executeTakeFirstOrThrow();
        if (Number(left.n) === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return { answered: ms, applied: performance.now() - t0 };
    },
    /** Changes one extension's secret; ms from the PATCH until SIPp registers with it (and the SIPp tries). */
    async changeSecret(ast: RealAsterisk, number: string, secret: string) {
      const row = await db.kysely
        .selectFrom("extensions")
        .select("id")
        .where("number", "=", number)
        .executeTakeFirstOrThrow();
      const t0 = performance.now();
      const res = await app.inject({
        method: "PATCH",
        url: `/api/v1/extensions/${row.id}`,
        headers,
        payload: { secret },
      });
      if (res.statusCode !== 200) throw new Error(`PATCH failed: ${res.statusCode} ${res.body.slice(0, 300)}`);
      const answered = performance.now() - t0;
      const refused: string[] = [];
      for (let tries = 1; ; tries++) {
        const tryAt = performance.now() - t0;
        const r = await sippRegister({ sipPort: ast.sipPort, user: number, password: secret, expires: 60 });
        if (r.ok) return { answered, usable: performance.now() - t0, tries, refused };
        refused.push(`try ${tries} at ${fmt(tryAt)}: ${sippFailure(r.output)}`);
        if (performance.now() - t0 > 30_000) {
          const waiting = await db.kysely
            .selectFrom("asterisk_changes")
            .select(["id", "status", "attempts", "last_error"])
            .where("status", "!=", "applied")
            .limit(3)
            .execute();
          throw new Error(`never registered; outbox: ${JSON.stringify(waiting)}; SIPp: ${r.output.slice(-300)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await app.close();
      await deps.closeAdapters();
      await db.close();
    },
  };
}

/** What went wrong in a failed SIPp run, in a few words (its last meaningful line). */
function sippFailure(output: string): string {
  const lines = output.split("\n").filter((l) => /unexpected|timeout|abort|error|refused|40\d|50\d/i.test(l));
  return (lines.at(-1) ?? output.trim().split("\n").at(-1) ?? "").trim().slice(0, 160);
}

/** CPU time Asterisk has used so far (user + system, ms): what its reload costs whatever the machine's load. */
function asteriskCpuMs(ast: RealAsterisk): number {
  const pid = readFileSync(path.join(ast.etcDir, "..", "run", "cisisk.pid"), "utf8").trim();
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** SIPp REGISTERs until one is accepted (Asterisk busy: no answer within SIPp's 8 s); ms until then. */
async function untilRegistered(ast: RealAsterisk, number: string, password: string): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const r = await sippRegister({ sipPort: ast.sipPort, user: number, password, expires: 60 });
    if (r.ok) return performance.now() - t0;
    if (performance.now() - t0 > 120_000) throw new Error(`REGISTER never accepted: ${sippFailure(r.output)}`);
  }
}

/** A SIPp REGISTER on its own (process start, digest round trip): the floor under every figure below. */
async function sippFloor(ast: RealAsterisk, number: string, password: string): Promise<number> {
  const t0 = performance.now();
  const r = await sippRegister({ sipPort: ast.sipPort, user: number, password, expires: 60 });
  if (!r.ok) throw new Error(`baseline REGISTER failed: ${r.output.slice(-300)}`);
  return performance.now() - t0;
}

export async function run(): Promise<void> {
  const missing = asteriskMissing();
  if (missing) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const ami = (ast: RealAsterisk) => ({
    ami_host: "127.0.0.1",
    ami_port: ast.amiPort,
    ami_username: ast.ami.username,
    ami_secret: ast.ami.secret,
  });

  // Mode none: the import with no Asterisk at all, what both modes are compared with.
  const none = await site({ mode: "none" });
  const noneMs = await none.importCsv();
  await none.close();
  console.log(`CSV import of ${ROWS} PJSIP extensions, mode none: answers in ${fmt(noneMs.answered)}`);

  if (process.env.BENCH_FILES !== "0")
    for (const layout of (process.env.BENCH_FILES_LAYOUTS ?? "wizards,single").split(",")) {
      if (layout !== "wizards" && layout !== "single") throw new Error(`unknown files layout ${layout}`);
      await filesMode(ami, noneMs.answered, layout);
    }
  if (process.env.BENCH_REALTIME === "0") return;
  await realtimeMode(ami, noneMs.answered);
}

type AmiOf = (ast: RealAsterisk) => Record<string, unknown>;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** An admin's pjsip_wizard.conf that includes Cisisk's wizards (the file must exist before Asterisk reads it). */
const WIZARD_INCLUDE = {
  "pjsip_wizard.conf": "[general]\n#include pjsip_cisisk_wizard.conf\n",
  "pjsip_cisisk_wizard.conf": "",
};

async function filesMode(ami: AmiOf, noneMs: number, layout: "wizards" | "single"): Promise<void> {
  const ast = await startAsterisk(layout === "wizards" ? { etcFiles: WIZARD_INCLUDE } : {});
  console.log(`files mode, PJSIP layout "${layout}":`);
  try {
    const files = await site({ mode: "files", config_dir: ast.etcDir, ...ami(ast) });
    try {
      const filesMs = await files.importCsv();
      const last = String(200000 + ROWS - 1);
      const loaded = (await ast.cli(`pjsip show endpoint ${last}`)).includes(`Endpoint:  ${last}`);
      console.log(
        `CSV import of ${ROWS} PJSIP extensions, mode files: answers in ${fmt(filesMs.answered)} (ratio to mode none ${(filesMs.answered / noneMs).toFixed(2)}, target ≤ 2)`,
      );
      console.log(
        `  files mode: every change applied (one render, one reload) ${fmt(filesMs.applied)} after the upload; the last extension loaded by Asterisk: ${loaded ? "yes" : "NO"}`,
      );
      await files.changeSecret(ast, "200001", "warm-Up-secret-1");
      const floor = await sippFloor(ast, "200001", "warm-Up-secret-1");
      // Three changes, one after the other (the machine's load moves): each, then the median.
      const usable: number[] = [];
      for (const number of ["200042", "200043", "200044"]) {
        const load = os.loadavg()[0]!.toFixed(1);
        const cpu0 = { asterisk: asteriskCpuMs(ast), cisisk: process.cpuUsage() };
        const change = await files.changeSecret(ast, number, `changed-Secret-${number}`);
        const cisiskCpu = process.cpuUsage(cpu0.cisisk);
        const cpu = {
          asterisk: asteriskCpuMs(ast) - cpu0.asterisk,
          cisisk: (cisiskCpu.user + cisiskCpu.system) / 1000,
        };
        usable.push(change.usable);
        console.log(
          `files mode, one secret changed among ${ROWS} (load ${load}): PATCH answered ${fmt(change.answered)}, REGISTER with it accepted ${fmt(change.usable)} after the PATCH (${change.tries} SIPp tries; one REGISTER alone ${fmt(floor)}; target ≤ 2.5 s)`,
        );
        for (const r of change.refused) console.log(`  refused: ${r}`);
        const st = files.lastStages();
        if (st)
          console.log(
            `  stages after the PATCH's commit (layout ${String(st.pjsipLayout)}, file ${String(st.rendered)}): read ${String(st.lines)} extensions ${st.readMs} ms, render + write ${st.renderWriteMs} ms, Asterisk's ${String(st.reloaded)} reload ${st.reloadMs} ms; CPU used meanwhile: Asterisk ${fmt(cpu.asterisk)}, Cisisk (and SIPp's spawn) ${fmt(cpu.cisisk)}`,
          );
      }
      const median = [...usable].sort((a, b) => a - b)[1]!;
      console.log(`files mode (${layout}): a changed secret usable after ${fmt(median)} (median of 3; target ≤ 2.5 s)`);
    } finally {
      await files.close();
    }
  } finally {
    await ast.stop();
  }
}

async function realtimeMode(ami: AmiOf, noneMs: number): Promise<void> {
  let realtime: RealtimeDatabase | undefined;
  let rtAst: RealAsterisk | undefined;
  try {
    realtime = await createRealtimeDatabase("pgsql");
    rtAst = await startAsterisk({ realtime });
    const rt = await site({ mode: "realtime", realtime_database_url: realtime.url, ...ami(rtAst) });
    try {
      const rtMs = await rt.importCsv();
      console.log(
        `realtime mode (PostgreSQL): CSV import of ${ROWS} answers in ${fmt(rtMs.answered)}, all applied after ${fmt(rtMs.applied)} (ratio to mode none ${(rtMs.applied / noneMs).toFixed(2)})`,
      );
      await rt.changeSecret(rtAst, "200001", "warm-Up-secret-1");
      // The first registration of an AOR Asterisk did not know at start (all 10,000 here: imported after it
      // started) with qualify_frequency > 0 makes res_pjsip's qualify bookkeeping fetch every endpoint from
      // the database, once, holding later REGISTERs meanwhile: waited for (and shown) before measuring.
      const settled = await untilRegistered(rtAst, "200001", "warm-Up-secret-1");
      console.log(`  after the first registration, Asterisk answered the next REGISTER in ${fmt(settled)}`);
      const change = await rt.changeSecret(rtAst, "200042", "changed-Secret-42");
      console.log(
        `realtime mode, one secret changed among ${ROWS}: PATCH answered ${fmt(change.answered)}, REGISTER with it accepted ${fmt(change.usable)} after the PATCH (${change.tries} SIPp tries, each included; target ≤ 0.5 s)`,
      );
      for (const r of change.refused) console.log(`  refused: ${r}`);
    } finally {
      await rt.close();
    }
  } finally {
    await rtAst?.stop();
    await realtime?.drop();
  }
}
