import { z } from "zod";
import { passwordSchema } from "./auth.js";
import { isoTimestampSchema, listQuerySchema, listResponseSchema } from "./common.js";

/** SIP account usernames: lowercase, what a SIP URI's user part and Asterisk's section names both accept. */
export const ACCOUNT_USERNAME_MAX = 32;
export const ACCOUNT_USERNAME_PATTERN = /^[a-z0-9._+-]+$/;
/** Names nobody may register: they read as roles, services or the system. */
export const RESERVED_USERNAMES = [
  "admin",
  "administrator",
  "root",
  "superadmin",
  "system",
  "operator",
  "support",
  "help",
  "info",
  "postmaster",
  "hostmaster",
  "webmaster",
  "abuse",
  "noc",
  "security",
  "asterisk",
  "cisisk",
  "voicemail",
  "anonymous",
  "guest",
  "test",
  "sip",
  "api",
  "account",
  "provisioning",
] as const;

/** A phone number in any common spelling: `+33 6 12…`, `0612345678`, `(555) 123-4567`. */
export const looksLikePhoneNumber = (s: string): boolean => /^\+?[0-9 ().-]{3,}$/.test(s) && /[0-9]{3,}/.test(s);

export const accountUsernameSchema = z
  .string()
  .min(2, "must be at least 2 characters")
  .max(ACCOUNT_USERNAME_MAX, `must be at most ${ACCOUNT_USERNAME_MAX} characters`)
  .regex(ACCOUNT_USERNAME_PATTERN, "lowercase letters, digits, '.', '_', '+' and '-' only")
  .refine((s) => !looksLikePhoneNumber(s), "must not be a phone number")
  .refine((s) => !(RESERVED_USERNAMES as readonly string[]).includes(s), "this name is reserved");

/** E.164: `+`, country code, up to 15 digits. */
export const e164Schema = z
  .string()
  .trim()
  .regex(/^\+[1-9][0-9]{6,14}$/, "must be an international number in E.164 form, e.g. +33612345678");

const emailSchema = z.email("must be a valid email address").max(254);
const tokenSchema = z.string().min(16).max(128);
const pinSchema = z.string().regex(/^[0-9]{6}$/, "must be 6 digits");

export const accountSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    sipAddress: z.string().meta({ description: "username@domain" }),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    activated: z.boolean(),
    hasPassword: z.boolean(),
    algorithms: z.array(z.enum(["MD5", "SHA-256"])).meta({ description: "the digests stored for SIP" }),
    createdAt: isoTimestampSchema,
  })
  .meta({ id: "Account" });
export type Account = z.infer<typeof accountSchema>;

export const registerEmailSchema = z.object({ username: accountUsernameSchema, email: emailSchema });
export const registerPhoneSchema = z.object({ phone: e164Schema, username: accountUsernameSchema.optional() });
export const confirmAccountSchema = z.object({ token: tokenSchema, password: passwordSchema });
export const confirmPhoneSchema = z.object({ phone: e164Schema, pin: pinSchema, password: passwordSchema });
export const acceptedSchema = z.object({ status: z.literal("accepted"), message: z.string() });

export const accountLoginSchema = z.object({
  identifier: z.string().trim().min(1).max(254).meta({ description: "username or phone number" }),
  password: z.string().min(1).max(1024),
});
export const accountLoginResponseSchema = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().int(),
    account: accountSchema,
  })
  .meta({ id: "AccountLoginResponse" });
export type AccountLoginResponse = z.infer<typeof accountLoginResponseSchema>;
export const accountRefreshSchema = z.object({ refreshToken: z.string().min(1).max(512) });

export const recoverSchema = z.union([z.object({ email: emailSchema }), z.object({ phone: e164Schema })]);
export const resetPasswordSchema = z.union([
  z.object({ token: tokenSchema, password: passwordSchema }),
  z.object({ phone: e164Schema, pin: pinSchema, password: passwordSchema }),
]);

export const changeEmailSchema = z.object({ email: emailSchema });
export const confirmEmailSchema = z.object({ token: tokenSchema });
export const changeAccountPasswordSchema = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: passwordSchema,
  sha256: z.boolean().default(false).meta({ description: "also store the SHA-256 digest (some clients need it)" }),
});
export const deleteAccountSchema = z.object({
  sipAddress: z.string().trim().min(1).max(300).meta({ description: "the full SIP address, retyped" }),
});

export const deviceSchema = z
  .object({
    id: z.string(),
    uri: z.string(),
    userAgent: z.string().nullable(),
    address: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: "Device" });
export type Device = z.infer<typeof deviceSchema>;
export const deviceListSchema = z.object({ data: z.array(deviceSchema), known: z.boolean() });
export const deviceParamsSchema = z.object({ id: z.string().min(1).max(200) });

export const provisioningLinkSchema = z
  .object({ url: z.string(), expiresAt: isoTimestampSchema })
  .meta({ id: "ProvisioningLink" });
export type ProvisioningLink = z.infer<typeof provisioningLinkSchema>;

export const cidrSchema = z
  .string()
  .regex(/^[0-9a-fA-F:.]+(\/[0-9]{1,3})?$/, "must be an IP address or CIDR range")
  .max(64);
export const createApiKeySchema = z.object({
  name: z.string().trim().min(1).max(100),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
  allowedNetworks: z.array(cidrSchema).max(50).default([]),
});
export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    allowedNetworks: z.array(z.string()),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    createdAt: isoTimestampSchema,
  })
  .meta({ id: "ApiKey" });
export type ApiKey = z.infer<typeof apiKeySchema>;
export const createdApiKeySchema = apiKeySchema.extend({ key: z.string().meta({ description: "shown once" }) });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;
export const apiKeyListSchema = listResponseSchema(apiKeySchema);
export const apiKeySortFields = ["name", "createdAt", "expiresAt", "lastUsedAt"] as const;
/** Default sort `createdAt`; `q` searches the name and the key's prefix. */
export const listApiKeysQuerySchema = listQuerySchema(apiKeySortFields);
