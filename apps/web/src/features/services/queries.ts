import type {
  CreateServiceInput,
  ListResponse,
  ScreenFamily,
  PhoneService,
  ServicePreview,
  UpdateServiceInput,
} from "@cisisk/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";

export const serviceKeys = {
  all: ["services"] as const,
  list: () => [...serviceKeys.all, "list"] as const,
  preview: (id: string, family: ScreenFamily) => [...serviceKeys.all, "preview", id, family] as const,
};

export function useServiceList() {
  return useQuery({
    queryKey: serviceKeys.list(),
    queryFn: ({ signal }) => api.get<ListResponse<PhoneService>>("/services", { signal }),
  });
}

export function useServicePreview(id: string | null, family: ScreenFamily) {
  return useQuery({
    queryKey: serviceKeys.preview(id ?? "", family),
    queryFn: ({ signal }) => api.get<ServicePreview>(`/services/${id}/preview`, { query: { family }, signal }),
    enabled: id !== null,
  });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: serviceKeys.all });
}

export function useCreateService() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: CreateServiceInput) => api.post<PhoneService>("/services", body),
    onSuccess: invalidate,
  });
}

export function useUpdateService() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdateServiceInput }) =>
      api.patch<PhoneService>(`/services/${id}`, patch),
    onSuccess: invalidate,
  });
}

export function useDeleteService() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.delete(`/services/${id}`), onSuccess: invalidate });
}
