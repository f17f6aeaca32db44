import type { ListResponse } from "@cisisk/contract";
import { Button, Group, Text } from "@mantine/core";
import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";
import { api } from "../lib/api-client";

/** A list read page after page by `nextCursor` ("Show more"), for lists short enough to show whole. */
export interface CursorList<T> {
  rows: T[];
  total: number;
  /** Loaded the first page at least once. */
  loaded: boolean;
  error: unknown;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
}

/**
 * Reads `path` by keyset paging: the first page, then each next one from the previous answer's `nextCursor`.
 * Invalidating `queryKey` refetches every page shown, each from the fresh cursor of the one before.
 */
export function useCursorList<T>(queryKey: QueryKey, path: string, pageSize = 100): CursorList<T> {
  const list = useInfiniteQuery({
    queryKey,
    queryFn: ({ signal, pageParam }) =>
      api.get<ListResponse<T>>(path, { signal, query: { pageSize, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  return {
    rows: list.data?.pages.flatMap((p) => p.data) ?? [],
    total: list.data?.pages[0]?.total ?? 0,
    loaded: list.data !== undefined,
    error: list.error,
    hasMore: list.hasNextPage,
    loadingMore: list.isFetchingNextPage,
    loadMore: () => void list.fetchNextPage(),
  };
}

/** "Showing 100 of 240" and a "Show more" button while there are more rows. */
export function ShowMore<T>({ list, noun }: { list: CursorList<T>; noun: string }) {
  if (!list.hasMore) return null;
  return (
    <Group justify="space-between" p="xs">
      <Text size="sm" c="dimmed">
        Showing {list.rows.length} of {list.total} {noun}
      </Text>
      <Button variant="default" size="xs" loading={list.loadingMore} onClick={list.loadMore}>
        Show more
      </Button>
    </Group>
  );
}
