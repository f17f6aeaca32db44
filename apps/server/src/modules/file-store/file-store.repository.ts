import type { ListQuery } from "@cisisk/contract";
import type { Kysely } from "kysely";
import { planSortedPage, readPage } from "../../db/keyset.js";
import type { Database } from "../../db/schema.js";
import { ilike, likePattern } from "../../lib/list-query.js";

export interface UploadedFileRow {
  name: string;
  size: number;
  sha256: string;
  uploadedAt: string;
}

/** A file's name is its key, so the name sort needs no other key column. */
const uploadedSorts = { name: [], size: [{ ref: "size" }], uploadedAt: [{ ref: "uploaded_at" }] };

type Tables = Pick<Database, "published_files" | "published_file_backups" | "uploaded_files">;

/** Published phone files (live + backups) and uploaded files' metadata. */
export function createFileStoreRepository(db: Kysely<Tables>) {
  return {
    async readLive(fileName: string): Promise<Buffer | null> {
      const r = await db
        .selectFrom("published_files")
        .select("content")
        .where("file_name", "=", fileName)
        .executeTakeFirst();
      return r ? Buffer.from(r.content, "base64") : null;
    },

    /** Moves the live file to the backups under `backupName`; false when there was no live file. */
    async moveLiveToBackup(fileName: string, backupName: string, now: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const live = await trx
          .selectFrom("published_files")
          .selectAll()
          .where("file_name", "=", fileName)
          .executeTakeFirst();
        if (!live) return false;
        await trx
          .insertInto("published_file_backups")
          .values({
            file_name: fileName,
            backup_name: backupName,
            content: live.content,
            size: live.size,
            created_at: now,
          })
          .execute();
        await trx.deleteFrom("published_files").where("file_name", "=", fileName).execute();
        return true;
      });
    },

    /** Replaces the live file in one transaction (a reader sees the old or the new file, never none). */
    async writeLive(fileName: string, content: Buffer, now: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("published_files").where("file_name", "=", fileName).execute();
        await trx
          .insertInto("published_files")
          .values({ file_name: fileName, content: content.toString("base64"), size: content.length, updated_at: now })
          .execute();
      });
    },

    /** The backup becomes the live file again (and is no longer a backup); false when it does not exist. */
    async restoreBackup(fileName: string, backupName: string, now: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const b = await trx
          .selectFrom("published_file_backups")
          .selectAll()
          .where("file_name", "=", fileName)
          .where("backup_name", "=", backupName)
          .executeTakeFirst();
        if (!b) return false;
        await trx.deleteFrom("published_files").where("file_name", "=", fileName).execute();
        await trx
          .insertInto("published_files")
          .values({ file_name: fileName, content: b.content, size: b.size, updated_at: now })
          .execute();
        await trx
          .deleteFrom("published_file_backups")
          .where("file_name", "=", fileName)
          .where("backup_name", "=", backupName)
          .execute();
        return true;
      });
    },

    async backupNames(fileName: string): Promise<string[]> {
      const rows = await db
        .selectFrom("published_file_backups")
        .select("backup_name")
        .where("file_name", "=", fileName)
        .orderBy("backup_name")
        .execute();
      return rows.map((r) => r.backup_name);
    },

    async deleteBackups(fileName: string, names: string[]): Promise<void> {
      if (names.length === 0) return;
      await db
        .deleteFrom("published_file_backups")
        .where("file_name", "=", fileName)
        .where("backup_name", "in", names)
        .execute();
    },

    async listUploaded(
      q: ListQuery,
    ): Promise<{ rows: UploadedFileRow[]; total: number; page: number; nextCursor: string | null }> {
      let base = db.selectFrom("uploaded_files");
      if (q.q) base = base.where(ilike("name", likePattern(q.q)));
      const plan = planSortedPage(db, q, { sorts: uploadedSorts, defaultSort: "name", id: "name" });
      return readPage(base.selectAll(), plan, toUploaded);
    },

    async findUploaded(name: string): Promise<UploadedFileRow | null> {
      const r = await db.selectFrom("uploaded_files").selectAll().where("name", "=", name).executeTakeFirst();
      return r ? toUploaded(r) : null;
    },

    async saveUploaded(row: UploadedFileRow): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("uploaded_files").where("name", "=", row.name).execute();
        await trx
          .insertInto("uploaded_files")
          .values({ name: row.name, size: row.size, sha256: row.sha256, uploaded_at: row.uploadedAt })
          .execute();
      });
    },

    async deleteUploaded(name: string): Promise<boolean> {
      const r = await db.deleteFrom("uploaded_files").where("name", "=", name).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
export type FileStoreRepository = ReturnType<typeof createFileStoreRepository>;

function toUploaded(r: { name: string; size: number | string; sha256: string; uploaded_at: string }): UploadedFileRow {
  return { name: r.name, size: Number(r.size), sha256: r.sha256, uploadedAt: r.uploaded_at };
}
