import { extensionTechnologies, type Extension } from "@cisisk/contract";
import { Button, Group, Paper, SegmentedControl } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconFileImport, IconHash, IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { useListState } from "../../ui/list-state";
import { ListCount, ListSearch, ListTable } from "../../ui/list-table";
import { PageHeader } from "../../ui/page-header";
import { useDeleteExtensionConfirmation } from "./delete-extension-confirmation";
import { extensionColumns } from "./extension-columns";
import { ExtensionFormModal } from "./extension-form-modal";
import { ImportExtensionsModal } from "./import-extensions-modal";
import { useExtensionList } from "./queries";

const NOUN = { one: "extension", other: "extensions" };

export function ExtensionsPage() {
  const [technology, setTechnology] = useState("all");
  const state = useListState<Extension>({ columnAccessor: "number", direction: "asc" }, [technology]);
  const list = useExtensionList({ ...state.query, technology: technology === "all" ? undefined : technology });
  state.keepPageInRange(list);

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
            <ListSearch state={state} label="Search extensions" placeholder="Search number, name, user" w={300} />
            <SegmentedControl
              aria-label="Technology"
              size="sm"
              value={technology}
              onChange={setTechnology}
              data={[{ value: "all", label: "All" }, ...extensionTechnologies.map((t) => ({ value: t, label: t }))]}
            />
          </Group>
          <ListCount list={list} noun={NOUN} q={state.q} />
        </Group>
        <ListTable
          state={state}
          list={list}
          columns={columns}
          noun={NOUN}
          emptyIcon={<IconHash />}
          emptyHint="Create one with “New extension”, or import a CSV file."
        />
      </Paper>
      <ExtensionFormModal opened={dialogOpened} extension={editing} onClose={dialog.close} />
      <ImportExtensionsModal opened={importOpened} onClose={importDialog.close} />
    </>
  );
}
