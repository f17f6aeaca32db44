import "mantine-datatable/styles.css";
import { extensionTechnologies, type Extension, type extensionSortFields } from "@cisisk/contract";
import { ActionIcon, Alert, Button, EmptyState, Group, Paper, SegmentedControl, Text, TextInput } from "@mantine/core";
import { useDebouncedValue, useDisclosure } from "@mantine/hooks";
import { IconAlertCircle, IconFileImport, IconHash, IconPlus, IconSearch, IconX } from "@tabler/icons-react";
import { DataTable, type DataTableSortStatus } from "mantine-datatable";
import { useState } from "react";
import { errorMessage } from "../../lib/form-errors";
import { PageHeader } from "../../ui/page-header";
import { useDeleteExtensionConfirmation } from "./delete-extension-confirmation";
import { extensionColumns } from "./extension-columns";
import { ExtensionFormModal } from "./extension-form-modal";
import { ImportExtensionsModal } from "./import-extensions-modal";
import { useExtensionList } from "./queries";

type SortField = (typeof extensionSortFields)[number];
const PAGE_SIZES = [10, 25, 50, 100];

export function ExtensionsPage() {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [technology, setTechnology] = useState("all");
  const [sortStatus, setSortStatus] = useState<DataTableSortStatus<Extension>>({
    columnAccessor: "number",
    direction: "asc",
  });
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const [listedQ, setListedQ] = useState(q);
  if (q !== listedQ) {
    setListedQ(q);
    setPage(1);
  }

  const list = useExtensionList({
    page,
    pageSize,
    sort: `${sortStatus.direction === "desc" ? "-" : ""}${sortStatus.columnAccessor as SortField}`,
    q: q || undefined,
    technology: technology === "all" ? undefined : technology,
  });
  const lastPage = Math.max(1, Math.ceil((list.data?.total ?? 0) / pageSize));
  if (list.data && !list.isPlaceholderData && page > lastPage) setPage(lastPage);

  const [dialogOpened, dialog] = useDisclosure(false);
  const [importOpened, importDialog] = useDisclosure(false);
  const [editing, setEditing] = useState<Extension | null>(null);
  const handleDelete = useDeleteExtensionConfirmation();
  const columns = extensionColumns({
    onEdit: (e) => {
      setEditing(e);
      dialog.open();
    },
    onDelete: handleDelete,
  });

  return (
    <>
      <PageHeader
        title="Extensions"
        description="Asterisk lines (SCCP, SIP, PJSIP) linked to users, with their live registration state."
        actions={
          <Group gap="xs">
            <Button variant="default" leftSection={<IconFileImport size={18} />} onClick={importDialog.open}>
              Import CSV
            </Button>
            <Button
              leftSection={<IconPlus size={18} />}
              onClick={() => {
                setEditing(null);
                dialog.open();
              }}
            >
              New extension
            </Button>
          </Group>
        }
      />
      <Paper withBorder radius="md" p="sm">
        <Group mb="sm" justify="space-between">
          <Group gap="sm">
            <TextInput
              placeholder="Search number, name, user"
              aria-label="Search extensions"
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
              w={300}
              maw="100%"
            />
            <SegmentedControl
              aria-label="Technology"
              size="sm"
              value={technology}
              onChange={(v) => {
                setTechnology(v);
                setPage(1);
              }}
              data={[{ value: "all", label: "All" }, ...extensionTechnologies.map((t) => ({ value: t, label: t }))]}
            />
          </Group>
          {list.data && (
            <Text size="sm" c="dimmed">
              {list.data.total === 1 ? "1 extension" : `${list.data.total} extensions`}
              {q && " found"}
            </Text>
          )}
        </Group>
        {list.error && (
          <Alert color="red" icon={<IconAlertCircle />} title="Could not load extensions" mb="sm">
            {errorMessage(list.error)}
          </Alert>
        )}
        <DataTable<Extension>
          withTableBorder={false}
          striped
          highlightOnHover
          verticalSpacing="xs"
          fz="sm"
          minHeight={list.data?.data.length ? undefined : 240}
          records={list.data?.data ?? []}
          columns={columns}
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
              icon={<IconHash />}
              withIndicatorBackground
              size="sm"
              title={q ? "No extensions match your search" : "No extensions yet"}
              description={q ? `Nothing found for “${q}”.` : "Create one with “New extension”, or import a CSV file."}
            />
          }
        />
      </Paper>
      <ExtensionFormModal opened={dialogOpened} extension={editing} onClose={dialog.close} />
      <ImportExtensionsModal opened={importOpened} onClose={importDialog.close} />
    </>
  );
}
