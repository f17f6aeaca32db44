import {
  createContactSchema,
  dialNumber,
  type Contact,
  type CreateContact,
  type ImportRejection,
  type ImportResult,
  type ListResponse,
  type UpdateContactInput,
} from "@cisisk/contract";
import { NotFound, ValidationFailed } from "../../errors.js";
import { newId } from "../../lib/ids.js";
import { iso, type Clock } from "../../lib/time.js";
import {
  FileProblem,
  parseDirectoryCsv,
  parseVcards,
  writeDirectoryCsv,
  writeVcards,
  type RawRecord,
} from "./directory-files.js";
import type { ContactWrite, DirectoryLine, DirectoryRepository } from "./directory.repository.js";

export type { DirectoryLine };

export interface DirectoryServiceDeps {
  repo: DirectoryRepository;
  clock: Clock;
  /** Personal directories belong to a user that must exist. */
  users: { exists(id: string): Promise<boolean> };
}

type ListContactsQuery = {
  page: number;
  pageSize: number;
  q?: string | undefined;
  sort?: string | undefined;
  ownerUserId?: string | undefined;
};
export type ImportFormat = "csv" | "vcard";

const PREVIEW_MAX = 500;

function numbersOf(
  input: Partial<Pick<CreateContact, "workNumber" | "mobileNumber" | "homeNumber">>,
): ContactWrite["numbers"] {
  const one = (v: string | null | undefined) =>
    v === undefined ? undefined : v === null ? null : { display: v, dial: dialNumber(v) };
  return { work: one(input.workNumber), mobile: one(input.mobileNumber), home: one(input.homeNumber) };
}

function toWrite(input: CreateContact): ContactWrite {
  return {
    ownerUserId: input.ownerUserId ?? null,
    firstName: input.firstName,
    lastName: input.lastName,
    numbers: numbersOf(input),
    email: input.email ?? null,
    department: input.department,
    location: input.location,
    building: input.building,
    ringtone: input.ringtone,
  };
}

export function createDirectoryService(deps: DirectoryServiceDeps) {
  const { repo, clock } = deps;

  async function getOrThrow(id: string): Promise<Contact> {
    const c = await repo.findById(id);
    if (!c) throw new NotFound("contact", { id });
    return c;
  }

  async function assertOwner(ownerUserId: string | null | undefined): Promise<void> {
    if (ownerUserId && !(await deps.users.exists(ownerUserId)))
      throw new ValidationFailed("no such user", [{ path: "body.ownerUserId", message: "no user has this id" }]);
  }

  /** Validates every record with the same schema as the API; the file is accepted only when all pass. */
  function validate(records: RawRecord[]) {
    const accepted: Array<{ row: number; input: CreateContact }> = [];
    const rejected: ImportRejection[] = [];
    for (const r of records) {
      const { _extra, ...fields } = r.fields;
      const result = createContactSchema.safeParse(fields);
      const errors = result.success
        ? []
        : result.error.issues.map((i) => ({ field: i.path.join(".") || "record", message: i.message }));
      if (_extra) errors.push({ field: "record", message: _extra });
      if (result.success && errors.length === 0) accepted.push({ row: r.row, input: result.data });
      else rejected.push({ row: r.row, errors });
    }
    return { accepted, rejected };
  }

  return {
    async list(q: ListContactsQuery): Promise<ListResponse<Contact>> {
      const { rows, total, page, nextCursor } = await repo.list({ ...q, ownerUserId: q.ownerUserId ?? null });
      return { data: rows, total, page, pageSize: q.pageSize, nextCursor };
    },

    get: getOrThrow,

    async create(input: CreateContact): Promise<Contact> {
      await assertOwner(input.ownerUserId);
      const id = newId();
      await repo.insertMany([{ id, write: toWrite(input) }], iso(clock()));
      return getOrThrow(id);
    },

    async update(id: string, patch: UpdateContactInput): Promise<Contact> {
      const current = await getOrThrow(id);
      const merged = { ...current, ...patch };
      // The same rules as on create: a name, and at least one number, must remain.
      const check = createContactSchema.safeParse({
        ...Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== null)),
        ownerUserId: undefined,
      });
      if (!check.success)
        throw new ValidationFailed(
          "invalid contact",
          check.error.issues.map((i) => ({ path: `body.${i.path.join(".")}`, message: i.message })),
        );
      const p = patch as Partial<CreateContact>;
      await repo.update(
        id,
        {
          ...(p.firstName !== undefined && { firstName: p.firstName }),
          ...(p.lastName !== undefined && { lastName: p.lastName }),
          numbers: numbersOf(p),
          ...(p.email !== undefined && { email: p.email }),
          ...(p.department !== undefined && { department: p.department }),
          ...(p.location !== undefined && { location: p.location }),
          ...(p.building !== undefined && { building: p.building }),
          ...(p.ringtone !== undefined && { ringtone: p.ringtone }),
        },
        iso(clock()),
      );
      return getOrThrow(id);
    },

    async delete(id: string): Promise<void> {
      if (!(await repo.delete(id))) throw new NotFound("contact", { id });
    },

    async exportCsv(): Promise<string> {
      return writeDirectoryCsv(await repo.all(null));
    },

    async exportVcards(version: "3.0" | "4.0"): Promise<string> {
      return writeVcards(await repo.all(null), version);
    },

    /**
     * Imports a CSV or vCard file into the corporate directory, all or nothing: with any rejected row
     * nothing is written and the rejections are the error details. A dry run reports without writing.
     */
    async import(format: ImportFormat, text: string, dryRun: boolean): Promise<ImportResult> {
      let records: RawRecord[];
      try {
        records = format === "csv" ? parseDirectoryCsv(text) : parseVcards(text);
      } catch (error) {
        if (!(error instanceof FileProblem)) throw error;
        const rejected = [{ row: error.row, errors: [{ field: "file", message: error.message }] }];
        if (dryRun) return { format, dryRun, created: 0, preview: [], rejected };
        throw new ValidationFailed("the file cannot be read", rejected);
      }
      const { accepted, rejected } = validate(records);
      if (dryRun) {
        const preview = accepted.slice(0, PREVIEW_MAX).map(({ row, input }) => ({
          row,
          firstName: input.firstName,
          lastName: input.lastName,
          numbers: [input.workNumber, input.mobileNumber, input.homeNumber].filter(Boolean).join(", "),
        }));
        return { format, dryRun, created: accepted.length, preview, rejected };
      }
      if (rejected.length > 0)
        throw new ValidationFailed(
          `${rejected.length} of ${records.length} record(s) rejected; nothing was imported`,
          rejected,
        );
      await repo.insertMany(
        accepted.map(({ input }) => ({ id: newId(), write: toWrite({ ...input, ownerUserId: null }) })),
        iso(clock()),
      );
      return { format, dryRun, created: accepted.length, preview: [], rejected: [] };
    },

    /** Phone search: lines (one per number) of the corporate or a personal directory. */
    searchLines(
      s: { ownerUserId: string | null; first?: string; last?: string; number?: string },
      offset: number,
      limit: number,
    ): Promise<{ lines: DirectoryLine[]; total: number }> {
      return repo.searchLines(s, offset, limit);
    },

    count: () => repo.count(null),
  };
}
export type DirectoryService = ReturnType<typeof createDirectoryService>;
