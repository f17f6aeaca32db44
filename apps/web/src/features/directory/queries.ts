import type { Contact, CreateContactInput, ImportResult, ListResponse, UpdateContactInput } from "@cisisk/contract";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";

export interface ContactListParams {
  page: number;
  pageSize: number;
  sort?: string;
  q?: string;
}

export const contactKeys = {
  all: ["directory"] as const,
  lists: () => [...contactKeys.all, "list"] as const,
  list: (params: ContactListParams) => [...contactKeys.lists(), params] as const,
};

export function useContactList(params: ContactListParams) {
  return useQuery({
    queryKey: contactKeys.list(params),
    queryFn: ({ signal }) => api.get<ListResponse<Contact>>("/directory", { query: { ...params }, signal }),
    placeholderData: keepPreviousData,
  });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: contactKeys.lists() });
}

export function useCreateContact() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: CreateContactInput) => api.post<Contact>("/directory", body),
    onSuccess: invalidate,
  });
}

export function useUpdateContact() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdateContactInput }) =>
      api.patch<Contact>(`/directory/${id}`, patch),
    onSuccess: invalidate,
  });
}

export function useDeleteContact() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.delete(`/directory/${id}`), onSuccess: invalidate });
}

export type ImportFileType = "text/csv" | "text/vcard";

/** Posts a CSV or vCard file; `dryRun` only reports what would be created and what is rejected. */
export function useImportDirectory() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ text, type, dryRun }: { text: string; type: ImportFileType; dryRun: boolean }) =>
      api.post<ImportResult>("/directory/import", text, { contentType: type, query: { dryRun: dryRun || undefined } }),
    onSuccess: (result) => (result.dryRun ? undefined : invalidate()),
  });
}

/** Downloads an export through the API client (it carries the token), then saves it as a file. */
export async function downloadExport(kind: "csv" | "vcf"): Promise<void> {
  const blob = await api.get<Blob>(`/directory/export.${kind}`, { as: "blob" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `directory.${kind}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
