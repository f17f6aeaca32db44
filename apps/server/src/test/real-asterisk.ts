import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import dgram from "node:dgram";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe } from "vitest";

/**
 * A real Asterisk 22 for tests: the prebuilt tarball (shared/asterisk/) unpacked once into a cache under
 * the system temp dir, one private instance per test file on free loopback ports, and SIPp to register.
 */
const run = promisify(execFile);
const TARBALL = "asterisk-22.10.1-debian12-x86_64.tar.gz";
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

function findTarball(): string | null {
  const candidates = [
    process.env.CISISK_ASTERISK_TARBALL,
    path.join(repoRoot, "..", "shared", "asterisk", TARBALL),
    path.join("/work/shared/asterisk", TARBALL),
  ];
  return candidates.find((c): c is string => Boolean(c) && existsSync(c!)) ?? null;
}

const hasSipp = () => spawnSync("sipp", ["-v"], { stdio: "ignore" }).error === undefined;

/** Why the real Asterisk cannot run here, or null when it can. */
export function asteriskMissing(): string | null {
  if (!findTarball()) return `${TARBALL} not found (set CISISK_ASTERISK_TARBALL)`;
  if (!hasSipp()) return "sipp is not installed (apt-get install sip-tester)";
  return null;
}

/**
 * `describe` for tests that need the real Asterisk: in CI a missing tarball or sipp fails the file;
 * elsewhere the file is skipped with a printed notice. `engine` runs a file only in the suite run on
 * that DATABASE_URL engine (the realtime files: their database setup is too slow to repeat in every run).
 */
export function describeWithAsterisk(name: string, fn: () => void, options: { engine?: "postgres" | "mysql" } = {}) {
  const url = process.env.DATABASE_URL ?? "";
  const engine = /^postgres/.test(url) ? "postgres" : /^(mysql|mariadb)/.test(url) ? "mysql" : "sqlite";
  if (options.engine && options.engine !== engine) {
    console.warn(`[real-asterisk] "${name}" runs in the ${options.engine} suite run only`);
    describe.skip(name, fn);
    return;
  }
  const missing = asteriskMissing();
  if (missing && process.env.CI !== "true") {
    console.warn(`[real-asterisk] skipping "${name}": ${missing}`);
    describe.skip(name, fn);
    return;
  }
  if (missing) throw new Error(`the real Asterisk is required in CI: ${missing}`);
  describe(name, fn);
}

/** Unpacks the tarball once per (size, mtime) into the temp dir; concurrent callers race safely by rename. */
function unpacked(): string {
  const tarball = findTarball();
  if (!tarball) throw new Error(asteriskMissing() ?? "no tarball");
  const s = statSync(tarball);
  const cache = path.join(os.tmpdir(), `cisisk-asterisk-${s.size}-${Math.floor(s.mtimeMs)}`);
  const prefix = path.join(cache, "asterisk");
  if (existsSync(path.join(prefix, "sbin", "asterisk"))) return prefix;
  const staging = mkdtempSync(path.join(os.tmpdir(), "cisisk-asterisk-unpack-"));
  const r = spawnSync("tar", ["-xzf", tarball, "-C", staging]);
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr.toString()}`);
  try {
    renameSync(staging, cache);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another worker won the race
  }
  return prefix;
}

/** A port free for both TCP and UDP on 127.0.0.1. */
export async function freePort(): Promise<number> {
  for (;;) {
    const tcp = net.createServer();
    const port = await new Promise<number>((resolve, reject) => {
      tcp.once("error", reject);
      tcp.listen(0, "127.0.0.1", () => resolve((tcp.address() as net.AddressInfo).port));
    });
    const udp = dgram.createSocket("udp4");
    const udpFree = await new Promise<boolean>((resolve) => {
      udp.once("error", () => resolve(false));
      udp.bind(port, "127.0.0.1", () => resolve(true));
    });
    await new Promise((r) => tcp.close(r));
    if (udpFree) await new Promise<void>((r) => udp.close(() => r()));
    else udp.close();
    if (udpFree) return port;
  }
}

export interface RealtimeDatabase {
  kind: "pgsql" | "odbc-mariadb";
  /** For Cisisk's `[asterisk] realtime_database_url`. */
  url: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh database with Asterisk's own realtime schema (share/cisisk/sql/) on the local PostgreSQL or MariaDB. */
export async function createRealtimeDatabase(kind: RealtimeDatabase["kind"]): Promise<RealtimeDatabase> {
  const sqlDir = path.join(unpacked(), "share", "cisisk", "sql");
  const name = `cisisk_ast_${randomBytes(5).toString("hex")}`;
  if (kind === "pgsql") {
    const psql = (db: string, ...args: string[]) =>
      run("psql", ["-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-q", ...args]);
    await psql("postgres", "-c", `create database ${name}`);
    await psql(name, "-f", path.join(sqlDir, "postgresql_config.sql"));
    return {
      kind,
      url: `postgres://postgres@127.0.0.1:5432/${name}`,
      env: { AST_REALTIME: "pgsql", AST_DB_HOST: "127.0.0.1", AST_DB_PORT: "5432", AST_DB_NAME: name },
      drop: async () => void (await psql("postgres", "-c", `drop database if exists ${name} with (force)`)),
    };
  }
  const mariadb = (...args: string[]) => run("mariadb", ["-h", "127.0.0.1", "-uroot", ...args]);
  await mariadb("-e", `create database ${name} character set utf8mb4`);
  await run("sh", ["-c", `mariadb -h 127.0.0.1 -uroot ${name} < "${path.join(sqlDir, "mysql_config.sql")}"`]);
  return {
    kind,
    url: `mysql://root@127.0.0.1:3306/${name}`,
    env: {
      AST_REALTIME: "odbc",
      AST_ODBC_DRIVER: "MariaDB Unicode",
      AST_DB_HOST: "127.0.0.1",
      AST_DB_PORT: "3306",
      AST_DB_NAME: name,
      AST_DB_USER: "root",
    },
    drop: async () => void (await mariadb("-e", `drop database if exists ${name}`)),
  };
}

