import type { CreateUserInput, ListResponse, UpdateUserInput, User } from "@cisisk/contract";
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import { authKeys, dashboardKeys, userKeys, type PageParams } from "../../lib/query-keys";

export function useUserList(params: PageParams) {
  return useQuery({
    queryKey: userKeys.list(params),
    queryFn: ({ signal }) => api.get<ListResponse<User>>("/users", { query: { ...params }, signal }),
    // Keep the current page on screen while the next page, sort or search loads.
    placeholderData: keepPreviousData,
  });
}

/** Lists, the dashboard's user count and, when it is one's own account, the header. */
function invalidateAfterChange(queryClient: QueryClient, userId?: string) {
  const isMe = userId !== undefined && queryClient.getQueryData<User>(authKeys.me())?.id === userId;
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: userKeys.lists() }),
    queryClient.invalidateQueries({ queryKey: dashboardKeys.all }),
    isMe && queryClient.invalidateQueries({ queryKey: authKeys.me() }),
  ]);
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserInput) => api.post<User>("/users", body),
    onSuccess: () => invalidateAfterChange(queryClient),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdateUserInput }) => api.patch<User>(`/users/${id}`, patch),
    onSuccess: (user) => {
      queryClient.setQueryData(userKeys.detail(user.id), user);
      return invalidateAfterChange(queryClient, user.id);
    },
  });
}

export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/users/${id}`),
    onSuccess: (_void, id) => {
      queryClient.removeQueries({ queryKey: userKeys.detail(id) });
      return invalidateAfterChange(queryClient);
    },
  });
}
