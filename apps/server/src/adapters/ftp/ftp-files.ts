import { randomBytes } from "node:crypto";
import { posix } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { Client, FTPError } from "basic-ftp";

/**
 * The phones' file server as the deploy pipeline needs it. Phones never speak FTP: it is how Cisisk writes
 * into the TFTP/HTTP root the phones read. Backups go to a folder the phones' server does not
 * serve, because config files hold SIP passwords.
 */
export interface PhoneFileSession {
  /** Moves the current file into the backup folder. Returns the backup's name, or null when there was no file. */
  backup(fileName: string): Promise<string | null>;
  /** Writes to a temporary name, renames into place (a phone never reads half a file), checks the size. */
  upload(fileName: string, content: Buffer): Promise<void>;
  /** Deletes what a broken upload may have left under the temporary name (no error when there is none). */
  discardTemp(fileName: string): Promise<void>;
  /** Puts a backup back as the live file (after a failed upload, or a rollback). */
  restore(fileName: string, backupName: string): Promise<void>;
  /** Deletes all but the newest `keep` backups of the file. */
  prune(fileName: string, keep: number): Promise<number>;
  newestBackup(fileName: string): Promise<string | null>;
  read(fileName: string): Promise<Buffer | null>;
}

export interface PhoneFiles {
  readonly configured: boolean;
  /** One connection from the pool for a sequence of operations. */
  session<T>(fn: (s: PhoneFileSession) => Promise<T>): Promise<T>;
  close(): void;
}

export interface FtpSettings {
  host?: string | undefined;
  port: number;
  username: string;
  password: string;
  directory: string;
  backup_directory: string;
  secure: boolean;
  timeoutMs: number;
  /** Connections kept open and reused; bulk deploys run this many phones' FTP work at once. */
  poolSize: number;
}

/** An FTP failure in our words: the step, the server's reply code when there was one, its message. */
export class FtpFailure extends Error {
  constructor(
    message: string,
    readonly ftpCode: number | null,
  ) {
    super(message);
    this.name = "FtpFailure";
  }
}

function describe(error: unknown, doing: string): FtpFailure {
  if (error instanceof FtpFailure) return error;
  if (error instanceof FTPError)
    return new FtpFailure(`${doing}: FTP ${error.code} ${error.message.replace(/^\d{3}\s*/, "")}`, error.code);
  return new FtpFailure(`${doing}: ${(error as Error).message}`, null);
}

// 550 is the standard "no such file"; some servers (ftp-srv) answer a RETR of a missing file with 551.
const isMissing = (error: unknown) => error instanceof FTPError && (error.code === 550 || error.code === 551);

/** Sortable, unguessable backup names: `<timestamp>-<random>.cnf.xml` inside a folder per file. */
function backupName(now: Date): string {
  return `${now.toISOString().replace(/[-:.]/g, "")}-${randomBytes(4).toString("hex")}.cnf.xml`;
}

/**
 * Runs each method of `session` on a fresh stack. basic-ftp records `new Error().stack` for every command it sends;
 * under tsx each frame of it is mapped through its source map, and V8 also lists the awaiting callers, so a
 * deploy's own chain (batch, pipeline, step) cost about 1 ms of CPU per phone, a third of a bulk deploy's. Started
 * from a microtask and settled through plain callbacks (which V8 does not follow, unlike a promise's own resolve
 * functions), an operation's stack holds only this adapter's and basic-ftp's frames.
 */
function onFreshStacks<S extends object>(session: S): S {
  const out = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(session) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    out[name] = (...args: unknown[]) =>
      new Promise((resolve, reject) =>
        queueMicrotask(() =>
          method(...args).then(
            (value) => resolve(value),
            (error: unknown) => reject(error),
          ),
        ),
      );
  }
  return out as S;
}

