import { z } from "zod";
import { listQuerySchema, listResponseSchema } from "./common.js";
import { userSchema } from "./users.js";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);

export const loginRequestSchema = z.object({
  username: z.string().min(1).max(64),
  // Not checked against the password policy here: a wrong password is invalid_credentials, not validation_failed.
  password: z.string().min(1).max(1024),
  /** The console's mode: the refresh token is set as an httpOnly cookie instead of returned in the body. */
  cookie: z.boolean().optional(),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const tokenPairSchema = z.object({
  accessToken: z.string(),
  /** Left out in cookie mode (the token is in the httpOnly cookie). */
  refreshToken: z.string().optional(),
  tokenType: z.literal("Bearer"),
  expiresIn: z.number().int().meta({ description: "access token lifetime in seconds" }),
});

export const loginResponseSchema = tokenPairSchema.extend({ user: userSchema }).meta({ id: "LoginResponse" });
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** The body token, or none when the refresh cookie carries it (cookie mode). */
export const refreshRequestSchema = z.object({ refreshToken: z.string().min(1).max(512).optional() });
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;

export const logoutRequestSchema = z.object({ refreshToken: z.string().min(1).max(512).optional() });

/** Own password change: the current password is required, and every other session ends. */
export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: passwordSchema,
});
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

/** The token and passkey table of the logged-in superadmin. */
export const authTokenSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["session", "passkey"]),
    name: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    expiresAt: z.string().nullable(),
    current: z.boolean(),
  })
  .meta({ id: "AuthToken" });
export type AuthToken = z.infer<typeof authTokenSchema>;
export const authTokenSortFields = ["createdAt", "lastUsedAt"] as const;
/** Default sort `-createdAt` (newest first); `q` searches the name, address and User-Agent. */
export const listAuthTokensQuerySchema = listQuerySchema(authTokenSortFields);
export const authTokenListSchema = listResponseSchema(authTokenSchema);

export const signInResults = [
  "ok",
  "bad_credentials",
  "not_allowed_network",
  "rate_limited",
  "no_console_access",
  "bad_passkey",
] as const;
export const signInEventSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    username: z.string(),
    ip: z.string(),
    userAgent: z.string().nullable(),
    method: z.string(),
    result: z.enum(signInResults),
  })
  .meta({ id: "SignInEvent" });
export type SignInEvent = z.infer<typeof signInEventSchema>;
export const signInSortFields = ["at", "username", "ip", "result"] as const;
/** Default sort `-at` (newest first); `q` searches the name and address; the other filters match exactly. */
export const signInListQuerySchema = listQuerySchema(signInSortFields).extend({
  username: z.string().max(128).optional(),
  ip: z.string().max(64).optional(),
  result: z.enum(signInResults).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type SignInListQuery = z.infer<typeof signInListQuerySchema>;
export const signInListSchema = listResponseSchema(signInEventSchema);
export type SignInList = z.infer<typeof signInListSchema>;

/** Security settings (`GET|PUT /settings/security`). */
export const securitySettingsSchema = z
  .object({
    adminUsername: z.string(),
    allowedNetworks: z.array(z.string()),
    trustedProxies: z.array(z.string()),
    adminEmails: z.string(),
    apiBasicAuth: z.boolean(),
    tokenValidityDays: z.number().int(),
    accessTokenTtlSeconds: z.number().int(),
  })
  .meta({ id: "SecuritySettings" });
export type SecuritySettings = z.infer<typeof securitySettingsSchema>;
export const updateSecuritySettingsSchema = z.object({
  adminUsername: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[^@\s]+$/, "must not contain '@' or spaces")
    .optional(),
  allowedNetworks: z.array(z.string().max(64)).max(200).optional(),
  trustedProxies: z.array(z.string().max(64)).max(200).optional(),
  adminEmails: z.string().max(2000).optional(),
  apiBasicAuth: z.boolean().optional(),
  tokenValidityDays: z.number().int().min(1).max(365).optional(),
  accessTokenTtlSeconds: z.number().int().min(30).max(86_400).optional(),
  /** Required when the change would shut out the caller's own address. */
  confirmLockout: z.boolean().optional(),
});
export type UpdateSecuritySettings = z.infer<typeof updateSecuritySettingsSchema>;
