import type {
  CreateExtensionInput,
  Extension,
  ExtensionImportResult,
  ListResponse,
  UpdateExtensionInput,
} from "@cisisk/contract";
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import { dashboardKeys } from "../../lib/query-keys";

export interface ExtensionListParams {
  page: number;
  pageSize: number;
  sort?: string;
  q?: string;
  technology?: string;
}

export const extensionKeys = {
  all: ["extensions"] as const,
  lists: () => [...extensionKeys.all, "list"] as const,
  list: (params: ExtensionListParams) => [...extensionKeys.lists(), params] as const,
};

/** Registration state comes from Asterisk: refresh the table on its own. */
export const EXTENSIONS_REFRESH_MS = 15_000;

export function useExtensionList(params: ExtensionListParams) {
  return useQuery({
    queryKey: extensionKeys.list(params),
    queryFn: ({ signal }) => api.get<ListResponse<Extension>>("/extensions", { query: { ...params }, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: EXTENSIONS_REFRESH_MS,
  });
}

function invalidate(queryClient: QueryClient) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: extensionKeys.lists() }),
    queryClient.invalidateQueries({ queryKey: dashboardKeys.all }),
  ]);
}

export function useCreateExtension() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateExtensionInput) => api.post<Extension>("/extensions", body),
    onSuccess: () => invalidate(queryClient),
  });
}

export function useUpdateExtension() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdateExtensionInput }) =>
      api.patch<Extension>(`/extensions/${id}`, patch),
    onSuccess: () => invalidate(queryClient),
  });
}

export function useDeleteExtension() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/extensions/${id}`),
    onSuccess: () => invalidate(queryClient),
  });
}

/** CSV import; `dryRun` only checks the file and answers what would be created. */
export function useImportExtensions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ csv, dryRun }: { csv: string; dryRun: boolean }) =>
      api.post<ExtensionImportResult>("/extensions/import", csv, {
        contentType: "text/csv",
        ...(dryRun && { query: { dryRun: "true" } }),
      }),
    onSuccess: (result) => (result.dryRun ? undefined : invalidate(queryClient)),
  });
}
