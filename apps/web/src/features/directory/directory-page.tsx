import type { Contact } from "@cisisk/contract";
import { ActionIcon, Button, Group, Menu, Paper, Text, Tooltip, VisuallyHidden } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import {
  IconAddressBook,
  IconDownload,
  IconFileImport,
  IconPencil,
  IconTrash,
  IconUserPlus,
} from "@tabler/icons-react";
import type { DataTableColumn } from "mantine-datatable";
import { useState } from "react";
import { errorMessage } from "../../lib/form-errors";
import { useListState } from "../../ui/list-state";
import { ListCount, ListSearch, ListTable } from "../../ui/list-table";
import { PageHeader } from "../../ui/page-header";
import { ContactFormModal } from "./contact-form-modal";
import { ImportModal } from "./import-modal";
import { downloadExport, useContactList, useDeleteContact } from "./queries";

const NOUN = { one: "contact", other: "contacts" };
const dash = (
  <Text c="dimmed" span>
    —
  </Text>
);
const fullName = (c: Contact) => [c.firstName, c.lastName].filter(Boolean).join(" ");

export function DirectoryPage() {
  const state = useListState<Contact>({ columnAccessor: "lastName", direction: "asc" });
  const list = useContactList(state.query);
  state.keepPageInRange(list);

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
          <ListSearch state={state} label="Search contacts" placeholder="Search name, number, department" w={360} />
          <ListCount list={list} noun={NOUN} q={state.q} />
        </Group>
        <ListTable
          state={state}
          list={list}
          columns={columns}
          noun={NOUN}
          errorTitle="Could not load the directory"
          emptyIcon={<IconAddressBook />}
          emptyHint="Create one with “New contact” or import a file."
        />
      </Paper>
      <ContactFormModal opened={formOpened} contact={editing} onClose={form.close} />
      <ImportModal opened={importOpened} onClose={importer.close} />
    </>
  );
}