export function createFtpPhoneFiles(settings: FtpSettings): PhoneFiles {
  const idle: Client[] = [];
  const waiters: ((c: Client | null) => void)[] = [];
  let open = 0;
  let closed = false;
  const dir = settings.directory.replace(/\/+$/, "") || "/";
  const backupRoot = settings.backup_directory.replace(/\/+$/, "");
  const live = (f: string) => posix.join(dir, f);
  const backupDir = (f: string) => posix.join(backupRoot, f);
  // One temporary name per file: a later upload overwrites what a dropped one left, nothing piles up.
  const tempOf = (f: string) => live(`.${f}.uploading`);

  async function connect(): Promise<Client> {
    const client = new Client(settings.timeoutMs);
    try {
      await client.access({
        host: settings.host,
        port: settings.port,
        user: settings.username,
        password: settings.password,
        secure: settings.secure,
      });
      return client;
    } catch (error) {
      client.close();
      throw describe(error, `connecting to ${settings.host}:${settings.port}`);
    }
  }

  /** Serves the longest-waiting caller: a connection, or null to say "a slot is free, open your own". */
  function serveWaiter(c: Client | null): boolean {
    const w = waiters.shift();
    if (!w) return false;
    w(c);
    return true;
  }

  /** When a slot last changed hands (a release or a new connection): waiting is bounded from there. */
  let lastProgress = Date.now();

  /**
   * Waits for a slot. Resolves "timeout" once no slot has changed hands for the timeout: a busy pool that
   * keeps serving makes everyone wait their turn, a stuck one (hung server) fails its waiters.
   */
  function waitForSlot(): Promise<Client | null | "timeout"> {
    const started = Date.now();
    // Quiet time counts from the later of the last progress and the start of this wait.
    const quietFor = () => Date.now() - Math.max(lastProgress, started);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const waiter = (c: Client | null) => {
        clearTimeout(timer);
        resolve(c);
      };
      const arm = () => {
        timer = setTimeout(
          () => {
            if (quietFor() < settings.timeoutMs) return arm();
            const i = waiters.indexOf(waiter);
            if (i >= 0) waiters.splice(i, 1);
            resolve("timeout");
          },
          Math.max(settings.timeoutMs - quietFor(), 10),
        );
      };
      arm();
      waiters.push(waiter);
    });
  }

  // Every caller gets a connection or an FtpFailure in bounded time: waiting ends when the pool has made
  // no progress for the timeout, connecting has the timeout too. A deploy never hangs on a full pool.
  async function acquire(): Promise<Client> {
    for (;;) {
      if (closed) throw new FtpFailure("the FTP pool is closed", null);
      while (idle.length > 0) {
        const c = idle.pop()!;
        if (!c.closed) return c;
        open--;
      }
      if (open < settings.poolSize) {
        open++;
        try {
          const c = await connect();
          lastProgress = Date.now();
          return c;
        } catch (error) {
          // The slot is free again: the next waiter tries for itself rather than waiting for ever.
          open--;
          lastProgress = Date.now();
          serveWaiter(null);
          throw error;
        }
      }
      const got = await waitForSlot();
      if (got === "timeout")
        throw new FtpFailure(
          `connecting to ${settings.host}:${settings.port}: no FTP connection became free within ${settings.timeoutMs} ms`,
          null,
        );
      if (got && !got.closed) return got;
      if (got) {
        // Handed over but closed meanwhile (the server hung up while it sat idle): its slot is free.
        open--;
      }
    }
  }

  function release(c: Client, broken: boolean): void {
    lastProgress = Date.now();
    if (broken || closed || c.closed) {
      c.close();
      open--;
      serveWaiter(null);
      return;
    }
    if (!serveWaiter(c)) idle.push(c);
  }

  function sessionOf(client: Client): PhoneFileSession {
    /** The backup folder this session created: it holds just the one backup, nothing to prune. */
    let createdDir: string | null = null;
    return onFreshStacks({
      async backup(fileName) {
        const name = backupName(new Date());
        const target = posix.join(backupDir(fileName), name);
        // RNFR and RNTO by hand: a 550 on RNFR means there is no live file (first deploy, one command);
        // a 550 on RNTO means the backup folder is missing, so it is created and the rename retried.
        try {
          await client.send(`RNFR ${live(fileName)}`);
        } catch (error) {
          if (isMissing(error)) return null;
          throw describe(error, "backup");
        }
        try {
          await client.send(`RNTO ${target}`);
        } catch (error) {
          if (!isMissing(error)) throw describe(error, "backup");
          try {
            // One MKD by absolute path (the backup root usually exists); the whole path only when it does not.
            try {
              await client.send(`MKD ${backupDir(fileName)}`);
            } catch (mkd) {
              if (!(mkd instanceof FTPError)) throw mkd;
              await client.ensureDir(backupDir(fileName));
              await client.cd("/");
            }
            createdDir = backupDir(fileName);
            await client.send(`RNFR ${live(fileName)}`);
            await client.send(`RNTO ${target}`);
          } catch (retry) {
            throw describe(retry, "backup");
          }
        }
        return name;
      },

      async upload(fileName, content) {
        const tmp = tempOf(fileName);
        try {
          await client.uploadFrom(Readable.from([content]), tmp);
          await client.rename(tmp, live(fileName));
          const size = await client.size(live(fileName));
          if (size !== content.length)
            throw new FtpFailure(`upload: the server holds ${size} bytes, ${content.length} were sent`, null);
        } catch (error) {
          // Best effort: leave no temporary file behind (it may not exist, or the connection may be gone).
          if (!client.closed) await client.remove(tmp, true).catch(() => undefined);
          throw describe(error, "upload");
        }
      },

      async discardTemp(fileName) {
        await client.remove(tempOf(fileName), true).catch(() => undefined);
      },

      async restore(fileName, backup) {
        try {
          await client.rename(posix.join(backupDir(fileName), backup), live(fileName));
        } catch (error) {
          throw describe(error, "restore");
        }
      },

      async prune(fileName, keep) {
        if (createdDir === backupDir(fileName)) return 0;
        try {
          const names = (await client.list(backupDir(fileName)))
            .filter((f) => f.isFile && f.name.endsWith(".cnf.xml"))
            .map((f) => f.name)
            .sort()
            .reverse();
          for (const old of names.slice(keep)) await client.remove(posix.join(backupDir(fileName), old));
          return Math.max(0, names.length - keep);
        } catch (error) {
          throw describe(error, "pruning backups");
        }
      },

      async newestBackup(fileName) {
        try {
          const names = (await client.list(backupDir(fileName)))
            .filter((f) => f.isFile && f.name.endsWith(".cnf.xml"))
            .map((f) => f.name)
            .sort();
          return names.at(-1) ?? null;
        } catch (error) {
          // No backup folder yet: servers answer LIST of a missing folder with 450/550 (ftp-srv: 451).
          if (isMissing(error) || (error instanceof FTPError && (error.code === 450 || error.code === 451)))
            return null;
          throw describe(error, "listing backups");
        }
      },

      async read(fileName) {
        const chunks: Buffer[] = [];
        const sink = new PassThrough();
        sink.on("data", (c: Buffer) => chunks.push(c));
        try {
          await client.downloadTo(sink, live(fileName));
          return Buffer.concat(chunks);
        } catch (error) {
          if (isMissing(error)) return null;
          throw describe(error, "download");
        }
      },
    });
  }

  return {
    configured: Boolean(settings.host),
    async session(fn) {
      if (!settings.host) throw new FtpFailure("FTP is not configured ([ftp] host)", null);
      const client = await acquire();
      let broken = false;
      try {
        return await fn(sessionOf(client));
      } catch (error) {
        // A reply code means the connection is fine; anything else (timeout, reset) leaves it unusable.
        broken = !(error instanceof FtpFailure && error.ftpCode !== null) || client.closed;
        throw error;
      } finally {
        release(client, broken);
      }
    },
    close() {
      closed = true;
      for (const c of idle.splice(0)) c.close();
      for (const w of waiters.splice(0)) w(null);
    },
  };
}
