import "mantine-datatable/styles.css";
import { ActionIcon, Alert, EmptyState, Text, TextInput, type TextInputProps, type TextProps } from "@mantine/core";
import { IconAlertCircle, IconSearch, IconX } from "@tabler/icons-react";
import { DataTable, type DataTableColumn } from "mantine-datatable";
import type { ReactNode } from "react";
import { errorMessage } from "../lib/form-errors";
import { PAGE_SIZES, type ListPage, type ListState } from "./list-state";

/** What a list calls its rows: `{ one: "user", other: "users" }`. */
export interface Noun {
  one: string;
  other: string;
}

/** The list query's result, as TanStack Query returns it. */
export interface ListResult<T> {
  data?: ListPage<T>;
  error: unknown;
  isFetching: boolean;
  isPlaceholderData: boolean;
}

/** The search box of a list, with a button that clears it. */
export function ListSearch<T>({
  state,
  label,
  placeholder,
  w,
}: {
  state: ListState<T>;
  /** The box's accessible name, e.g. "Search users". */
  label: string;
  placeholder: string;
  w: TextInputProps["w"];
}) {
  return (
    <TextInput
      placeholder={placeholder}
      aria-label={label}
      leftSection={<IconSearch size={16} />}
      rightSection={
        state.search && (
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            aria-label="Clear search"
            onClick={() => state.setSearch("")}
          >
            <IconX size={14} />
          </ActionIcon>
        )
      }
      value={state.search}
      onChange={(event) => state.setSearch(event.currentTarget.value)}
      w={w}
      maw="100%"
    />
  );
}

/** "1 user", "12 users", "3 users found" once the list has loaded. */
export function ListCount<T>({
  list,
  noun,
  q,
  ml,
}: {
  list: ListResult<T>;
  noun: Noun;
  q: string;
  /** "auto" pushes it to the end of a toolbar row. */
  ml?: TextProps["ml"];
}) {
  if (!list.data) return null;
  return (
    <Text size="sm" c="dimmed" ml={ml}>
      {list.data.total === 1 ? `1 ${noun.one}` : `${list.data.total} ${noun.other}`}
      {q && " found"}
    </Text>
  );
}

/**
 * A paged, sortable list: the load error, then the table with page sizes, sorting and an empty state
 * that tells "nothing yet" from "nothing found".
 */
export function ListTable<T>({
  state,
  list,
  columns,
  noun,
  errorTitle = `Could not load ${noun.other}`,
  emptyIcon,
  emptyHint,
}: {
  state: ListState<T>;
  list: ListResult<T>;
  columns: DataTableColumn<T>[];
  noun: Noun;
  /** The error alert's title; "Could not load <noun.other>" unless given. */
  errorTitle?: string;
  emptyIcon: ReactNode;
  /** The empty state's description while no search is on, e.g. "Create one with “New user”." */
  emptyHint: string;
}) {
  const { q } = state;
  return (
    <>
      {list.error != null && (
        <Alert color="red" icon={<IconAlertCircle />} title={errorTitle} mb="sm">
          {errorMessage(list.error)}
        </Alert>
      )}
      <DataTable<T>
        withTableBorder={false}
        striped
        highlightOnHover
        verticalSpacing="xs"
        fz="sm"
        minHeight={list.data?.data.length ? undefined : 240}
        records={list.data?.data ?? []}
        columns={columns}
        // Dim the table only while it shows something other than what was asked for, not on background refetches.
        fetching={list.isFetching && (list.isPlaceholderData || !list.data)}
        totalRecords={list.data?.total ?? 0}
        recordsPerPage={state.pageSize}
        page={state.page}
        onPageChange={state.setPage}
        recordsPerPageOptions={PAGE_SIZES}
        onRecordsPerPageChange={state.setPageSize}
        recordsPerPageLabel="Per page"
        paginationText={({ from, to, totalRecords }) => `${from}–${to} of ${totalRecords}`}
        sortStatus={state.sortStatus}
        onSortStatusChange={state.setSortStatus}
        emptyState={
          <EmptyState
            icon={emptyIcon}
            withIndicatorBackground
            size="sm"
            title={q ? `No ${noun.other} match your search` : `No ${noun.other} yet`}
            description={q ? `Nothing found for “${q}”.` : emptyHint}
          />
        }
      />
    </>
  );
}
