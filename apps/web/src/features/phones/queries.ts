import type {
  CreatePhoneInput,
  Deployment,
  DeploymentBatch,
  ListResponse,
  Phone,
  Profile,
  UpdatePhoneInput,
} from "@cisisk/contract";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import { tokenStore } from "../../lib/token-store";
import { dashboardKeys } from "../dashboard/queries";

export interface PhoneListParams {
  page: number;
  pageSize: number;
  sort?: string;
  q?: string;
  model?: string;
  softwareType?: string;
  profileId?: string;
}

export const phoneKeys = {
  all: ["phones"] as const,
  lists: () => [...phoneKeys.all, "list"] as const,
  list: (params: PhoneListParams) => [...phoneKeys.lists(), params] as const,
  config: (id: string) => [...phoneKeys.all, "config", id] as const,
};

export function usePhoneList(params: PhoneListParams) {
  return useQuery({
    queryKey: phoneKeys.list(params),
    queryFn: ({ signal }) => api.get<ListResponse<Phone>>("/phones", { query: { ...params }, signal }),
    placeholderData: keepPreviousData,
  });
}

/** Every phone (for the deploy dialog and the preview picker), at most 500. */
export function useAllPhones(enabled = true) {
  return useQuery({
    queryKey: phoneKeys.list({ page: 1, pageSize: 500, sort: "mac" }),
    queryFn: ({ signal }) =>
      api.get<ListResponse<Phone>>("/phones", { query: { page: 1, pageSize: 500, sort: "mac" }, signal }),
    enabled,
    // Dialogs that pick phones must see phones added elsewhere (another admin, the API) since the last visit.
    refetchOnMount: "always",
  });
}

function useInvalidatePhones() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: phoneKeys.all }),
      queryClient.invalidateQueries({ queryKey: dashboardKeys.all }),
    ]);
}

export function useCreatePhone() {
  const invalidate = useInvalidatePhones();
  return useMutation({
    mutationFn: (body: CreatePhoneInput) => api.post<Phone>("/phones", body),
    onSuccess: invalidate,
  });
}

export function useUpdatePhone() {
  const invalidate = useInvalidatePhones();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdatePhoneInput }) => api.patch<Phone>(`/phones/${id}`, patch),
    onSuccess: invalidate,
  });
}

export function useDeletePhone() {
  const invalidate = useInvalidatePhones();
  return useMutation({ mutationFn: (id: string) => api.delete(`/phones/${id}`), onSuccess: invalidate });
}

export function usePutKems() {
  const invalidate = useInvalidatePhones();
  return useMutation({
    mutationFn: ({ id, kems }: { id: string; kems: string[] }) =>
      api.request<Phone>("PUT", `/phones/${id}/kems`, { body: { kems: kems.map((model) => ({ model })) } }),
    onSuccess: invalidate,
  });
}

const baseUrl = (import.meta.env.VITE_API_URL || "/api/v1").replace(/\/+$/, "");

/**
 * GET for the endpoints that answer XML text (config, preview), which the JSON client cannot read.
 * On a 401 the JSON client refreshes the tokens (through /auth/me) and this retries once.
 */
export async function fetchText(path: string, signal?: AbortSignal): Promise<string | null> {
  const attempt = () =>
    fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${tokenStore.get()?.accessToken ?? ""}` }, signal });
  let res = await attempt();
  if (res.status === 401) {
    await api.get("/auth/me");
    res = await attempt();
  }
  if (res.status === 404) return null;
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    throw new Error(body?.error?.message ?? `the server answered ${res.status}`);
  }
  return res.text();
}

export function usePhoneConfig(id: string | null) {
  return useQuery({
    queryKey: phoneKeys.config(id ?? ""),
    queryFn: ({ signal }) => fetchText(`/phones/${id}/config`, signal),
    enabled: id !== null,
    retry: false,
  });
}

export function useRollback() {
  const invalidate = useInvalidatePhones();
  return useMutation({
    mutationFn: (id: string) => api.post<Deployment>(`/phones/${id}/rollback`),
    onSuccess: invalidate,
  });
}

export function useDeploy() {
  const invalidate = useInvalidatePhones();
  return useMutation({
    mutationFn: ({ profile, phoneId }: { profile: Profile; phoneId: string }) =>
      api.post<Deployment>(`/profiles/${profile.id}/deploy`, { phoneId }),
    onSuccess: invalidate,
  });
}

/**
 * Follows a bulk deploy's server-sent events (fetch, because EventSource cannot send the bearer token).
 * Calls `onProgress` for each `progress` event and resolves with the `done` event's batch.
 */
export async function followBatch(
  batchId: string,
  onProgress: (p: Omit<DeploymentBatch, "results">) => void,
  signal?: AbortSignal,
): Promise<DeploymentBatch> {
  await api.get("/auth/me"); // fresh access token before a long stream
  const res = await fetch(`${baseUrl}/deployments/batches/${batchId}/events`, {
    headers: { authorization: `Bearer ${tokenStore.get()?.accessToken ?? ""}`, accept: "text/event-stream" },
    signal,
  });
  if (!res.ok || !res.body) throw new Error(`progress stream failed: ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!data) continue;
      if (event === "progress") onProgress(JSON.parse(data));
      if (event === "done") return JSON.parse(data) as DeploymentBatch;
      if (event === "error") throw new Error((JSON.parse(data) as { message: string }).message);
    }
  }
  throw new Error("the progress stream ended early");
}

export function useStartBatch() {
  return useMutation({
    mutationFn: (body: { profileId: string; phoneIds: string[] }) => api.post<DeploymentBatch>("/deployments", body),
  });
}
