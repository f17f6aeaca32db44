import type { LoginRequest, LoginResponse } from "@cisisk/contract";
import { startAuthentication } from "@simplewebauthn/browser";
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

/** Logs in with a passkey (discoverable: no username needed); the session is kept like a password login's. */
export function usePasskeyLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const optionsJSON = await api.post<Parameters<typeof startAuthentication>[0]["optionsJSON"]>(
        "/auth/passkeys/login-options",
        undefined,
        { auth: false },
      );
      const response = await startAuthentication({ optionsJSON });
      return api.post<LoginResponse>("/auth/passkeys/login", { response, cookie: true }, { auth: false });
    },
    onSuccess: (res) => {
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
