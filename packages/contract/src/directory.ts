import { z } from "zod";
import { isoTimestampSchema, listQuerySchema, listResponseSchema, optionalText } from "./common.js";

/** Display form of a phone number: digits with spaces, dots, dashes, brackets, an optional leading `+`. */
export const PHONE_NUMBER_PATTERN = /^\+?[0-9 ().\-/]{1,40}$/;

/** Dialling form: spaces, dots, dashes, slashes and brackets dropped; a leading `+` kept. */
export function dialNumber(display: string): string {
  const trimmed = display.trim();
  return (trimmed.startsWith("+") ? "+" : "") + trimmed.replace(/[^0-9]/g, "");
}

const numberField = optionalText(40).refine((v) => v === null || (PHONE_NUMBER_PATTERN.test(v) && /\d/.test(v)), {
  message: "must be a phone number (digits, spaces, + . - / ( ))",
});
const emailField = z
  .email("must be a valid email address")
  .max(254)
  .nullish()
  .or(z.literal("").transform(() => null));

export const contactFields = {
  firstName: z.string().trim().max(64).default(""),
  lastName: z.string().trim().max(64).default(""),
  workNumber: numberField,
  mobileNumber: numberField,
  homeNumber: numberField,
  email: emailField,
  department: optionalText(128),
  location: optionalText(128),
  building: optionalText(128),
  ringtone: optionalText(128),
};

export const contactSchema = z
  .object({
    id: z.uuid(),
    firstName: z.string(),
    lastName: z.string(),
    workNumber: z.string().nullable(),
    mobileNumber: z.string().nullable(),
    homeNumber: z.string().nullable(),
    /** Dialling forms of the numbers above (null where the number is null). */
    workDial: z.string().nullable(),
    mobileDial: z.string().nullable(),
    homeDial: z.string().nullable(),
    email: z.string().nullable(),
    department: z.string().nullable(),
    location: z.string().nullable(),
    building: z.string().nullable(),
    ringtone: z.string().nullable(),
    /** null: corporate directory; a user id: that user's personal directory. */
    ownerUserId: z.uuid().nullable(),
    createdAt: isoTimestampSchema,
    updatedAt: isoTimestampSchema,
  })
  .meta({ id: "Contact" });
export type Contact = z.infer<typeof contactSchema>;

export const createContactSchema = z
  .object({ ...contactFields, ownerUserId: z.uuid().nullish() })
  .refine((v) => Boolean(v.firstName || v.lastName), {
    message: "a first or last name is required",
    path: ["lastName"],
  })
  .refine((v) => Boolean(v.workNumber || v.mobileNumber || v.homeNumber), {
    message: "at least one number is required",
    path: ["workNumber"],
  });
export type CreateContactInput = z.input<typeof createContactSchema>;
export type CreateContact = z.output<typeof createContactSchema>;

export const updateContactSchema = z
  .object({
    firstName: z.string().trim().max(64),
    lastName: z.string().trim().max(64),
    workNumber: numberField,
    mobileNumber: numberField,
    homeNumber: numberField,
    email: emailField,
    department: optionalText(128),
    location: optionalText(128),
    building: optionalText(128),
    ringtone: optionalText(128),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to update" });
export type UpdateContactInput = z.input<typeof updateContactSchema>;

export const contactSortFields = ["lastName", "firstName", "department", "location", "createdAt", "updatedAt"] as const;
export const listContactsQuerySchema = listQuerySchema(contactSortFields).extend({
  /** Lists that user's personal directory instead of the corporate one. */
  ownerUserId: z.uuid().optional(),
});
export const contactListSchema = listResponseSchema(contactSchema);

/** One rejected row of an import: 1-based row number in the file (the CSV header is row 1). */
export const importRejectionSchema = z.object({
  row: z.number().int(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })),
});
export type ImportRejection = z.infer<typeof importRejectionSchema>;

export const importQuerySchema = z.object({
  /** true: validate and report what would be created and rejected, without writing anything. */
  dryRun: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1"),
});

export const importResultSchema = z
  .object({
    format: z.enum(["csv", "vcard"]),
    dryRun: z.boolean(),
    /** Number of contacts created (or that would be, on a dry run). */
    created: z.number().int(),
    /** Rows that would be created, for the console's preview (dry runs only, at most 500). */
    preview: z.array(
      z.object({ row: z.number().int(), firstName: z.string(), lastName: z.string(), numbers: z.string() }),
    ),
    rejected: z.array(importRejectionSchema),
  })
  .meta({ id: "DirectoryImportResult" });
export type ImportResult = z.infer<typeof importResultSchema>;

/** CSV columns, in export order (also the accepted import headers, case-insensitive). */
export const directoryCsvColumns = [
  "firstName",
  "lastName",
  "workNumber",
  "mobileNumber",
  "homeNumber",
  "email",
  "department",
  "location",
  "building",
  "ringtone",
] as const;
