import type { LoginRequest, LoginResponse } from "@cisisk/contract";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import { authKeys } from "../../lib/query-keys";
import { tokenStore } from "../../lib/token-store";

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => api.post<LoginResponse>("/auth/login", body, { auth: false }),
    onSuccess: (res) => {
      // Nothing cached for a previous user may show through.
      queryClient.clear();
      tokenStore.set({ accessToken: res.accessToken, refreshToken: res.refreshToken ?? "" });
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
