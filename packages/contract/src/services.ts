import { z } from "zod";
import { isoTimestampSchema, listQuerySchema, listResponseSchema, PAGE_SIZE_MAX } from "./common.js";

export const serviceKinds = ["custom", "corporate_directory", "personal_directory", "login", "logout"] as const;
export type ServiceKind = (typeof serviceKinds)[number];

export const serviceSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    /** Absolute URL of an external service, or a path on this server for the built-ins. */
    url: z.string(),
    description: z.string().nullable(),
    enabled: z.boolean(),
    requiresLogin: z.boolean(),
    kind: z.enum(serviceKinds),
    /** Built-in services (directories, login, logout) are read-only. */
    builtIn: z.boolean(),
    /** Where it is offered; both empty = every phone. */
    phoneIds: z.array(z.uuid()),
    profileIds: z.array(z.string()),
    createdAt: isoTimestampSchema,
    updatedAt: isoTimestampSchema,
  })
  .meta({ id: "PhoneService" });
export type PhoneService = z.infer<typeof serviceSchema>;

// Cisco phones refuse URLs longer than 256 characters; names show in a 32-column menu (MenuItem Name ≤ 64).
const serviceUrl = z
  .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
  .max(256, "phones accept URLs of at most 256 characters");

export const createServiceSchema = z.object({
  name: z.string().trim().min(1).max(64),
  url: serviceUrl,
  description: z.string().trim().max(512).nullish(),
  enabled: z.boolean().default(true),
  requiresLogin: z.boolean().default(false),
  phoneIds: z.array(z.uuid()).max(1000).default([]),
  profileIds: z.array(z.string().trim().min(1).max(36)).max(1000).default([]),
});
export type CreateServiceInput = z.input<typeof createServiceSchema>;
export type CreateService = z.output<typeof createServiceSchema>;

export const updateServiceSchema = z
  .object({
    name: z.string().trim().min(1).max(64),
    url: serviceUrl,
    description: z.string().trim().max(512).nullable(),
    enabled: z.boolean(),
    requiresLogin: z.boolean(),
    phoneIds: z.array(z.uuid()).max(1000),
    profileIds: z.array(z.string().trim().min(1).max(36)).max(1000),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to update" });
export type UpdateServiceInput = z.input<typeof updateServiceSchema>;

export const serviceListSchema = listResponseSchema(serviceSchema);
/** Services are few: one page holds them all unless the caller asks for smaller pages (built-ins first, then by name). */
export const listServicesQuerySchema = listQuerySchema(["name"] as const).extend({
  pageSize: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE_MAX),
});
export type ListServicesQuery = z.output<typeof listServicesQuerySchema>;

/** Screen layouts the phone pages differ by: 79xx lay out 8 soft keys, 78xx/88xx and newer 4. */
export const screenFamilies = ["79xx", "88xx"] as const;
export type ScreenFamily = (typeof screenFamilies)[number];

export const servicePreviewQuerySchema = z.object({ family: z.enum(screenFamilies).default("88xx") });

/** What a phone screen shows for a service: the XML as sent, and its parts for drawing the screen. */
export const servicePreviewSchema = z
  .object({
    family: z.enum(screenFamilies),
    contentType: z.string(),
    xml: z.string(),
    object: z.string(),
    title: z.string().nullable(),
    prompt: z.string().nullable(),
    /** Menu items, directory entries or input fields, one line each as the screen lists them. */
    lines: z.array(z.string()),
    text: z.string().nullable(),
    softKeys: z.array(z.object({ position: z.number().int(), name: z.string(), url: z.string() })),
  })
  .meta({ id: "PhoneServicePreview" });
export type ServicePreview = z.infer<typeof servicePreviewSchema>;
