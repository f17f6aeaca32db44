import { z } from "zod";
import { isoTimestampSchema, listQuerySchema, listResponseSchema, optionalText } from "./common.js";

export const SUPERADMIN_LEVEL = 0;
export const LEVEL_MAX = 9;
/** Phone keypads type digits: PINs for phone-service login are 4 to 16 of them. */
export const PIN_PATTERN = /^[0-9]{4,16}$/;

/** Case-sensitive login name; `@` is reserved for SIP addresses. */
export const usernameSchema = z
  .string()
  .trim()
  .min(2, "must be at least 2 characters")
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z0-9._-]+$/, "may contain only letters, digits, '.', '_' and '-'");

export const levelSchema = z.number().int().min(0).max(LEVEL_MAX).meta({
  description: "permission level: 0 = superadmin (may use the console), higher = less privilege",
});

export const userSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    level: z.number().int(),
    activated: z.boolean(),
    hasPassword: z.boolean(),
    /** Whether a PIN for phone-service login is set (the PIN itself is write-only). */
    hasPin: z.boolean(),
    createdAt: isoTimestampSchema,
    updatedAt: isoTimestampSchema,
  })
  .meta({ id: "User" });
export type User = z.infer<typeof userSchema>;

const emailField = z
  .email("must be a valid email address")
  .max(254)
  .nullish()
  .or(z.literal("").transform(() => null));
const phoneField = optionalText(32).refine((v) => v === null || /^\+?[0-9 ().-]{3,32}$/.test(v), {
  message: "must be a phone number (digits, spaces, + . - ( ))",
});

export const createUserSchema = z.object({
  username: usernameSchema,
  displayName: z.string().trim().max(128).optional(),
  email: emailField,
  phone: phoneField,
  level: levelSchema.default(1),
  activated: z.boolean().default(true),
  password: z.string().min(8, "must be at least 8 characters").max(128).optional(),
  pin: z.string().regex(PIN_PATTERN, "must be 4 to 16 digits").optional(),
});
export type CreateUserInput = z.input<typeof createUserSchema>;

export const updateUserSchema = z
  .object({
    username: usernameSchema,
    displayName: z.string().trim().min(1).max(128),
    email: emailField,
    phone: phoneField,
    level: levelSchema,
    activated: z.boolean(),
    password: z.string().min(8, "must be at least 8 characters").max(128),
    /** Phone-service login PIN (write-only); null removes it. */
    pin: z.string().regex(PIN_PATTERN, "must be 4 to 16 digits").nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to update" });
export type UpdateUserInput = z.input<typeof updateUserSchema>;

export const userSortFields = ["username", "displayName", "email", "level", "createdAt", "updatedAt"] as const;
export const listUsersQuerySchema = listQuerySchema(userSortFields).extend({
  level: z.coerce.number().int().min(0).max(LEVEL_MAX).optional(),
});
export const userListSchema = listResponseSchema(userSchema);
