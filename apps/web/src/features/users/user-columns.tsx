import type { User } from "@cisisk/contract";
import { ActionIcon, Anchor, Badge, Group, Text, Tooltip, VisuallyHidden } from "@mantine/core";
import { IconAddressBook, IconKeyOff, IconPencil, IconTrash } from "@tabler/icons-react";
import type { DataTableColumn } from "mantine-datatable";
import { formatDateTime } from "../../lib/format";
import { LevelBadge } from "./user-badges";

/** Columns of the users table; `accessor` of sortable ones is the API's sort field. */
export function userColumns({
  meId,
  onEdit,
  onDelete,
  onAccount,
}: {
  meId: string | undefined;
  onEdit: (user: User) => void;
  onDelete: (user: User) => void;
  onAccount: (user: User) => void;
}): DataTableColumn<User>[] {
  return [
    {
      accessor: "username",
      title: "Username",
      sortable: true,
      render: (u) => (
        <Group gap={6} wrap="nowrap">
          <Anchor component="button" type="button" fw={600} size="sm" onClick={() => onEdit(u)}>
            {u.username}
          </Anchor>
          {u.id === meId && (
            <Badge size="xs" variant="outline">
              You
            </Badge>
          )}
          {!u.hasPassword && (
            <Tooltip label="No password set: cannot log in">
              <IconKeyOff size={14} color="var(--mantine-color-dimmed)" aria-label="no password" />
            </Tooltip>
          )}
        </Group>
      ),
    },
    { accessor: "displayName", title: "Display name", sortable: true },
    {
      accessor: "email",
      title: "Email",
      sortable: true,
      render: (u) =>
        u.email ?? (
          <Text c="dimmed" span>
            —
          </Text>
        ),
    },
    {
      accessor: "phone",
      title: "Phone",
      render: (u) =>
        u.phone ?? (
          <Text c="dimmed" span>
            —
          </Text>
        ),
    },
    { accessor: "level", title: "Level", sortable: true, render: (u) => <LevelBadge level={u.level} /> },
    {
      accessor: "activated",
      title: "Status",
      render: (u) => (
        <Badge variant="dot" color={u.activated ? "green" : "gray"}>
          {u.activated ? "Active" : "Inactive"}
        </Badge>
      ),
    },
    {
      accessor: "createdAt",
      title: "Created",
      sortable: true,
      noWrap: true,
      render: (u) => formatDateTime(u.createdAt),
    },
    {
      accessor: "actions",
      title: <VisuallyHidden>Actions</VisuallyHidden>,
      textAlign: "right",
      width: 120,
      render: (u) => (
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <Tooltip label="SIP account">
            <ActionIcon variant="subtle" aria-label={`SIP account ${u.username}`} onClick={() => onAccount(u)}>
              <IconAddressBook size={17} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Edit">
            <ActionIcon variant="subtle" aria-label={`Edit user ${u.username}`} onClick={() => onEdit(u)}>
              <IconPencil size={17} />
            </ActionIcon>
          </Tooltip>
          {/* The span keeps the tooltip working on the disabled button, which gets no mouse events. */}
          <Tooltip label={u.id === meId ? "You cannot delete your own account" : "Delete"}>
            <span>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={`Delete user ${u.username}`}
                disabled={u.id === meId}
                onClick={() => onDelete(u)}
              >
                <IconTrash size={17} />
              </ActionIcon>
            </span>
          </Tooltip>
        </Group>
      ),
    },
  ];
}
