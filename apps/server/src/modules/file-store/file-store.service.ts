import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  PHONE_FILE_NAME,
  type FileHit,
  type FileServing,
  type ListQuery,
  type ListResponse,
  type StoredFile,
} from "@cisisk/contract";
import { NotFound, ValidationFailed } from "../../errors.js";
import { iso, type Clock } from "../../lib/time.js";
import type { FileStoreRepository } from "./file-store.repository.js";
import {
  contentTypeOf,
  type PhoneFileAnswer,
  type PhoneFileRequest,
  type PhoneFileSource,
} from "./phone-file-source.js";

export interface FileStoreSettings {
  store: "ftp" | "self";
  /** Where uploaded files' bytes live (`<data dir>/files`). */
  directory: string;
  uploadLimitBytes: number;
}

const RECENT_HITS = 20;

/**
 * Cisisk as the phones' file server: the files an administrator uploads (metadata in the database, bytes on
 * disk), the sources the TFTP and HTTP listeners serve from, and what they served (this server's hits).
 */
export function createFileStoreService(deps: { repo: FileStoreRepository; clock: Clock; settings: FileStoreSettings }) {
  const { repo, clock, settings } = deps;
  const onDisk = (name: string) => path.join(settings.directory, name);
  const hits: FileHit[] = [];
  let served = 0;
  let misses = 0;
  const listening: { tftp: number | null; http: number | null } = { tftp: null, http: null };

  function checkName(name: string): void {
    if (!PHONE_FILE_NAME.test(name))
      throw new ValidationFailed("invalid file name", [
        { path: "params.name", message: "letters, digits, '.', '_' and '-', not starting with '.' (max 100)" },
      ]);
  }

  /** (a) Phone config files a deploy published (store = "self"). */
  const publishedSource: PhoneFileSource = {
    async lookupFile({ fileName }) {
      if (!PHONE_FILE_NAME.test(fileName)) return { kind: "bad_name" };
      const body = await repo.readLive(fileName);
      return body ? { kind: "file", body, contentType: contentTypeOf(fileName) } : { kind: "not_found" };
    },
  };

  /** (b) Files an administrator uploaded. */
  const uploadedSource: PhoneFileSource = {
    async lookupFile({ fileName }) {
      if (!PHONE_FILE_NAME.test(fileName)) return { kind: "bad_name" };
      if (!(await repo.findUploaded(fileName))) return { kind: "not_found" };
      try {
        return { kind: "file", body: await readFile(onDisk(fileName)), contentType: contentTypeOf(fileName) };
      } catch {
        return { kind: "not_found" };
      }
    },
  };

  return {
    publishedSource,
    uploadedSource,

    async list(q: ListQuery): Promise<ListResponse<StoredFile>> {
      const { rows, total, page, nextCursor } = await repo.listUploaded(q);
      return { data: rows, total, page, pageSize: q.pageSize, nextCursor };
    },

    /** Stores (or replaces) an uploaded file: written to a temporary name, renamed into place, then recorded. */
    async put(name: string, content: Buffer): Promise<{ file: StoredFile; created: boolean }> {
      checkName(name);
      if (content.length > settings.uploadLimitBytes)
        throw new ValidationFailed(`the file is larger than ${settings.uploadLimitBytes} bytes`, [
          { path: "body", message: `at most ${settings.uploadLimitBytes} bytes` },
        ]);
      const existed = await repo.findUploaded(name);
      await mkdir(settings.directory, { recursive: true });
      const tmp = onDisk(`.${name}.${randomBytes(4).toString("hex")}.uploading`);
      try {
        await writeFile(tmp, content);
        await rename(tmp, onDisk(name));
      } catch (error) {
        await rm(tmp, { force: true });
        throw error;
      }
      const file = {
        name,
        size: content.length,
        sha256: createHash("sha256").update(content).digest("hex"),
        uploadedAt: iso(clock()),
      };
      await repo.saveUploaded(file);
      return { file, created: !existed };
    },

    async download(name: string): Promise<{ body: Buffer; contentType: string }> {
      checkName(name);
      const a = await uploadedSource.lookupFile({ fileName: name, clientIp: "" });
      if (a.kind !== "file") throw new NotFound("file", { name });
      return { body: a.body, contentType: a.contentType };
    },

    async remove(name: string): Promise<void> {
      checkName(name);
      if (!(await repo.deleteUploaded(name))) throw new NotFound("file", { name });
      await rm(onDisk(name), { force: true });
    },

    /** Serves one request through `lookup` and records the hit (the dashboard shows this server's newest). */
    async serve(
      protocol: FileHit["protocol"],
      lookup: PhoneFileSource,
      request: PhoneFileRequest,
    ): Promise<PhoneFileAnswer> {
      const answer = await lookup.lookupFile(request);
      const result = answer.kind === "file" ? "served" : answer.kind;
      if (result === "served") served++;
      else misses++;
      hits.unshift({
        at: iso(clock()),
        protocol,
        fileName: request.fileName.slice(0, 128),
        clientIp: request.clientIp,
        result,
        bytes: answer.kind === "file" ? answer.body.length : 0,
      });
      hits.length = Math.min(hits.length, RECENT_HITS);
      return answer;
    },

    /** main.ts (or a test) tells which listeners run on this server. */
    setListening(ports: { tftp: number | null; http: number | null }): void {
      Object.assign(listening, ports);
    },

    serving(): FileServing {
      return {
        store: settings.store,
        tftp: { enabled: listening.tftp !== null, port: listening.tftp },
        http: { enabled: listening.http !== null, port: listening.http },
        served,
        misses,
        recentHits: [...hits],
        uploadLimitBytes: settings.uploadLimitBytes,
      };
    },
  };
}
export type FileStoreService = ReturnType<typeof createFileStoreService>;
