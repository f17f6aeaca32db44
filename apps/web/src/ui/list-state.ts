import { useDebouncedValue } from "@mantine/hooks";
import type { DataTableSortStatus } from "mantine-datatable";
import { useState } from "react";

export const PAGE_SIZES = [10, 25, 50, 100];

/** What a paged list query takes: `sort` is `field` or `-field`; `q` is left out when the search is empty. */
export interface ListQuery {
  page: number;
  pageSize: number;
  sort: string;
  q?: string;
}

/** A list's loaded page, as the list queries return it (ListResponse). */
export interface ListPage<T> {
  data: T[];
  total: number;
}

export interface ListState<T> {
  page: number;
  setPage: (page: number) => void;
  pageSize: number;
  /** Starts again at page 1. */
  setPageSize: (pageSize: number) => void;
  sortStatus: DataTableSortStatus<T>;
  /** Starts again at page 1. */
  setSortStatus: (status: DataTableSortStatus<T>) => void;
  /** What the search box shows. */
  search: string;
  setSearch: (search: string) => void;
  /** The trimmed, debounced search the list is asked for ("" for none). */
  q: string;
  /** page, pageSize, sort and q for the list query. */
  query: ListQuery;
  /** Call with the list query's result: steps back to the last page when the current one no longer exists. */
  keepPageInRange: (list: { data?: ListPage<T>; isPlaceholderData: boolean }) => void;
}

/**
 * Page, page size, sort and debounced search of a paged list. A new search, or a change in one of
 * `filters` (the page's own filter values), starts again at page 1.
 */
export function useListState<T>(initialSort: DataTableSortStatus<T>, filters: readonly unknown[] = []): ListState<T> {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [sortStatus, setSortStatus] = useState(initialSort);
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);

  // Set during render, so no request goes out for the old page.
  const listed = JSON.stringify([q, ...filters]);
  const [lastListed, setLastListed] = useState(listed);
  if (listed !== lastListed) {
    setLastListed(listed);
    setPage(1);
  }

  return {
    page,
    setPage,
    pageSize,
    setPageSize: (size) => {
      setPageSize(size);
      setPage(1);
    },
    sortStatus,
    setSortStatus: (status) => {
      setSortStatus(status);
      setPage(1);
    },
    search,
    setSearch,
    q,
    query: {
      page,
      pageSize,
      sort: `${sortStatus.direction === "desc" ? "-" : ""}${String(sortStatus.columnAccessor)}`,
      q: q || undefined,
    },
    keepPageInRange: (list) => {
      // Deleting the last row of the last page leaves that page empty: step back to the new last page.
      const lastPage = Math.max(1, Math.ceil((list.data?.total ?? 0) / pageSize));
      if (list.data && !list.isPlaceholderData && page > lastPage) setPage(lastPage);
    },
  };
}
