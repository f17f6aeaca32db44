import { z } from "zod";

/** Stable error codes. The server maps each to one HTTP status; clients switch on them, never on messages. */
export const errorCodes = [
  "validation_failed",
  "unauthenticated",
  "invalid_credentials",
  "forbidden",
  "not_found",
  "conflict",
  "rate_limited",
  "upstream_failed",
  "unavailable",
  "internal_error",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "ErrorBody" });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** One entry of `details` for validation_failed: where the problem is and what it is. */
export const fieldIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof fieldIssueSchema>;
