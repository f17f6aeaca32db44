import type { User } from "@cisisk/contract";
import { useQuery } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { api } from "./api-client";
import { authKeys } from "./query-keys";
import { tokenStore } from "./token-store";

/** The stored token pair; null once logged out or the session could not be refreshed. */
export function useTokens() {
  return useSyncExternalStore(tokenStore.subscribe, tokenStore.get);
}

/** The logged-in user. */
export function useMe() {
  return useQuery({
    queryKey: authKeys.me(),
    queryFn: ({ signal }) => api.get<User>("/auth/me", { signal }),
    staleTime: 60_000,
  });
}
