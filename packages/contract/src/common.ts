import { z } from "zod";

export const uuidSchema = z.uuid();
export const idParamsSchema = z.object({ id: z.uuid() });
export const isoTimestampSchema = z.string().meta({ format: "date-time" });

export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 500;

/** Query of every list endpoint: `page` is 1-based, `sort` is `field` or `-field`. */
export function listQuerySchema<const F extends readonly [string, ...string[]]>(sortFields: F) {
  const sortValues = sortFields.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];
  return z.object({
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE_DEFAULT),
    q: z.string().trim().max(200).optional(),
    sort: z.enum(sortValues).optional(),
    /** Keyset paging: the previous answer's `nextCursor` (then `page` is ignored). */
    cursor: z.string().trim().min(1).max(2048).optional(),
  });
}
export type ListQuery = {
  page: number;
  pageSize: number;
  q?: string | undefined;
  sort?: string | undefined;
  cursor?: string | undefined;
};

export function listResponseSchema<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
    /** Pass as `cursor` for the next page; null on the last page. */
    nextCursor: z.string().nullable(),
  });
}
/** `?dryRun=true` of the CSV imports: check the file and answer what would be created, writing nothing. */
export const csvImportQuerySchema = z.object({
  dryRun: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1")
    .meta({ description: "check the file and answer what would be created, writing nothing" }),
});

/** One problem of a CSV import (the 400's `details`): `row` is 1-based, 0 for the header. */
export const importRowErrorSchema = z.object({
  row: z.number().int().meta({ description: "1-based data row (the header is row 0)" }),
  field: z.string().nullable(),
  message: z.string(),
});
export type ImportRowError = z.infer<typeof importRowErrorSchema>;

export type ListResponse<T> = { data: T[]; total: number; page: number; pageSize: number; nextCursor: string | null };

/** Optional free-text fields: empty strings from forms become null. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));
