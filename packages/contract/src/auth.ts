import { z } from "zod";
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
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const tokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal("Bearer"),
  expiresIn: z.number().int().meta({ description: "access token lifetime in seconds" }),
});

export const loginResponseSchema = tokenPairSchema.extend({ user: userSchema }).meta({ id: "LoginResponse" });
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const refreshRequestSchema = z.object({ refreshToken: z.string().min(1).max(512) });
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;

export const logoutRequestSchema = z.object({ refreshToken: z.string().min(1).max(512).optional() });
