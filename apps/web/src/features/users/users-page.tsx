import "mantine-datatable/styles.css";
import type { User, userSortFields } from "@cisisk/contract";
import { ActionIcon, Alert, Button, EmptyState, Group, Paper, Text, TextInput } from "@mantine/core";
import { useDebouncedValue, useDisclosure } from "@mantine/hooks";
import { IconAlertCircle, IconSearch, IconUserPlus, IconUserSearch, IconX } from "@tabler/icons-react";
import { DataTable, type DataTableSortStatus } from "mantine-datatable";
import { useState } from "react";
import { errorMessage } from "../../lib/form-errors";
import { PageHeader } from "../../ui/page-header";
import { useMe } from "../auth/queries";
import { useDeleteUserConfirmation } from "./delete-user-confirmation";
import { useUserList } from "./queries";
import { userColumns } from "./user-columns";
import { UserFormModal } from "./user-form-modal";

type SortField = (typeof userSortFields)[number];
const PAGE_SIZES = [10, 25, 50, 100];

export function UsersPage() {
  const me = useMe();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [sortStatus, setSortStatus] = useState<DataTableSortStatus<User>>({
    columnAccessor: "username",
    direction: "asc",
  });
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const [listedQ, setListedQ] = useState(q);
  // A new search starts at page 1 (set during render, so no request goes out for the old page).
  if (q !== listedQ) {
    setListedQ(q);
    setPage(1);
  }

  const sortField = sortStatus.columnAccessor as SortField;
  const list = useUserList({
    page,
    pageSize,
    sort: `${sortStatus.direction === "desc" ? "-" : ""}${sortField}`,
    q: q || undefined,
  });

  // Deleting the last row of the last page leaves that page empty: step back to the new last page.
  const lastPage = Math.max(1, Math.ceil((list.data?.total ?? 0) / pageSize));
  if (list.data && !list.isPlaceholderData && page > lastPage) setPage(lastPage);

  const [dialogOpened, dialog] = useDisclosure(false);
  // Kept after closing, so the dialog does not switch content during its closing animation.
  const [editing, setEditing] = useState<User | null>(null);
  const handleCreate = () => {
    setEditing(null);
    dialog.open();
  };
  const handleEdit = (user: User) => {
    setEditing(user);
    dialog.open();
  };
  const handleDelete = useDeleteUserConfirmation();

  const columns = userColumns({ meId: me.data?.id, onEdit: handleEdit, onDelete: handleDelete });

  return (
    <>
      <PageHeader
        title="Users"
        description="Manage user accounts: create, edit, delete and assign permission levels. Only level 0 (superadmin) may use this console."
        actions={
          <Button leftSection={<IconUserPlus size={18} />} onClick={handleCreate}>
            New user
          </Button>
        }
      />
      <Paper withBorder radius="md" p="sm">
        <Group mb="sm" justify="space-between">
          <TextInput
            placeholder="Search username, name, email, phone"
            aria-label="Search users"
            leftSection={<IconSearch size={16} />}
            rightSection={
              search && (
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  size="sm"
                  aria-label="Clear search"
                  onClick={() => setSearch("")}
                >
                  <IconX size={14} />
                </ActionIcon>
              )
            }
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            w={360}
            maw="100%"
          />
          {list.data && (
            <Text size="sm" c="dimmed">
              {list.data.total === 1 ? "1 user" : `${list.data.total} users`}
              {q && " found"}
            </Text>
          )}
        </Group>
        {list.error && (
          <Alert color="red" icon={<IconAlertCircle />} title="Could not load users" mb="sm">
            {errorMessage(list.error)}
          </Alert>
        )}
        <DataTable<User>
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
          recordsPerPage={pageSize}
          page={page}
          onPageChange={setPage}
          recordsPerPageOptions={PAGE_SIZES}
          onRecordsPerPageChange={(size) => {
            setPageSize(size);
            setPage(1);
          }}
          recordsPerPageLabel="Per page"
          paginationText={({ from, to, totalRecords }) => `${from}–${to} of ${totalRecords}`}
          sortStatus={sortStatus}
          onSortStatusChange={(status) => {
            setSortStatus(status);
            setPage(1);
          }}
          emptyState={
            <EmptyState
              icon={<IconUserSearch />}
              withIndicatorBackground
              size="sm"
              title={q ? "No users match your search" : "No users yet"}
              description={q ? `Nothing found for “${q}”.` : "Create the first user with “New user”."}
            />
          }
        />
      </Paper>
      <UserFormModal opened={dialogOpened} user={editing} onClose={dialog.close} />
    </>
  );
}
