import type { FirmwareSettings, PutFirmwareSettingsInput } from "@cisisk/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";

export const firmwareKeys = { all: ["settings", "firmware"] as const };

export function useFirmwareLoads() {
  return useQuery({
    queryKey: firmwareKeys.all,
    queryFn: ({ signal }) => api.get<FirmwareSettings>("/settings/firmware", { signal }),
  });
}

export function useSaveFirmwareLoads() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PutFirmwareSettingsInput) =>
      api.request<FirmwareSettings>("PUT", "/settings/firmware", { body }),
    onSuccess: (saved) => queryClient.setQueryData(firmwareKeys.all, saved),
  });
}
