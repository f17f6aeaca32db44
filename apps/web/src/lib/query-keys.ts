/**
 * Query keys that more than one feature reads or invalidates (a deploy changes the phones list, every
 * save changes the dashboard counts). Keys only one feature uses stay in that feature's queries.ts.
 */
export interface PageParams {
  page: number;
  pageSize: number;
  /** `field` or `-field`. */
  sort?: string;
  q?: string;
}

export const authKeys = {
  all: ["auth"] as const,
  me: () => [...authKeys.all, "me"] as const,
};

export const dashboardKeys = {
  all: ["dashboard"] as const,
  summary: () => [...dashboardKeys.all, "summary"] as const,
};

export const userKeys = {
  all: ["users"] as const,
  lists: () => [...userKeys.all, "list"] as const,
  list: (params: PageParams) => [...userKeys.lists(), params] as const,
  details: () => [...userKeys.all, "detail"] as const,
  detail: (id: string) => [...userKeys.details(), id] as const,
};

export const phoneKeys = {
  all: ["phones"] as const,
  lists: () => [...phoneKeys.all, "list"] as const,
  list: <P extends PageParams>(params: P) => [...phoneKeys.lists(), params] as const,
  config: (id: string) => [...phoneKeys.all, "config", id] as const,
};

export const profileKeys = {
  all: ["profiles"] as const,
  lists: () => [...profileKeys.all, "list"] as const,
  list: (params: PageParams) => [...profileKeys.lists(), params] as const,
  templates: () => [...profileKeys.all, "templates"] as const,
};
