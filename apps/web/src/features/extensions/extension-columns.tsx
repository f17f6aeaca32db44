import type { Extension } from "@cisisk/contract";
import { ActionIcon, Anchor, Group, Text, Tooltip, VisuallyHidden } from "@mantine/core";
import { IconPencil, IconTrash } from "@tabler/icons-react";
import type { DataTableColumn } from "mantine-datatable";
import { AsteriskSyncBadge, RegistrationBadge, TechnologyBadge } from "./extension-badges";

const dash = (
  <Text c="dimmed" span>
    —
  </Text>
);

/** Columns of the extensions table; `accessor` of sortable ones is the API's sort field. */
export function extensionColumns({
  onEdit,
  onDelete,
}: {
  onEdit: (extension: Extension) => void;
  onDelete: (extension: Extension) => void;
}): DataTableColumn<Extension>[] {
  return [
    {
      accessor: "number",
      title: "Number",
      sortable: true,
      render: (e) => (
        <Anchor component="button" type="button" fw={600} size="sm" onClick={() => onEdit(e)}>
          {e.number}
        </Anchor>
      ),
    },
    { accessor: "displayName", title: "Name", sortable: true },
    {
      accessor: "technology",
      title: "Technology",
      sortable: true,
      render: (e) => <TechnologyBadge technology={e.technology} />,
    },
    { accessor: "username", title: "User", render: (e) => e.username ?? dash },
    {
      accessor: "registration",
      title: "Registration",
      render: (e) => (
        <Group gap={6} wrap="nowrap">
          <RegistrationBadge registration={e.registration} />
          <AsteriskSyncBadge state={e.asterisk} />
        </Group>
      ),
    },
    { accessor: "context", title: "Context", render: (e) => e.context },
    {
      accessor: "actions",
      title: <VisuallyHidden>Actions</VisuallyHidden>,
      textAlign: "right",
      width: 90,
      render: (e) => (
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <Tooltip label="Edit">
            <ActionIcon variant="subtle" aria-label={`Edit extension ${e.number}`} onClick={() => onEdit(e)}>
              <IconPencil size={17} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Delete">
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={`Delete extension ${e.number}`}
              onClick={() => onDelete(e)}
            >
              <IconTrash size={17} />
            </ActionIcon>
          </Tooltip>
        </Group>
      ),
    },
  ];
}
