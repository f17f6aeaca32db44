import type { Dashboard } from "@cisisk/contract";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import { dashboardKeys } from "../../lib/query-keys";

export const DASHBOARD_REFRESH_MS = 10_000;

export function useDashboard() {
  return useQuery({
    queryKey: dashboardKeys.summary(),
    queryFn: ({ signal }) => api.get<Dashboard>("/dashboard", { signal }),
    refetchInterval: DASHBOARD_REFRESH_MS,
    staleTime: 0,
  });
}
