import type { Profile } from "@cisisk/contract";
import { ActionIcon, Badge, Button, Group, Paper, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconFileSettings, IconPencil, IconPlus, IconRocket, IconTrash } from "@tabler/icons-react";
import type { DataTableColumn } from "mantine-datatable";
import { useState, type ComponentType } from "react";
import { errorMessage } from "../../lib/form-errors";
import { formatDateTime } from "../../lib/format";
import { useListState } from "../../ui/list-state";
import { ListSearch, ListTable } from "../../ui/list-table";
import { PageHeader } from "../../ui/page-header";
import { ProfileEditorModal } from "./profile-editor-modal";
import { useDeleteProfile, useProfileList } from "./queries";

/**
 * The deploy dialog comes from the deployments feature, handed in by the app (features never import
 * each other).
 */
export function ProfilesPage({
  DeployModal,
}: {
  DeployModal: ComponentType<{ profile: Profile | null; onClose: () => void }>;
}) {
  const state = useListState<Profile>({ columnAccessor: "name", direction: "asc" });
  const list = useProfileList(state.query);
  state.keepPageInRange(list);
  const [editorOpened, editor] = useDisclosure(false);
  const [editing, setEditing] = useState<Profile | null>(null);
  const [deploying, setDeploying] = useState<Profile | null>(null);
  const deleteProfile = useDeleteProfile();

  const handleDelete = (p: Profile) =>
    modals.openConfirmModal({
      title: `Delete profile ${p.name}?`,
      children: <Text size="sm">Phones that run it keep their file; their current profile becomes None.</Text>,
      labels: { confirm: "Delete profile", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: async () => {
        try {
          await deleteProfile.mutateAsync(p.id);
          notifications.show({ color: "green", title: "Profile deleted", message: `${p.name} was deleted.` });
        } catch (error) {
          notifications.show({ color: "red", title: "Could not delete", message: errorMessage(error) });
        }
      },
    });

  const columns: DataTableColumn<Profile>[] = [
    {
      accessor: "name",
      title: "Name",
      sortable: true,
      render: (p) => (
        <Text fw={600} size="sm">
          {p.name}
        </Text>
      ),
    },
    { accessor: "description", title: "Description", render: (p) => p.description ?? "" },
    {
      accessor: "softwareType",
      title: "Software",
      sortable: true,
      render: (p) => <Badge variant="light">{p.softwareType ?? "All"}</Badge>,
    },
    {
      accessor: "compatibleModels",
      title: "Models",
      render: (p) => (p.compatibleModels.length ? p.compatibleModels.join(", ") : "All"),
    },
    { accessor: "updatedAt", title: "Updated", sortable: true, render: (p) => formatDateTime(p.updatedAt) },
    {
      accessor: "actions",
      title: "Actions",
      textAlign: "right",
      render: (p) => (
        <Group gap={2} justify="flex-end" wrap="nowrap">
          <ActionIcon variant="subtle" aria-label={`Deploy profile ${p.name}`} onClick={() => setDeploying(p)}>
            <IconRocket size={17} />
          </ActionIcon>
          <ActionIcon
            variant="subtle"
            aria-label={`Edit profile ${p.name}`}
            onClick={() => {
              setEditing(p);
              editor.open();
            }}
          >
            <IconPencil size={17} />
          </ActionIcon>
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`Delete profile ${p.name}`}
            onClick={() => handleDelete(p)}
          >
            <IconTrash size={17} />
          </ActionIcon>
        </Group>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Profiles"
        description="SEP<MAC>.cnf.xml templates per user, model and software type; preview and deploy them to phones."
        actions={
          <Button
            leftSection={<IconPlus size={18} />}
            onClick={() => {
              setEditing(null);
              editor.open();
            }}
          >
            New profile
          </Button>
        }
      />
      <Paper withBorder radius="md" p="sm">
        <Group mb="sm">
          <ListSearch state={state} label="Search profiles" placeholder="Search name or description" w={320} />
        </Group>
        <ListTable
          state={state}
          list={list}
          columns={columns}
          noun={{ one: "profile", other: "profiles" }}
          emptyIcon={<IconFileSettings />}
          emptyHint="Create one with “New profile”."
        />
      </Paper>
      <ProfileEditorModal opened={editorOpened} profile={editing} onClose={editor.close} />
      <DeployModal profile={deploying} onClose={() => setDeploying(null)} />
    </>
  );
}
