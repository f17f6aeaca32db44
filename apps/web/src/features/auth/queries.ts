import type { LoginRequest, LoginResponse } from "@cisisk/contract";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import { authKeys } from "../../lib/query-keys";
import { tokenStore } from "../../lib/token-store";

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    // Cookie mode: the refresh token comes back as an httpOnly cookie, the access token stays in memory.
    mutationFn: (body: LoginRequest) =>
      api.post<LoginResponse>("/auth/login", { ...body, cookie: true }, { auth: false }),
    onSuccess: (res) => {
      // Nothing cached for a previous user may show through.
      queryClient.clear();
      tokenStore.set({ accessToken: res.accessToken });
      queryClient.setQueryData(authKeys.me(), res.user);
    },
  });
}

/** Ends the session on the server (the refresh token's whole family), then locally whatever the answer. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        // The refresh cookie (and the CSRF header every call carries) tells the server which session ends.
        await api.post<void>("/auth/logout", undefined, { auth: false });
      } finally {
        tokenStore.clear("logout");
        queryClient.clear();
      }
    },
  });
}
