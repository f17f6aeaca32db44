import { z } from "zod";
import {
  csvImportQuerySchema,
  isoTimestampSchema,
  listQuerySchema,
  listResponseSchema,
  optionalText,
} from "./common.js";
import { firmwareLoadSchema } from "./firmware.js";
import { canonicalModelName, macProblem, normalizeMac, phoneModelNames, softwareTypes } from "./phone-catalogue.js";

export const macSchema = z
  .string()
  .transform((v, ctx) => {
    const mac = normalizeMac(v);
    if (!mac) {
      ctx.addIssue({ code: "custom", message: "must be a MAC address (12 hex digits, optionally with : - or .)" });
      return z.NEVER;
    }
    const problem = macProblem(mac);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return mac;
  })
  .meta({
    description: "any common spelling; stored and returned as 12 uppercase hex digits",
    example: "805EC0123456",
  });

export const phoneBrands = ["cisco", "yealink", "fanvil", "grandstream", "snom", "polycom"] as const;
export type PhoneBrand = (typeof phoneBrands)[number];
export const phoneBrandSchema = z.enum(phoneBrands);

export const sipTransports = ["udp", "tcp", "tls"] as const;
export type SipTransportName = (typeof sipTransports)[number];

/** `host` or `host:port` (IPv6 in brackets when a port follows). */
export const sipServerSchema = z
  .string()
  .trim()
  .max(255)
  .regex(/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+|[0-9A-Fa-f:]+)(?::\d{1,5})?$/, "must be host or host:port")
  .refine((v) => {
    const m = /\]?:(\d{1,5})$/.exec(v);
    return !m || v.split(":").length > 2 ? true : Number(m[1]) >= 1 && Number(m[1]) <= 65535;
  }, "port must be 1-65535");

/** Extra `key = value` lines for the phone's file (per device; per model in `[provisioning] model_keys`). */
export const extraKeysSchema = z
  .record(
    z
      .string()
      .max(128)
      // `$N` ends a Snom setting meant for identity N (`user_dp_str$2`).
      .regex(/^[A-Za-z0-9_.-]+(\$\d{1,3})?$/, "keys are letters, digits, _ . - (and $N at the end)"),
    z
      .string()
      .max(512)
      .refine((v) => !/[\r\n<>&]/.test(v), "values cannot hold line breaks or < > &"),
  )
  .refine((r) => Object.keys(r).length <= 100, "at most 100 keys");

export const softwareTypeSchema = z.enum(softwareTypes);
export const phoneModelSchema = z
  .string()
  .trim()
  .max(32)
  // Accept the names phones and price lists use: "Cisco 8845", "CP-8845-K9", "CP-7965G".
  .transform(canonicalModelName)
  .pipe(z.enum(phoneModelNames, { message: `must be one of ${phoneModelNames.join(", ")}` }));

const ipSchema = optionalText(45).refine(
  (v) => v === null || z.ipv4().safeParse(v).success || z.ipv6().safeParse(v).success,
  {
    message: "must be an IPv4 or IPv6 address",
  },
);

export const phoneKemSchema = z.object({
  position: z.number().int().min(1).max(3),
  model: z.string().meta({ description: "Cisco identifier: 7914, 7915, 7916, BEKEM, CP-8800-Audio, CP-8800-Video" }),
  buttons: z.number().int(),
});
export type PhoneKem = z.infer<typeof phoneKemSchema>;

export const phoneLineSchema = z.object({
  button: z.number().int().min(1).max(200),
  extensionId: z.uuid(),
});
export type PhoneLine = z.infer<typeof phoneLineSchema>;

export const phoneSchema = z
  .object({
    id: z.uuid(),
    mac: z.string(),
    brand: z.string(),
    model: z.string(),
    softwareType: softwareTypeSchema.nullable(),
    ip: z.string().nullable(),
    location: z.string().nullable(),
    label: z.string().nullable(),
    userId: z.string().nullable(),
    currentProfileId: z.string().nullable(),
    currentProfileName: z.string().nullable(),
    kems: z.array(phoneKemSchema),
    lines: z.array(phoneLineSchema),
    firmwareLoad: z.string().nullable().meta({ description: "this phone's loadInformation; null = its model's" }),
    enabled: z.boolean().meta({ description: "false: /provision answers 404 for this phone" }),
    sipUsername: z.string().nullable().meta({ description: "explicit account 1 (instead of a linked extension)" }),
    hasSipPassword: z.boolean(),
    sipServer: z.string().nullable().meta({ description: "host:port; null = [asterisk] host" }),
    transport: z.enum(sipTransports).nullable(),
    extraKeys: z.record(z.string(), z.string()),
    provisionedAt: isoTimestampSchema.nullable(),
    provisionedIp: z.string().nullable(),
    provisionedUserAgent: z.string().nullable(),
    createdAt: isoTimestampSchema,
    updatedAt: isoTimestampSchema,
  })
  .meta({ id: "Phone" });
