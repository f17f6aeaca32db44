import type { FileServing, StoredFile } from "@cisisk/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import { useCursorList } from "../../ui/cursor-list";

export const filesKeys = {
  all: ["files"] as const,
  list: ["files", "list"] as const,
  serving: ["files", "serving"] as const,
};

export const useFiles = () => useCursorList<StoredFile>(filesKeys.list, "/files");

export function useFileServing() {
  return useQuery({
    queryKey: filesKeys.serving,
    queryFn: ({ signal }) => api.get<FileServing>("/file-serving", { signal }),
  });
}

export function useUploadFile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) =>
      api.request<StoredFile>("PUT", `/files/${encodeURIComponent(file.name)}`, {
        body: file,
        contentType: "application/octet-stream",
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: filesKeys.all }),
  });
}

export function useDeleteFile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.delete(`/files/${encodeURIComponent(name)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: filesKeys.all }),
  });
}

/** Downloads through the API client (it carries the token), then saves the file. */
export async function downloadFile(name: string): Promise<void> {
  const blob = await api.get<Blob>(`/files/${encodeURIComponent(name)}`, { as: "blob" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
