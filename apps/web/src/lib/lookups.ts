import type { ListResponse, Phone, Profile, User } from "@cisisk/contract";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";
import { phoneKeys, profileKeys, userKeys } from "./query-keys";

/** The pickers' option lists: what several features offer to choose from, loaded once and shared. */
export interface Option {
  value: string;
  label: string;
}

const ALL_PHONES = { page: 1, pageSize: 500, sort: "mac" };
const ALL_PROFILES = { page: 1, pageSize: 500, sort: "name" };
const ALL_USERS = { page: 1, pageSize: 500, sort: "username" };

/** Every phone (for the deploy dialog and the pickers), at most 500, by MAC. */
export function useAllPhones(enabled = true) {
  return useQuery({
    queryKey: phoneKeys.list(ALL_PHONES),
    queryFn: ({ signal }) => api.get<ListResponse<Phone>>("/phones", { query: ALL_PHONES, signal }),
    enabled,
    // Dialogs that pick phones must see phones added elsewhere (another admin, the API) since the last visit.
    refetchOnMount: "always",
  });
}

/** "MAC · model · label" for the phone pickers and tables. */
export const phoneLabel = (p: Pick<Phone, "mac" | "model" | "label">) =>
  [p.mac, p.model, p.label].filter(Boolean).join(" · ");

/** The phones as picker options. */
export function usePhoneOptions() {
  const phones = useAllPhones();
  const options: Option[] = (phones.data?.data ?? []).map((p) => ({ value: p.id, label: phoneLabel(p) }));
  return { options, isLoading: phones.isLoading, error: phones.error };
}

/** The profiles (the first 500, by name) as picker options. */
export function useProfileOptions() {
  const profiles = useQuery({
    queryKey: profileKeys.list(ALL_PROFILES),
    queryFn: ({ signal }) => api.get<ListResponse<Profile>>("/profiles", { query: ALL_PROFILES, signal }),
  });
  const options: Option[] = (profiles.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }));
  return { options, isLoading: profiles.isLoading, error: profiles.error };
}

/** The users a line, phone or profile can belong to (the first 500, by username) as picker options. */
export function useUserOptions() {
  const users = useQuery({
    queryKey: userKeys.list(ALL_USERS),
    queryFn: ({ signal }) => api.get<ListResponse<User>>("/users", { query: ALL_USERS, signal }),
  });
  const options: Option[] = (users.data?.data ?? []).map((u) => ({
    value: u.id,
    label: `${u.displayName} (${u.username})`,
  }));
  return { options, isLoading: users.isLoading, error: users.error };
}

/**
 * The options plus any selected id they do not hold (beyond the first 500, or deleted), so a picker
 * never drops a value it cannot name.
 */
export function withSelected(options: Option[], selected: string[], unknown: (id: string) => string): Option[] {
  const known = new Set(options.map((o) => o.value));
  return [...options, ...selected.filter((id) => !known.has(id)).map((id) => ({ value: id, label: unknown(id) }))];
}
