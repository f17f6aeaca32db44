import type {
  BuiltinTemplate,
  CreateProfileInput,
  ListResponse,
  Profile,
  RenderReport,
  UpdateProfileInput,
} from "@cisisk/contract";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import { dashboardKeys, profileKeys, type PageParams } from "../../lib/query-keys";

export function useProfileList(params: PageParams) {
  return useQuery({
    queryKey: profileKeys.list(params),
    queryFn: ({ signal }) => api.get<ListResponse<Profile>>("/profiles", { query: { ...params }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useTemplates() {
  return useQuery({
    queryKey: profileKeys.templates(),
    queryFn: ({ signal }) => api.get<{ data: BuiltinTemplate[] }>("/profiles/templates", { signal }),
    staleTime: Infinity,
  });
}

function useInvalidateProfiles() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: profileKeys.all }),
      queryClient.invalidateQueries({ queryKey: dashboardKeys.all }),
    ]);
}

export function useCreateProfile() {
  const invalidate = useInvalidateProfiles();
  return useMutation({
    mutationFn: (body: CreateProfileInput) => api.post<Profile>("/profiles", body),
    onSuccess: invalidate,
  });
}

export function useUpdateProfile() {
  const invalidate = useInvalidateProfiles();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdateProfileInput }) =>
      api.patch<Profile>(`/profiles/${id}`, patch),
    onSuccess: invalidate,
  });
}

export function useDeleteProfile() {
  const invalidate = useInvalidateProfiles();
  return useMutation({ mutationFn: (id: string) => api.delete(`/profiles/${id}`), onSuccess: invalidate });
}

/** What a preview means for a phone: the load it gets and why, its lines, and what will not work. */
export function fetchRenderReport(profileId: string, phoneId: string): Promise<RenderReport> {
  return api.get<RenderReport>(`/profiles/${profileId}/render/report`, { query: { phoneId } });
}
