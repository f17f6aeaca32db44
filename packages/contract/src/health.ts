import { z } from "zod";

export const healthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  db: z.enum(["ok", "down"]),
  version: z.string(),
});
export type Health = z.infer<typeof healthSchema>;

export const componentStatusSchema = z.object({
  status: z
    .enum(["ok", "down", "not_configured", "unknown"])
    .meta({ description: "unknown = configured but not used or checked yet" }),
  lastError: z.string().nullable(),
  checkedAt: z.string().nullable(),
});
export type ComponentStatus = z.infer<typeof componentStatusSchema>;

export const componentNames = ["database", "ami", "ftp", "mail", "sms"] as const;
export type ComponentName = (typeof componentNames)[number];

export const dashboardSchema = z
  .object({
    counts: z.object({
      users: z.number().int(),
      extensions: z.number().int(),
      phones: z.number().int(),
      profiles: z.number().int(),
      contacts: z.number().int(),
      services: z.number().int(),
    }),
    components: z.record(z.enum(componentNames), componentStatusSchema),
    version: z.string(),
    uptimeSeconds: z.number(),
  })
  .meta({ id: "Dashboard" });
export type Dashboard = z.infer<typeof dashboardSchema>;
