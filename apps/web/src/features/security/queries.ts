import type {
  AuthToken,
  ChangePasswordInput,
  SecuritySettings,
  SignInList,
  UpdateSecuritySettings,
} from "@cisisk/contract";
import { startRegistration } from "@simplewebauthn/browser";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import { useCursorList } from "../../ui/cursor-list";

const securityKeys = {
  settings: ["settings", "security"] as const,
  tokens: ["auth", "tokens"] as const,
  signIns: (filters: SignInFilters, cursor: string | undefined) => ["auth", "sign-ins", filters, cursor] as const,
};

export interface SignInFilters {
  username?: string;
  ip?: string;
  result?: string;
}

export function useSecuritySettings() {
  return useQuery({
    queryKey: securityKeys.settings,
    queryFn: ({ signal }) => api.get<SecuritySettings>("/settings/security", { signal }),
  });
}

export function useSaveSecuritySettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateSecuritySettings) => api.request<SecuritySettings>("PUT", "/settings/security", { body }),
    onSuccess: (saved) => queryClient.setQueryData(securityKeys.settings, saved),
  });
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ChangePasswordInput) => api.post<void>("/auth/password", body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: securityKeys.tokens }),
  });
}

export const useTokenTable = () => useCursorList<AuthToken>(securityKeys.tokens, "/auth/tokens");

export function useDeleteToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/auth/tokens/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: securityKeys.tokens }),
  });
}

/** Registers a passkey: the server's options, the browser's ceremony, the server's check. */
export function useAddPasskey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) => {
      const optionsJSON = await api.post<Parameters<typeof startRegistration>[0]["optionsJSON"]>(
        "/auth/passkeys/registration-options",
      );
      const response = await startRegistration({ optionsJSON });
      return api.post<AuthToken>("/auth/passkeys", { name: name || undefined, response });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: securityKeys.tokens }),
  });
}

/** One page of the sign-in log: the first, or the one after `cursor` (the previous page's `nextCursor`). */
export function useSignIns(filters: SignInFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: securityKeys.signIns(filters, cursor),
    queryFn: ({ signal }) =>
      api.get<SignInList>("/auth/sign-ins", { signal, query: { ...filters, cursor, pageSize: 25 } }),
    placeholderData: keepPreviousData,
  });
}
