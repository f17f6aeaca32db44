import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../src/test/server-process.js";

export const VSFTPD = "/usr/sbin/vsftpd";

export interface Vsftpd {
  port: number;
  /** The FTP root on disk: `tftp/` (the phones' files) and `backups/` are writable by the FTP user. */
  root: string;
  stop(): Promise<void>;
}

/**
 * Debian's vsftpd as a separate foreground process on 127.0.0.1, anonymous logins writing into a temp
 * root (vsftpd chroots anonymous sessions there, so it runs as root: the root itself must not be
 * writable, the folders in it are). Passive ports from a random window of this machine's range.
 */
export async function startVsftpd(): Promise<Vsftpd> {
  const dir = mkdtempSync(path.join(tmpdir(), "cisisk-vsftpd-"));
  const root = path.join(dir, "root");
  const empty = path.join(dir, "empty");
  mkdirSync(empty);
  mkdirSync(root, { mode: 0o755 });
  for (const d of ["tftp", "backups"]) {
    mkdirSync(path.join(root, d));
    chmodSync(path.join(root, d), 0o777);
  }
  chmodSync(dir, 0o755);
  const port = await freePort();
  const pasvMin = 30000 + Math.floor(Math.random() * 25000);
  const conf = path.join(dir, "vsftpd.conf");
  writeFileSync(
    conf,
    [
      "listen=YES",
      "listen_address=127.0.0.1",
      `listen_port=${port}`,
      "background=NO",
      "anonymous_enable=YES",
      "local_enable=NO",
      "write_enable=YES",
      `anon_root=${root}`,
      "anon_upload_enable=YES",
      "anon_mkdir_write_enable=YES",
      "anon_other_write_enable=YES",
      "anon_world_readable_only=NO",
      "no_anon_password=YES",
      "anon_umask=022",
      `secure_chroot_dir=${empty}`,
      "pasv_enable=YES",
      "pasv_address=127.0.0.1",
      `pasv_min_port=${pasvMin}`,
      `pasv_max_port=${pasvMin + 5000}`,
      "seccomp_sandbox=NO",
      "xferlog_enable=NO",
      "max_clients=0",
      "max_per_ip=0",
      "",
    ].join("\n"),
  );
  let out = "";
  const child = spawn(VSFTPD, [conf], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vsftpd exited with ${child.exitCode}: ${out}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`vsftpd did not listen within 10 s: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    root,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
