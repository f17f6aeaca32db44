import type {
  CreatePhoneInput,
  Deployment,
  ListResponse,
  Phone,
  PhoneImportResult,
  UpdatePhoneInput,
} from "@cisisk/contract";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, isApiError } from "../../lib/api-client";
import { dashboardKeys, phoneKeys, type PageParams } from "../../lib/query-keys";

export interface PhoneListParams extends PageParams {
  brand?: string;
  model?: string;
  softwareType?: string;
  profileId?: string;
}

export function usePhoneList(params: PhoneListParams) {
  return useQuery({
    queryKey: phoneKeys.list(params),
    queryFn: ({ signal }) => api.get<ListResponse<Phone>>("/phones", { query: { ...params }, signal }),
    placeholderData: keepPreviousData,
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

/** The phone's deployed SEP file as text; null when the file server has none (404). */
export function usePhoneConfig(id: string | null) {
  return useQuery({
    queryKey: phoneKeys.config(id ?? ""),
    queryFn: ({ signal }) =>
      api.text(`/phones/${id}/config`, { signal }).catch((error: unknown) => {
        if (isApiError(error, "not_found")) return null;
        throw error;
      }),
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

/** CSV import; `dryRun` only checks the file and answers what would be created. */
export function useImportPhones() {
  const invalidate = useInvalidatePhones();
  return useMutation({
    mutationFn: ({ csv, dryRun }: { csv: string; dryRun: boolean }) =>
      api.post<PhoneImportResult>("/phones/import", csv, {
        contentType: "text/csv",
        ...(dryRun && { query: { dryRun: "true" } }),
      }),
    onSuccess: (result) => (result.dryRun ? undefined : invalidate()),
  });
}
