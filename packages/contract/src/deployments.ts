import { z } from "zod";
import { isoTimestampSchema, listQuerySchema, listResponseSchema } from "./common.js";

export const deployStepNames = ["backup", "upload", "restore", "restart", "clear_session"] as const;
export type DeployStepName = (typeof deployStepNames)[number];
export const deploymentStatuses = ["pending", "running", "succeeded", "failed"] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];

export const deployStepSchema = z.object({
  name: z.enum(deployStepNames),
  status: z.enum(["succeeded", "failed", "skipped"]),
  detail: z.string().nullable(),
  startedAt: isoTimestampSchema,
  finishedAt: isoTimestampSchema,
});
export type DeployStep = z.infer<typeof deployStepSchema>;

export const deploymentSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(["deploy", "rollback"]),
    batchId: z.string().nullable(),
    profileId: z.string().nullable(),
    profileName: z.string().nullable(),
    phoneId: z.string().nullable(),
    phoneMac: z.string(),
    status: z.enum(deploymentStatuses),
    failedStep: z.string().nullable(),
    steps: z.array(deployStepSchema),
    startedAt: isoTimestampSchema,
    finishedAt: isoTimestampSchema.nullable(),
  })
  .meta({ id: "Deployment" });
export type Deployment = z.infer<typeof deploymentSchema>;

export const deploymentSortFields = ["startedAt", "status"] as const;
export const listDeploymentsQuerySchema = listQuerySchema(deploymentSortFields).extend({
  phoneId: z.uuid().optional(),
  profileId: z.uuid().optional(),
  batchId: z.uuid().optional(),
  status: z.enum(deploymentStatuses).optional(),
});
export const deploymentListSchema = listResponseSchema(deploymentSchema);

export const bulkDeployBodySchema = z.object({
  profileId: z.uuid(),
  phoneIds: z.array(z.uuid()).min(1).max(5000),
});

export const batchResultSchema = z.object({
  phoneId: z.string(),
  phoneMac: z.string().nullable(),
  deploymentId: z.string().nullable(),
  status: z.enum(deploymentStatuses),
  failedStep: z.string().nullable(),
  detail: z.string().nullable(),
});
export const deploymentBatchSchema = z
  .object({
    id: z.uuid(),
    profileId: z.string(),
    profileName: z.string(),
    /** `failed`: abandoned because the server running it stopped (see `detail`). */
    status: z.enum(["running", "finished", "failed"]),
    total: z.number().int(),
    done: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    createdAt: isoTimestampSchema,
    finishedAt: isoTimestampSchema.nullable(),
    /** Why a `failed` batch failed; null otherwise. */
    detail: z.string().nullable(),
    results: z.array(batchResultSchema),
  })
  .meta({ id: "DeploymentBatch" });
export type DeploymentBatch = z.infer<typeof deploymentBatchSchema>;

/** Dashboard row: one deploy, newest first. */
export interface RecentDeployment {
  id: string;
  profileName: string;
  phoneMac: string;
  status: "running" | "succeeded" | "failed";
  failedStep: string | null;
  startedAt: string;
  finishedAt: string | null;
}
