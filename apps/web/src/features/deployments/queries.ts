import type { Deployment, DeploymentBatch, Profile } from "@cisisk/contract";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import { dashboardKeys, phoneKeys } from "../../lib/query-keys";

export type BatchProgress = Omit<DeploymentBatch, "results">;

/** A deploy changes the phones' current profile and the dashboard's recent deployments. */
function useInvalidateAfterDeploy() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: phoneKeys.all }),
      queryClient.invalidateQueries({ queryKey: dashboardKeys.all }),
    ]);
}

export function useDeploy() {
  const invalidate = useInvalidateAfterDeploy();
  return useMutation({
    mutationFn: ({ profile, phoneId }: { profile: Profile; phoneId: string }) =>
      api.post<Deployment>(`/profiles/${profile.id}/deploy`, { phoneId }),
    onSuccess: invalidate,
  });
}

/**
 * Starts a bulk deploy and follows its server-sent events: `onProgress` for each `progress` event; resolves
 * with the `done` event's batch.
 */
export function useBulkDeploy() {
  const invalidate = useInvalidateAfterDeploy();
  return useMutation({
    mutationFn: async ({
      profileId,
      phoneIds,
      onProgress,
    }: {
      profileId: string;
      phoneIds: string[];
      onProgress: (progress: BatchProgress) => void;
    }) => {
      const started = await api.post<DeploymentBatch>("/deployments", { profileId, phoneIds });
      onProgress(started);
      return followBatch(started.id, onProgress);
    },
    onSettled: invalidate,
  });
}

export async function followBatch(
  batchId: string,
  onProgress: (progress: BatchProgress) => void,
  signal?: AbortSignal,
): Promise<DeploymentBatch> {
  for await (const { event, data } of api.events(`/deployments/batches/${batchId}/events`, { signal })) {
    if (event === "progress") onProgress(JSON.parse(data) as BatchProgress);
    if (event === "done") return JSON.parse(data) as DeploymentBatch;
    if (event === "error") throw new Error((JSON.parse(data) as { message: string }).message);
  }
  throw new Error("the progress stream ended early");
}
