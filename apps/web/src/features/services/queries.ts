import type {
  CreateServiceInput,
  ListResponse,
  Phone,
  Profile,
  ScreenFamily,
  PhoneService,
  ServicePreview,
  UpdateServiceInput,
} from "@cisisk/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import { useAllPhones } from "../phones/queries";
import { profileKeys } from "../profiles/queries";

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

export interface Option {
  value: string;
  label: string;
}

/** "MAC · model · label" for the phone pickers and the table. */
export const phoneLabel = (p: Pick<Phone, "mac" | "model" | "label">) =>
  [p.mac, p.model, p.label].filter(Boolean).join(" · ");

/** The phones to offer a service on (the first 500, by MAC), as picker options. */
export function usePhoneOptions() {
  const phones = useAllPhones();
  const options: Option[] = (phones.data?.data ?? []).map((p) => ({ value: p.id, label: phoneLabel(p) }));
  return { options, isLoading: phones.isLoading, error: phones.error };
}

/** The profiles to offer a service on (the first 500, by name), as picker options. */
export function useProfileOptions() {
  const params = { page: 1, pageSize: 500, sort: "name" };
  const profiles = useQuery({
    queryKey: profileKeys.list(params),
    queryFn: ({ signal }) => api.get<ListResponse<Profile>>("/profiles", { query: params, signal }),
  });
  const options: Option[] = (profiles.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }));
  return { options, isLoading: profiles.isLoading, error: profiles.error };
}

/**
 * The options plus any selected id they do not hold (a phone or profile beyond the first 500, or deleted),
 * so a picker never drops a value it cannot name.
 */
export function withSelected(options: Option[], selected: string[], unknown: (id: string) => string): Option[] {
  const known = new Set(options.map((o) => o.value));
  return [...options, ...selected.filter((id) => !known.has(id)).map((id) => ({ value: id, label: unknown(id) }))];
}
