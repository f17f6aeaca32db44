import { randomBytes } from "node:crypto";
import type { PhoneFiles, PhoneFileSession } from "../../adapters/ftp/ftp-files.js";
import { iso, type Clock } from "../../lib/time.js";
import type { FileStoreRepository } from "./file-store.repository.js";

/** Same shape as the FTP adapter's backup names: sortable by time, unguessable. */
function backupName(now: Date): string {
  return `${now.toISOString().replace(/[-:.]/g, "")}-${randomBytes(4).toString("hex")}.cnf.xml`;
}

/**
 * `[provisioning] store = "self"`: the deploy pipeline's file port (the one the FTP adapter implements) on
 * Cisisk's own database. Backup moves the live file aside, upload replaces it in one transaction, restore
 * brings a backup back; Cisisk's TFTP and HTTP listeners serve the live files.
 */
export function createPublishedPhoneFiles(deps: { repo: FileStoreRepository; clock: Clock }): PhoneFiles {
  const { repo, clock } = deps;
  const session: PhoneFileSession = {
    async backup(fileName) {
      const name = backupName(clock());
      return (await repo.moveLiveToBackup(fileName, name, iso(clock()))) ? name : null;
    },
    async upload(fileName, content) {
      await repo.writeLive(fileName, content, iso(clock()));
      const stored = await repo.readLive(fileName);
      if (!stored || !stored.equals(content))
        throw new Error(`upload: the store holds ${stored?.length ?? 0} bytes, ${content.length} were written`);
    },
    // Nothing is ever half-written: writes are transactions.
    async discardTemp() {},
    async restore(fileName, backup) {
      if (!(await repo.restoreBackup(fileName, backup, iso(clock()))))
        throw new Error(`restore: there is no backup ${backup} of ${fileName}`);
    },
    async prune(fileName, keep) {
      const names = await repo.backupNames(fileName);
      const old = names.slice(0, Math.max(0, names.length - keep));
      await repo.deleteBackups(fileName, old);
      return old.length;
    },
    async newestBackup(fileName) {
      return (await repo.backupNames(fileName)).at(-1) ?? null;
    },
    read: (fileName) => repo.readLive(fileName),
  };
  return {
    configured: true,
    session: (fn) => fn(session),
    close() {},
  };
}
