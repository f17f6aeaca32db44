import "mantine-datatable/styles.css";
import type { PhoneService } from "@cisisk/contract";
import { ActionIcon, Alert, Anchor, Badge, Button, Group, Paper, Text, Tooltip, VisuallyHidden } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconDeviceMobile, IconLock, IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { DataTable, type DataTableColumn } from "mantine-datatable";
import { useState } from "react";
import { errorMessage } from "../../lib/form-errors";
import { usePhoneOptions, useProfileOptions } from "../../lib/lookups";
import { PageHeader } from "../../ui/page-header";
import { PhonePreviewModal } from "./phone-preview";
import { useDeleteService, useServiceList } from "./queries";
import { ServiceFormModal } from "./service-form-modal";

/** Phones and profiles by name; an id the lists do not hold (deleted, or beyond the first 500) shows as such. */
function OfferedTo({
  service,
  phones,
  profiles,
  loading,
}: {
  service: PhoneService;
  phones: Names;
  profiles: Names;
  loading: boolean;
}) {
  if (service.phoneIds.length === 0 && service.profileIds.length === 0) return <Text size="sm">All phones</Text>;
  const badge = (kind: string, id: string, names: Names) => (
    <Badge key={`${kind}-${id}`} size="sm" variant="light" color={kind === "phone" ? "blue" : "grape"} tt="none">
      {names.get(id) ?? (loading ? "…" : `unknown ${kind}`)}
    </Badge>
  );
  return (
    <Group gap={4}>
      {service.phoneIds.map((id) => badge("phone", id, phones))}
      {service.profileIds.map((id) => badge("profile", id, profiles))}
    </Group>
  );
}
type Names = Map<string, string>;

export function ServicesPage() {
  const list = useServiceList();
  const [formOpened, form] = useDisclosure(false);
  const [editing, setEditing] = useState<PhoneService | null>(null);
  const [previewing, setPreviewing] = useState<PhoneService | null>(null);
  const deleteService = useDeleteService();
  const phoneOptions = usePhoneOptions();
  const profileOptions = useProfileOptions();
  const phoneNames: Names = new Map(phoneOptions.options.map((o) => [o.value, o.label]));
  const profileNames: Names = new Map(profileOptions.options.map((o) => [o.value, o.label]));

  const handleCreate = () => {
    setEditing(null);
    form.open();
  };
  const handleEdit = (s: PhoneService) => {
    setEditing(s);
    form.open();
  };
  const handleDelete = (s: PhoneService) =>
    modals.openConfirmModal({
      title: `Delete service ${s.name}?`,
      children: <Text size="sm">Phones stop offering it at their next visit to the Services menu.</Text>,
      labels: { confirm: "Delete service", cancel: "Cancel" },
      confirmProps: { color: "red", leftSection: <IconTrash size={16} /> },
      onConfirm: async () => {
        try {
          await deleteService.mutateAsync(s.id);
          notifications.show({ color: "green", title: "Service deleted", message: `${s.name} was deleted.` });
        } catch (error) {
          notifications.show({ color: "red", title: "Could not delete", message: errorMessage(error) });
        }
      },
    });

  const columns: DataTableColumn<PhoneService>[] = [
    {
      accessor: "name",
      title: "Name",
      render: (s) => (
        <Group gap={6} wrap="nowrap">
          {s.builtIn ? (
            <Text fw={600} size="sm">
              {s.name}
            </Text>
          ) : (
            <Anchor component="button" type="button" fw={600} size="sm" onClick={() => handleEdit(s)}>
              {s.name}
            </Anchor>
          )}
          {s.builtIn && (
            <Badge size="xs" variant="outline">
              Built-in
            </Badge>
          )}
          {s.requiresLogin && (
            <Tooltip label="Requires phone-service login">
              <IconLock size={14} aria-label="requires login" />
            </Tooltip>
          )}
        </Group>
      ),
    },
    {
      accessor: "url",
      title: "URL",
      render: (s) => (
        <Text size="sm" ff="monospace">
          {s.url}
        </Text>
      ),
    },
    { accessor: "description", title: "Description", render: (s) => s.description ?? "" },
    {
      accessor: "enabled",
      title: "Status",
      render: (s) => (
        <Badge variant="dot" color={s.enabled ? "green" : "gray"}>
          {s.enabled ? "Enabled" : "Disabled"}
        </Badge>
      ),
    },
    {
      accessor: "phoneIds",
      title: "Offered to",
      render: (s) => (
        <OfferedTo
          service={s}
          phones={phoneNames}
          profiles={profileNames}
          loading={phoneOptions.isLoading || profileOptions.isLoading}
        />
      ),
    },
    {
      accessor: "actions",
      title: <VisuallyHidden>Actions</VisuallyHidden>,
      textAlign: "right",
      width: 120,
      render: (s) => (
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <Tooltip label="Phone preview">
            <ActionIcon variant="subtle" aria-label={`Preview ${s.name}`} onClick={() => setPreviewing(s)}>
              <IconDeviceMobile size={17} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label={s.builtIn ? "Built-in services are read-only" : "Edit"}>
            <span>
              <ActionIcon
                variant="subtle"
                aria-label={`Edit ${s.name}`}
                disabled={s.builtIn}
                onClick={() => handleEdit(s)}
              >
                <IconPencil size={17} />
              </ActionIcon>
            </span>
          </Tooltip>
          <Tooltip label={s.builtIn ? "Built-in services cannot be deleted" : "Delete"}>
            <span>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={`Delete ${s.name}`}
                disabled={s.builtIn}
                onClick={() => handleDelete(s)}
              >
                <IconTrash size={17} />
              </ActionIcon>
            </span>
          </Tooltip>
        </Group>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Services"
        description="Cisco XML services the phones list under their Services button. Built-in ones (directories, login, logout) are read-only."
        actions={
          <Button leftSection={<IconPlus size={18} />} onClick={handleCreate}>
            New service
          </Button>
        }
      />
      <Paper withBorder radius="md" p="sm">
        {list.error && (
          <Alert color="red" icon={<IconAlertCircle />} title="Could not load the services" mb="sm">
            {errorMessage(list.error)}
          </Alert>
        )}
        <DataTable<PhoneService>
          withTableBorder={false}
          striped
          highlightOnHover
          verticalSpacing="xs"
          fz="sm"
          minHeight={list.data?.data.length ? undefined : 200}
          records={list.data?.data ?? []}
          columns={columns}
          fetching={list.isLoading}
        />
      </Paper>
      <ServiceFormModal opened={formOpened} service={editing} onClose={form.close} />
      <PhonePreviewModal service={previewing} onClose={() => setPreviewing(null)} />
    </>
  );
}
