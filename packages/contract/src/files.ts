import { z } from "zod";
import { listQuerySchema, listResponseSchema } from "./common.js";

/**
 * A file name phones may ask for and an administrator may upload: one path segment of letters, digits, '.', '_'
 * and '-', not starting with a dot (so no hidden files, no '..', no folders), at most 100 characters.
 */
export const PHONE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export const fileNameSchema = z
  .string()
  .regex(PHONE_FILE_NAME, "one file name: letters, digits, '.', '_' and '-', not starting with '.' (max 100)");

export const fileNameParamsSchema = z.object({ name: fileNameSchema });

/** A file an administrator uploaded for the phones (served over TFTP and HTTP when store = "self"). */
export const storedFileSchema = z
  .object({
    name: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    uploadedAt: z.string(),
  })
  .meta({ id: "StoredFile" });
export type StoredFile = z.infer<typeof storedFileSchema>;
export const storedFileListSchema = listResponseSchema(storedFileSchema);
export const storedFileSortFields = ["name", "size", "uploadedAt"] as const;
/** Default sort `name`; `q` searches the name. */
export const listStoredFilesQuerySchema = listQuerySchema(storedFileSortFields);

export const fileHitSchema = z.object({
  at: z.string(),
  protocol: z.enum(["tftp", "http"]),
  fileName: z.string(),
  clientIp: z.string(),
  result: z.enum(["served", "not_found", "bad_name", "throttled"]),
  bytes: z.number().int(),
});
export type FileHit = z.infer<typeof fileHitSchema>;

/** GET /file-serving and the dashboard: Cisisk as the phones' file server (this server's listeners and hits). */
export const fileServingSchema = z
  .object({
    store: z.enum(["ftp", "self"]),
    tftp: z.object({ enabled: z.boolean(), port: z.number().int().nullable() }),
    http: z.object({ enabled: z.boolean(), port: z.number().int().nullable() }),
    served: z.number().int(),
    misses: z.number().int(),
    recentHits: z.array(fileHitSchema),
    uploadLimitBytes: z.number().int(),
  })
  .meta({ id: "FileServing" });
export type FileServing = z.infer<typeof fileServingSchema>;