export type Phone = z.infer<typeof phoneSchema>;

/** Any brand's model name; the phones service checks it against the brand's catalogue. */
const anyModelSchema = z.string().trim().min(1).max(32);

/** Zero-touch provisioning fields (issue 11), the same on create and update. */
const provisioningFields = {
  enabled: z.boolean(),
  sipUsername: optionalText(64),
  sipPassword: z.string().max(128).nullable().meta({ description: "write-only; sealed at rest" }),
  sipServer: sipServerSchema.nullable().or(z.literal("").transform(() => null)),
  transport: z.enum(sipTransports).nullable(),
  extraKeys: extraKeysSchema,
};

/** KEMs by any name the phones API takes (KEM-30, KEM-80, 7915, BEKEM…), in position order. */
const kemListSchema = z
  .array(z.object({ model: z.string().trim().min(1).max(32) }))
  .max(3, "a phone takes at most 3 modules");

const phoneFields = {
  mac: macSchema,
  brand: phoneBrandSchema.default("cisco"),
  model: anyModelSchema,
  softwareType: softwareTypeSchema.nullish().transform((v) => v ?? null),
  ip: ipSchema,
  location: optionalText(128),
  label: optionalText(128),
  userId: z
    .uuid()
    .nullish()
    .transform((v) => v ?? null),
  lines: z.array(phoneLineSchema).max(200).optional(),
  firmwareLoad: firmwareLoadSchema.nullish().or(z.literal("").transform(() => null)),
  ...provisioningFields,
  enabled: z.boolean().default(true),
  sipPassword: provisioningFields.sipPassword.optional(),
  sipServer: provisioningFields.sipServer.optional(),
  transport: provisioningFields.transport.optional(),
  extraKeys: extraKeysSchema.optional(),
  /** Cisco only; checked against the model as `PUT /phones/:id/kems` checks them. */
  kems: kemListSchema.optional(),
};

export const createPhoneSchema = z.object(phoneFields);
export type CreatePhoneInput = z.input<typeof createPhoneSchema>;

export const updatePhoneSchema = z
  .object({
    mac: macSchema,
    brand: phoneBrandSchema,
    model: anyModelSchema,
    softwareType: softwareTypeSchema.nullable(),
    ip: ipSchema,
    location: optionalText(128),
    label: optionalText(128),
    userId: z.uuid().nullable(),
    lines: z.array(phoneLineSchema).max(200),
    firmwareLoad: firmwareLoadSchema.nullable().or(z.literal("").transform(() => null)),
    ...provisioningFields,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to update" });
export type UpdatePhoneInput = z.input<typeof updatePhoneSchema>;

export const putKemsSchema = z.object({ kems: kemListSchema });
export type PutKemsInput = z.input<typeof putKemsSchema>;

export const phoneSortFields = ["mac", "brand", "model", "softwareType", "ip", "label", "createdAt"] as const;
export const listPhonesQuerySchema = listQuerySchema(phoneSortFields).extend({
  model: z.string().trim().max(32).optional(),
  softwareType: softwareTypeSchema.optional(),
  profileId: z.uuid().optional(),
  brand: phoneBrandSchema.optional(),
});
export const phoneListSchema = listResponseSchema(phoneSchema);

/**
 * CSV import of phones (all or nothing): `mac` (any spelling) and `model` required; `brand` (default cisco)
 * picks the catalogue the model is checked against; `kems` like `KEM-30;KEM-30`.
 */
export const PHONE_CSV_COLUMNS = [
  "mac",
  "brand",
  "model",
  "softwareType",
  "label",
  "location",
  "ip",
  "username",
  "kems",
] as const;
export const phoneImportQuerySchema = csvImportQuerySchema;
export const phoneImportRowSchema = z.object({
  row: z.number().int(),
  mac: z.string(),
  brand: phoneBrandSchema,
  model: z.string(),
  softwareType: softwareTypeSchema.nullable(),
  label: z.string().nullable(),
  location: z.string().nullable(),
  ip: z.string().nullable(),
  username: z.string().nullable(),
  kems: z.array(z.string()),
});
export type PhoneImportRow = z.infer<typeof phoneImportRowSchema>;
export const phoneImportResultSchema = z
  .object({ dryRun: z.boolean(), created: z.number().int(), phones: z.array(phoneImportRowSchema) })
  .meta({ id: "PhoneImportResult" });
export type PhoneImportResult = z.infer<typeof phoneImportResultSchema>;
