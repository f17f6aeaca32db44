import "mantine-datatable/styles.css";
import type { Contact, contactSortFields } from "@cisisk/contract";
import {
  ActionIcon,
  Alert,
  Button,
  EmptyState,
  Group,
  Menu,
  Paper,
  Text,
  TextInput,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue, useDisclosure } from "@mantine/hooks";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import {
  IconAddressBook,
  IconAlertCircle,
  IconDownload,
  IconFileImport,
  IconPencil,
  IconSearch,
  IconTrash,
  IconUserPlus,
  IconX,
} from "@tabler/icons-react";
import { DataTable, type DataTableColumn, type DataTableSortStatus } from "mantine-datatable";
import { useState } from "react";
import { errorMessage } from "../../lib/form-errors";
import { PageHeader } from "../../ui/page-header";
import { ContactFormModal } from "./contact-form-modal";
import { ImportModal } from "./import-modal";
import { downloadExport, useContactList, useDeleteContact } from "./queries";

type SortField = (typeof contactSortFields)[number];
const PAGE_SIZES = [10, 25, 50, 100];
const dash = (
  <Text c="dimmed" span>
    —
  </Text>
);
const fullName = (c: Contact) => [c.firstName, c.lastName].filter(Boolean).join(" ");

export function DirectoryPage() {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [sortStatus, setSortStatus] = useState<DataTableSortStatus<Contact>>({
    columnAccessor: "lastName",
    direction: "asc",
  });
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const [listedQ, setListedQ] = useState(q);
  if (q !== listedQ) {
    setListedQ(q);
    setPage(1);
  }
  const list = useContactList({
    page,
    pageSize,
    sort: `${sortStatus.direction === "desc" ? "-" : ""}${sortStatus.columnAccessor as SortField}`,
    q: q || undefined,
  });
  const lastPage = Math.max(1, Math.ceil((list.data?.total ?? 0) / pageSize));
  if (list.data && !list.isPlaceholderData && page > lastPage) setPage(lastPage);

  const [formOpened, form] = useDisclosure(false);
  const [importOpened, importer] = useDisclosure(false);
  const [editing, setEditing] = useState<Contact | null>(null);
  const deleteContact = useDeleteContact();

  const handleCreate = () => {
    setEditing(null);
    form.open();
  };
  const handleEdit = (c: Contact) => {
    setEditing(c);
    form.open();
  };
  const handleDelete = (c: Contact) =>
    modals.openConfirmModal({
      title: `Delete ${fullName(c)}?`,
      children: <Text size="sm">The contact disappears from every phone's directory.</Text>,
      labels: { confirm: "Delete contact", cancel: "Cancel" },
      confirmProps: { color: "red", leftSection: <IconTrash size={16} /> },
      onConfirm: async () => {
        try {
          await deleteContact.mutateAsync(c.id);
          notifications.show({ color: "green", title: "Contact deleted", message: `${fullName(c)} was deleted.` });
        } catch (error) {
          notifications.show({ color: "red", title: "Could not delete", message: errorMessage(error) });
        }
      },
    });
  const handleExport = async (kind: "csv" | "vcf") => {
    try {
      await downloadExport(kind);
    } catch (error) {
      notifications.show({ color: "red", title: "Export failed", message: errorMessage(error) });
    }
  };

  const columns: DataTableColumn<Contact>[] = [
    {
      accessor: "lastName",
      title: "Last name",
      sortable: true,
      render: (c) => (
        <Text fw={600} size="sm">
          {c.lastName || "—"}
        </Text>
      ),
    },
    { accessor: "firstName", title: "First name", sortable: true },
    { accessor: "workNumber", title: "Work", render: (c) => c.workNumber ?? dash },
    { accessor: "mobileNumber", title: "Mobile", render: (c) => c.mobileNumber ?? dash },
    { accessor: "homeNumber", title: "Home", render: (c) => c.homeNumber ?? dash },
    { accessor: "email", title: "Email", render: (c) => c.email ?? dash },
    { accessor: "department", title: "Department", sortable: true, render: (c) => c.department ?? dash },
    {
      accessor: "location",
      title: "Location",
      sortable: true,
      render: (c) => [c.location, c.building].filter(Boolean).join(" · ") || dash,
    },
    {
      accessor: "actions",
      title: <VisuallyHidden>Actions</VisuallyHidden>,
      textAlign: "right",
      width: 90,
      render: (c) => (
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <Tooltip label="Edit">
            <ActionIcon variant="subtle" aria-label={`Edit ${fullName(c)}`} onClick={() => handleEdit(c)}>
              <IconPencil size={17} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Delete">
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={`Delete ${fullName(c)}`}
              onClick={() => handleDelete(c)}
            >
              <IconTrash size={17} />
            </ActionIcon>
          </Tooltip>
        </Group>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Corporate Directory"
        description="Company-wide contacts the phones search through the Directories button. Import and export CSV or vCard."
        actions={
          <>
            <Menu position="bottom-end">
              <Menu.Target>
                <Button variant="default" leftSection={<IconDownload size={18} />}>
                  Export
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item onClick={() => void handleExport("csv")}>CSV (.csv)</Menu.Item>
                <Menu.Item onClick={() => void handleExport("vcf")}>vCard (.vcf)</Menu.Item>
              </Menu.Dropdown>
            </Menu>
            <Button variant="default" leftSection={<IconFileImport size={18} />} onClick={importer.open}>
              Import
            </Button>
            <Button leftSection={<IconUserPlus size={18} />} onClick={handleCreate}>
              New contact
            </Button>
          </>
        }
      />
      <Paper withBorder radius="md" p="sm">
        <Group mb="sm" justify="space-between">
          <TextInput
            placeholder="Search name, number, department"
            aria-label="Search contacts"
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
              {list.data.total === 1 ? "1 contact" : `${list.data.total} contacts`}
              {q && " found"}
            </Text>
          )}
        </Group>
        {list.error && (
          <Alert color="red" icon={<IconAlertCircle />} title="Could not load the directory" mb="sm">
            {errorMessage(list.error)}
          </Alert>
        )}
        <DataTable<Contact>
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
              icon={<IconAddressBook />}
              withIndicatorBackground
              size="sm"
              title={q ? "No contacts match your search" : "No contacts yet"}
              description={q ? `Nothing found for “${q}”.` : "Create one with “New contact” or import a file."}
            />
          }
        />
      </Paper>
      <ContactFormModal opened={formOpened} contact={editing} onClose={form.close} />
      <ImportModal opened={importOpened} onClose={importer.close} />
    </>
  );
}
