import { z } from "zod";
import {
  csvImportQuerySchema,
  importRowErrorSchema,
  isoTimestampSchema,
  listQuerySchema,
  listResponseSchema,
  optionalText,
  type ImportRowError,
} from "./common.js";

export const extensionTechnologies = ["SCCP", "SIP", "PJSIP"] as const;
export type ExtensionTechnology = (typeof extensionTechnologies)[number];

/** Cisco phones reject longer SIP passwords. */
export const SECRET_MAX = 30;

export const extensionNumberSchema = z
  .string()
  .trim()
  .max(32)
  .regex(/^[0-9]{1,32}$/, "must be 1 to 32 digits");

/** Printable ASCII without spaces, quotes, ';' or '\\' so it survives .conf files and phone XML. */
export const extensionSecretSchema = z
  .string()
  .min(8, "must be at least 8 characters")
  .max(SECRET_MAX, `must be at most ${SECRET_MAX} characters (Cisco phones accept no more)`)
  .regex(/^[A-Za-z0-9!#$%()*+,\-./:=?@[\]^_{|}~]+$/, "letters, digits and !#$%()*+,-./:=?@[]^_{|}~ only");

/**
 * Asterisk dialplan context / voicemail box / transport names: the characters .conf files accept. Each
 * maximum is its column's size (a longer value would fail on PostgreSQL and MySQL).
 */
const confName = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(new RegExp(`^[A-Za-z0-9_.-]{1,${max}}$`), `1-${max} letters, digits, '_', '.' or '-'`);
// Asterisk keeps context names in 80-byte buffers (AST_MAX_CONTEXT), the column's size too.
const contextSchema = confName(79);
const transportSchema = confName(32);
const mailboxSchema = z
  .string()
  .trim()
  .max(64)
  .regex(/^[0-9A-Za-z_.-]{1,32}(@[A-Za-z0-9_.-]{1,40})?$/, "a mailbox like 1001 or 1001@default");
const codecSchema = z.string().regex(/^[a-z0-9_]{2,16}$/, "a codec name such as ulaw, alaw, g722");

export const sccpOptionsSchema = z.object({
  label: optionalText(45),
  cidName: optionalText(45),
  cidNum: optionalText(45),
  /** The chan_sccp device (SEP + 12 hex digits) this line is a button of; optional. */
  deviceName: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .pipe(z.string().regex(/^SEP[0-9A-F]{12}$/, "must be SEP followed by 12 hex digits"))
    .nullish()
    .or(z.literal("").transform(() => null))
    .transform((v) => v ?? null),
  deviceType: optionalText(45),
  lineInstance: z.number().int().min(1).max(127).default(1),
});
export type SccpOptions = z.infer<typeof sccpOptionsSchema>;

/** chan_sip `transport=`: protocols the peer may use, the first for calls to it ("tcp" or "tcp,udp"). */
const sipTransportSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(udp|tcp|tls|ws|wss)(,(udp|tcp|tls|ws|wss)){0,4}$/,
    "udp, tcp, tls, ws or wss, comma-separated (first = default)",
  )
  .refine((v) => new Set(v.split(",")).size === v.split(",").length, "each protocol once");

export const sipOptionsSchema = z.object({
  transport: sipTransportSchema
    .nullish()
    .or(z.literal("").transform(() => null))
    .transform((v) => v ?? null)
    .meta({ description: "chan_sip protocols (transport=), e.g. tcp or tcp,udp; null = sip.conf's default" }),
  nat: z.enum(["no", "force_rport", "comedia", "force_rport,comedia", "yes"]).default("force_rport,comedia"),
  dtmfMode: z.enum(["rfc2833", "info", "inband", "auto"]).default("rfc2833"),
  directMedia: z.boolean().default(false),
});
export type SipOptions = z.infer<typeof sipOptionsSchema>;

export const pjsipOptionsSchema = z.object({
  transport: transportSchema
    .nullish()
    .or(z.literal("").transform(() => null))
    .transform((v) => v ?? null)
    .meta({ description: "the pjsip.conf transport section the endpoint uses, e.g. transport-tcp; null = any" }),
  authType: z
    .enum(["md5", "userpass"])
    .default("md5")
    .meta({ description: "md5 stores only the HA1 (md5_cred) in Asterisk; userpass stores the password" }),
  maxContacts: z.number().int().min(1).max(20).default(1),
  removeExisting: z.boolean().default(true),
  qualifyFrequency: z.number().int().min(0).max(3600).default(60),
  directMedia: z.boolean().default(false),
  dtmfMode: z.enum(["rfc4733", "inband", "info", "auto"]).default("rfc4733"),
});
export type PjsipOptions = z.infer<typeof pjsipOptionsSchema>;

const baseFields = {
  number: extensionNumberSchema,
  displayName: z.string().trim().min(1).max(128),
  userId: z
    .uuid()
    .nullish()
    .transform((v) => v ?? null),
  secret: extensionSecretSchema.optional().meta({ description: "write-only; generated when omitted" }),
  context: contextSchema.optional().meta({ description: "default: [asterisk] default_context" }),
  voicemail: mailboxSchema.nullish().or(z.literal("").transform(() => null)),
  codecs: z.array(codecSchema).max(10).nullish(),
};

export const createExtensionSchema = z
  .discriminatedUnion("technology", [
    z.object({
      technology: z.literal("SCCP"),
      ...baseFields,
      sccp: sccpOptionsSchema.default(sccpOptionsSchema.parse({})),
    }),
    z.object({
      technology: z.literal("SIP"),
      ...baseFields,
      sip: sipOptionsSchema.default(sipOptionsSchema.parse({})),
    }),
    z.object({
      technology: z.literal("PJSIP"),
      ...baseFields,
      pjsip: pjsipOptionsSchema.default(pjsipOptionsSchema.parse({})),
    }),
  ])
  .meta({ id: "CreateExtension" });
export type CreateExtensionInput = z.input<typeof createExtensionSchema>;
export type CreateExtension = z.output<typeof createExtensionSchema>;

/** PATCH: any field; the options object must be the one of the (resulting) technology. */
export const updateExtensionSchema = z
  .object({
    technology: z.enum(extensionTechnologies),
    number: baseFields.number,
    displayName: baseFields.displayName,
    userId: z.uuid().nullable(),
    secret: extensionSecretSchema,
    context: contextSchema,
    voicemail: baseFields.voicemail,
    codecs: z.array(codecSchema).max(10).nullable(),
    sccp: sccpOptionsSchema,
    sip: sipOptionsSchema,
    pjsip: pjsipOptionsSchema,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to update" })
  .meta({ id: "UpdateExtension" });
export type UpdateExtensionInput = z.input<typeof updateExtensionSchema>;
export type UpdateExtension = z.output<typeof updateExtensionSchema>;

/** Response shapes: plain (no transforms), since responses are encoded through them. */
export const sccpOptionsOutSchema = z.object({
  label: z.string().nullable(),
  cidName: z.string().nullable(),
  cidNum: z.string().nullable(),
  deviceName: z.string().nullable(),
  deviceType: z.string().nullable(),
  lineInstance: z.number().int(),
});
export const sipOptionsOutSchema = z.object({
  transport: z.string().nullable(),
  nat: z.string(),
  dtmfMode: z.string(),
  directMedia: z.boolean(),
});
export const pjsipOptionsOutSchema = z.object({
  transport: z.string().nullable(),
  authType: z.enum(["md5", "userpass"]),
  maxContacts: z.number().int(),
  removeExisting: z.boolean(),
  qualifyFrequency: z.number().int(),
  directMedia: z.boolean(),
  dtmfMode: z.string(),
});

export const registrationContactSchema = z.object({
  uri: z.string(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  status: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export const registrationSchema = z.object({
  state: z.enum(["registered", "unregistered", "unknown"]).meta({
    description: "unknown = Asterisk could not be asked (not configured, down, or a technology without a status query)",
  }),
  contacts: z.array(registrationContactSchema),
});
export type Registration = z.infer<typeof registrationSchema>;

export const asteriskSyncStateSchema = z.object({
  status: z.enum(["none", "pending", "applied", "failed"]),
  lastError: z.string().nullable(),
  attempts: z.number().int(),
});

export const extensionSchema = z
  .object({
    id: z.uuid(),
    number: z.string(),
    technology: z.enum(extensionTechnologies),
    displayName: z.string(),
    userId: z.uuid().nullable(),
    username: z.string().nullable().meta({ description: "the linked user's username" }),
    context: z.string(),
    voicemail: z.string().nullable(),
    codecs: z.array(z.string()).nullable(),
    sccp: sccpOptionsOutSchema.nullable(),
    sip: sipOptionsOutSchema.nullable(),
    pjsip: pjsipOptionsOutSchema.nullable(),
    registration: registrationSchema,
    asterisk: asteriskSyncStateSchema,
    createdAt: isoTimestampSchema,
    updatedAt: isoTimestampSchema,
  })
  .meta({ id: "Extension" });
export type Extension = z.infer<typeof extensionSchema>;

export const extensionSortFields = ["number", "displayName", "technology", "createdAt", "updatedAt"] as const;
export const listExtensionsQuerySchema = listQuerySchema(extensionSortFields).extend({
  technology: z.enum(extensionTechnologies).optional(),
  userId: z.uuid().optional(),
});
export const extensionListSchema = listResponseSchema(extensionSchema);

/** CSV import: columns number, technology, displayName, username (of the linked user, may be empty). */
export const extensionImportRowErrorSchema = importRowErrorSchema;
export type ExtensionImportRowError = ImportRowError;
export const extensionImportRowSchema = z.object({
  row: z.number().int(),
  number: z.string(),
  technology: z.enum(extensionTechnologies),
  displayName: z.string(),
  username: z.string().nullable(),
});
export type ExtensionImportRow = z.infer<typeof extensionImportRowSchema>;
export const extensionImportQuerySchema = csvImportQuerySchema;
export const extensionImportResultSchema = z
  .object({ dryRun: z.boolean(), created: z.number().int(), extensions: z.array(extensionImportRowSchema) })
  .meta({ id: "ExtensionImportResult" });
export type ExtensionImportResult = z.infer<typeof extensionImportResultSchema>;
export const EXTENSION_CSV_COLUMNS = ["number", "technology", "displayName", "username"] as const;
