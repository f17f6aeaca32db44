import { z } from "zod";
import { isoTimestampSchema, listQuerySchema, listResponseSchema, optionalText } from "./common.js";
import { loadSourceSchema } from "./firmware.js";
import { phoneModelSchema, softwareTypeSchema } from "./phones.js";

/** Upper bound for a template (real SEP files are a few kB); fits a MySQL TEXT column even in 4-byte UTF-8. */
export const CNF_XML_MAX = 16_000;

export const profileSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    userId: z.string().nullable(),
    cnfXml: z.string(),
    compatibleModels: z.array(z.string()),
    softwareType: softwareTypeSchema.nullable(),
    createdAt: isoTimestampSchema,
    updatedAt: isoTimestampSchema,
  })
  .meta({ id: "Profile" });
export type Profile = z.infer<typeof profileSchema>;

const nameSchema = z.string().trim().min(1, "is required").max(128);
const modelsSchema = z.array(phoneModelSchema).max(64);

export const createProfileSchema = z.object({
  name: nameSchema,
  description: optionalText(500),
  userId: z
    .uuid()
    .nullish()
    .transform((v) => v ?? null),
  cnfXml: z.string().max(CNF_XML_MAX).optional(),
  compatibleModels: modelsSchema.default([]),
  softwareType: softwareTypeSchema.nullish().transform((v) => v ?? null),
});
export type CreateProfileInput = z.input<typeof createProfileSchema>;

export const updateProfileSchema = z
  .object({
    name: nameSchema,
    description: optionalText(500),
    userId: z.uuid().nullable(),
    cnfXml: z.string().min(1).max(CNF_XML_MAX),
    compatibleModels: modelsSchema,
    softwareType: softwareTypeSchema.nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to update" });
export type UpdateProfileInput = z.input<typeof updateProfileSchema>;

export const profileSortFields = ["name", "softwareType", "createdAt", "updatedAt"] as const;
export const listProfilesQuerySchema = listQuerySchema(profileSortFields);
export const profileListSchema = listResponseSchema(profileSchema);

export const renderQuerySchema = z.object({
  phoneId: z.uuid(),
  showSecrets: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1")
    .meta({ description: "include SIP passwords in clear; masked by default" }),
});

export const renderWarningSchema = z.object({
  code: z.enum([
    "no_line",
    "secondary_lines_unregistered",
    "no_line_mode",
    "udp_transport",
    "no_load_information",
    "dial_template_not_provided",
  ]),
  message: z.string(),
});
export type RenderWarning = z.infer<typeof renderWarningSchema>;

/** GET /profiles/:id/render/report?phoneId=: what the preview file means for that phone. */
export const renderReportSchema = z
  .object({
    fileName: z.string().meta({ example: "SEP0C1167884501.cnf.xml" }),
    loadInformation: z.object({
      load: z.string().nullable(),
      source: loadSourceSchema,
      model: z.string(),
      description: z.string().meta({ example: "from model 8845" }),
    }),
    linesFrom: z.enum(["phone", "profile_owner", "phone_owner", "none"]).meta({
      description: "the phone's button links, else the profile owner's extensions, else the phone owner's",
    }),
    lines: z.array(z.object({ button: z.number().int(), number: z.string(), registers: z.boolean() })),
    warnings: z.array(renderWarningSchema),
  })
  .meta({ id: "RenderReport" });
export type RenderReport = z.infer<typeof renderReportSchema>;

export const builtinTemplateSchema = z.object({
  softwareType: softwareTypeSchema,
  name: z.string(),
  cnfXml: z.string(),
});
export const builtinTemplatesSchema = z.object({ data: z.array(builtinTemplateSchema) });
export type BuiltinTemplate = z.infer<typeof builtinTemplateSchema>;

export const deployBodySchema = z.object({ phoneId: z.uuid() });
