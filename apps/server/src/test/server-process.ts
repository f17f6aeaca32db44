import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "smol-toml";

const serverRoot = path.resolve(import.meta.dirname, "../..");

export interface ServerProcess {
  url: string;
  pid: number;
  /** What the server printed (for a failing assertion's message). */
  output(): string;
  /** SIGKILL: the process dies at once, with no chance to clean up (a crashed or killed server). */
  kill(): Promise<void>;
  /** SIGTERM and wait: the graceful shutdown. */
  stop(): Promise<void>;
}

/**
 * The real server (`tsx src/main.ts`) in a child process, on the database `databaseUrl` with `toml` as its
 * cisisk.toml; resolves once `/api/v1/health` answers. Tests share the database with several of these.
 */
export async function startServerProcess(options: {
  databaseUrl: string;
  toml: Record<string, unknown>;
  env?: Record<string, string>;
}): Promise<ServerProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), "cisisk-proc-"));
  writeFileSync(path.join(dir, "cisisk.toml"), stringify(options.toml));
  const port = await freePort();
  let out = "";
  // node --import tsx, not the tsx binary: tsx relays to a child node, which a SIGKILL of tsx would orphan.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(serverRoot, "src/main.ts")], {
    cwd: serverRoot,
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      CISISK_CONFIG: path.join(dir, "cisisk.toml"),
      CISISK_DATA_DIR: dir,
      CISISK_WEB_DIST: path.join(dir, "no-console"),
      JWT_SECRET: "test-secret-test-secret-test-secret-0123456789",
      CISISK_SECRET_KEY: "test-key-test-key-test-key-test-key-0123456789",
      CISISK_ADMIN_PASSWORD: "admin-password-1",
      LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      cleanup();
      throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    }
    const ok = await fetch(`${url}/api/v1/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      cleanup();
      throw new Error(`server did not start within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid!,
    output: () => out,
    async kill() {
      child.kill("SIGKILL");
      await exited;
      cleanup();
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      cleanup();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 30_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
