import type { LoginRequest, LoginResponse, User } from "@cisisk/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { api } from "../../lib/api-client";
import { tokenStore } from "../../lib/token-store";

export const authKeys = {
  all: ["auth"] as const,
  me: () => [...authKeys.all, "me"] as const,
};

/** The stored token pair; null once logged out or the session could not be refreshed. */
export function useTokens() {
  return useSyncExternalStore(tokenStore.subscribe, tokenStore.get);
}

export function useMe() {
  return useQuery({
    queryKey: authKeys.me(),
    queryFn: ({ signal }) => api.get<User>("/auth/me", { signal }),
    staleTime: 60_000,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => api.post<LoginResponse>("/auth/login", body, { auth: false }),
    onSuccess: (res) => {
      // Nothing cached for a previous user may show through.
      queryClient.clear();
      tokenStore.set({ accessToken: res.accessToken, refreshToken: res.refreshToken });
      queryClient.setQueryData(authKeys.me(), res.user);
    },
  });
}

/** Ends the session on the server (the refresh token's whole family), then locally whatever the answer. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const refreshToken = tokenStore.get()?.refreshToken;
      try {
        if (refreshToken) await api.post<void>("/auth/logout", { refreshToken }, { auth: false });
      } finally {
        tokenStore.clear("logout");
        queryClient.clear();
      }
    },
  });
}
