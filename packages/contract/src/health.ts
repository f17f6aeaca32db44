import { fileServingSchema } from "./files.js";
import { z } from "zod";

export const healthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  db: z.enum(["ok", "down"]),
  /** Why the database is down (e.g. it did not answer in time); absent when it is up. */
  reason: z.string().optional(),
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

/** One deploy of a profile to a phone, as the dashboard lists them (supplied by the deployments module). */
export const deploymentSummarySchema = z.object({
  id: z.string(),
  profileName: z.string(),
  phoneMac: z.string(),
  status: z.enum(["running", "succeeded", "failed"]),
  failedStep: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type DeploymentSummary = z.infer<typeof deploymentSummarySchema>;

/** A change Cisisk could not apply to Asterisk (realtime tables or config files + reload). */
/** A recent failure: an Asterisk outbox change, or background work (bulk deploy, outbox loop, sends…). */
export const asteriskFailureSchema = z.object({
  id: z.number().int(),
  /** "asterisk" for an outbox change; else what failed in the background (e.g. "bulk_deploy"). */
  source: z.string(),
  /** The extension of an outbox change; null for other background work. */
  extensionNumber: z.string().nullable(),
  status: z.enum(["pending", "failed"]),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
});
export type AsteriskFailure = z.infer<typeof asteriskFailureSchema>;

/** A mail or SMS that failed for good, or waits for a retry after a failure. */
export const sendFailureSchema = z.object({
  id: z.string(),
  kind: z.enum(["mail", "sms"]),
  to: z.string(),
  status: z.enum(["pending", "failed"]),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
});
export type SendFailure = z.infer<typeof sendFailureSchema>;

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
    extensions: z.object({ configured: z.number().int(), registered: z.number().int().nullable() }),
    asterisk: z.object({
      mode: z.enum(["none", "realtime", "files"]),
      pendingChanges: z.number().int(),
      failedChanges: z.number().int(),
      lastError: z.string().nullable(),
    }),
    recentFailures: z.array(asteriskFailureSchema),
    /** Mail and SMS sends that failed (the jobs behind them). */
    recentSendFailures: z.array(sendFailureSchema),
    recentDeployments: z.array(deploymentSummarySchema),
    /** Cisisk as the phones' TFTP/HTTP file server (absent when the server was built without it). */
    fileServing: fileServingSchema.optional(),
  })
  .meta({ id: "Dashboard" });
export type Dashboard = z.infer<typeof dashboardSchema>;
