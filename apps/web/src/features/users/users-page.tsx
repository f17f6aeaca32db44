import type { User } from "@cisisk/contract";
import { Button, Group, Paper } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconUserPlus, IconUserSearch } from "@tabler/icons-react";
import { useState } from "react";
import { useListState } from "../../ui/list-state";
import { ListCount, ListSearch, ListTable } from "../../ui/list-table";
import { PageHeader } from "../../ui/page-header";
import { useMe } from "../../lib/session";
import { AccountModal } from "./account-modal";
import { useDeleteUserConfirmation } from "./delete-user-confirmation";
import { useUserList } from "./queries";
import { userColumns } from "./user-columns";
import { UserFormModal } from "./user-form-modal";

const NOUN = { one: "user", other: "users" };

export function UsersPage() {
  const me = useMe();
  const state = useListState<User>({ columnAccessor: "username", direction: "asc" });
  const list = useUserList(state.query);
  state.keepPageInRange(list);

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

  const [accountOf, setAccountOf] = useState<User | null>(null);
  const columns = userColumns({
    meId: me.data?.id,
    onEdit: handleEdit,
    onDelete: handleDelete,
    onAccount: setAccountOf,
  });

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
          <ListSearch state={state} label="Search users" placeholder="Search username, name, email, phone" w={360} />
          <ListCount list={list} noun={NOUN} q={state.q} />
        </Group>
        <ListTable
          state={state}
          list={list}
          columns={columns}
          noun={NOUN}
          emptyIcon={<IconUserSearch />}
          emptyHint="Create the first user with “New user”."
        />
      </Paper>
      <UserFormModal opened={dialogOpened} user={editing} onClose={dialog.close} />
      <AccountModal user={accountOf} onClose={() => setAccountOf(null)} />
    </>
  );
}