export interface RealAsterisk {
  amiPort: number;
  sipPort: number;
  /** Where Cisisk's files mode writes (`pjsip.conf` includes `pjsip_cisisk.conf` from here). */
  etcDir: string;
  ami: { username: string; secret: string };
  /** One CLI command (`asterisk -rx`), its output. */
  cli(command: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts a private instance (files mode, or realtime with `realtime.env`); resolves once fully booted.
 * `etcFiles` are written into its etc/ first, as an admin would have them (run-asterisk.sh keeps them,
 * except the files it always writes: pjsip.conf, sorcery.conf, modules.conf, manager.conf…).
 */
export async function startAsterisk(
  options: { realtime?: RealtimeDatabase; etcFiles?: Record<string, string> } = {},
): Promise<RealAsterisk> {
  const prefix = unpacked();
  const dir = mkdtempSync(path.join(os.tmpdir(), "cisisk-asterisk-run-"));
  mkdirSync(path.join(dir, "etc"));
  for (const [name, text] of Object.entries(options.etcFiles ?? {})) writeFileSync(path.join(dir, "etc", name), text);
  const [amiPort, sipPort] = [await freePort(), await freePort()];
  const env = { ...process.env, ASTERISK_PREFIX: prefix, ...options.realtime?.env };
  const script = (name: string) => path.join(prefix, "share", "cisisk", name);
  await run(script("run-asterisk.sh"), [dir, String(amiPort), String(sipPort)], { env });
  const etcDir = path.join(dir, "etc");
  return {
    amiPort,
    sipPort,
    etcDir,
    ami: { username: "cisisk", secret: "cisisk-ami" },
    async cli(command) {
      const { stdout } = await run(
        path.join(prefix, "sbin", "asterisk"),
        ["-C", path.join(etcDir, "asterisk.conf"), "-rx", command],
        { env: { ...env, LD_LIBRARY_PATH: path.join(prefix, "lib") } },
      );
      return stdout;
    },
    async stop() {
      await run(script("stop-asterisk.sh"), [dir], { env }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The `[asterisk]` AMI keys that reach this instance. */
export function amiOf(asterisk: RealAsterisk) {
  return {
    ami_host: "127.0.0.1",
    ami_port: asterisk.amiPort,
    ami_username: asterisk.ami.username,
    ami_secret: asterisk.ami.secret,
  };
}

/** An `[asterisk]` section for files mode against this instance: its config folder and its AMI. */
export function filesModeOf(asterisk: RealAsterisk) {
  return { mode: "files", config_dir: asterisk.etcDir, ...amiOf(asterisk) };
}

export interface SippRegister {
  sipPort: number;
  user: string;
  password: string;
  /** Port written in the Contact (a loopback phone), else SIPp's own. */
  contactPort?: number;
  callId?: string;
  expires?: number;
}

/** One SIPp REGISTER with digest auth (the tarball's register.xml); ok when Asterisk answered 200. */
export async function sippRegister(r: SippRegister): Promise<{ ok: boolean; output: string }> {
  const scenario = path.join(unpacked(), "share", "cisisk", "test", "register.xml");
  const localPort = await freePort();
  const cwd = mkdtempSync(path.join(os.tmpdir(), "cisisk-sipp-"));
  const args = [
    `127.0.0.1:${r.sipPort}`,
    ...["-sf", scenario, "-s", r.user, "-au", r.user, "-ap", r.password],
    ...["-key", "cport", String(r.contactPort ?? localPort), "-key", "expires", String(r.expires ?? 3600)],
    ...["-i", "127.0.0.1", "-p", String(localPort), "-m", "1", "-nostdin", "-timeout", "8s", "-timeout_error"],
    ...(r.callId ? ["-cid_str", r.callId] : []),
  ];
  try {
    const { stdout } = await run("sipp", args, { cwd, timeout: 15_000 });
    return { ok: true, output: stdout };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` || e.message };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
