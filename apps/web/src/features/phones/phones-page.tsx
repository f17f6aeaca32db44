import { findPhoneModel, phoneBrands, softwareTypes, type Phone, type PhoneBrand } from "@cisisk/contract";
import { ActionIcon, Badge, Button, Group, Paper, Select, Text, Tooltip } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import {
  IconAlertCircle,
  IconDeviceLandlinePhone,
  IconFileCode,
  IconFileImport,
  IconPencil,
  IconPlus,
  IconTrash,
  IconViewportWide,
} from "@tabler/icons-react";
import type { DataTableColumn } from "mantine-datatable";
import { useState } from "react";
import { errorMessage } from "../../lib/form-errors";
import { useProfileOptions } from "../../lib/lookups";
import { useListState } from "../../ui/list-state";
import { ListCount, ListSearch, ListTable } from "../../ui/list-table";
import { PageHeader } from "../../ui/page-header";
import { ConfigModal } from "./config-modal";
import { ImportPhonesModal } from "./import-phones-modal";
import { KemsModal } from "./kems-modal";
import { PhoneFormModal } from "./phone-form-modal";
import { modelOptionsOf } from "./phone-form-values";
import { useDeletePhone, usePhoneList } from "./queries";
import { brandLabel, brandOptions } from "../../lib/brands";

const NOUN = { one: "phone", other: "phones" };
const dash = (
  <Text c="dimmed" span>
    —
  </Text>
);

/** The model filter's choices: the chosen brand's models, or every brand's. */
const modelFilterOf = (brand: string | null) =>
  [
    ...new Set((brand ? [brand as PhoneBrand] : phoneBrands).flatMap((b) => modelOptionsOf(b).map((o) => o.value))),
  ].sort();

/** Only Cisco phones whose model has a KEM port take modules. */
const takesKems = (p: Phone) => p.brand === "cisco" && (findPhoneModel(p.model)?.maxKems ?? 0) > 0;

export function PhonesPage() {
  const [brand, setBrand] = useState<string | null>(null);
  const [model, setModel] = useState<string | null>(null);
  const [software, setSoftware] = useState<string | null>(null);
  const [profileId, setProfileId] = useState<string | null>(null);
  const state = useListState<Phone>({ columnAccessor: "mac", direction: "asc" }, [brand, model, software, profileId]);
  const profiles = useProfileOptions();
  const list = usePhoneList({
    ...state.query,
    ...(brand && { brand }),
    ...(model && { model }),
    ...(software && { softwareType: software }),
    ...(profileId && { profileId }),
  });
  state.keepPageInRange(list);

  const [formOpened, form] = useDisclosure(false);
  const [importOpened, importDialog] = useDisclosure(false);
  const [editing, setEditing] = useState<Phone | null>(null);
  const [kemsOf, setKemsOf] = useState<Phone | null>(null);
  const [configOf, setConfigOf] = useState<Phone | null>(null);
  const deletePhone = useDeletePhone();

  const handleDelete = (phone: Phone) =>
    modals.openConfirmModal({
      title: `Delete phone ${phone.mac}?`,
      children: <Text size="sm">The phone leaves the inventory. Its file on the phones' server is left as it is.</Text>,
      labels: { confirm: "Delete phone", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: async () => {
        try {
          await deletePhone.mutateAsync(phone.id);
          notifications.show({ color: "green", title: "Phone deleted", message: `${phone.mac} was deleted.` });
        } catch (error) {
          notifications.show({
            color: "red",
            icon: <IconAlertCircle size={18} />,
            title: "Could not delete",
            message: errorMessage(error),
          });
        }
      },
    });

  const columns: DataTableColumn<Phone>[] = [
    {
      accessor: "mac",
      title: "MAC",
      sortable: true,
      render: (p) => (
        <Text ff="monospace" size="sm">
          {p.mac}
        </Text>
      ),
    },
    { accessor: "brand", title: "Brand", sortable: true, render: (p) => brandLabel(p.brand) },
    { accessor: "model", title: "Model", sortable: true },
    {
      accessor: "softwareType",
      title: "Software",
      sortable: true,
      render: (p) => (p.softwareType ? <Badge variant="light">{p.softwareType}</Badge> : dash),
    },
    {
      accessor: "currentProfileName",
      title: "Current Profile",
      render: (p) =>
        p.currentProfileName ?? (
          <Text c="dimmed" span>
            None
          </Text>
        ),
    },
    { accessor: "ip", title: "IP", sortable: true, render: (p) => p.ip ?? dash },
    { accessor: "label", title: "Label", render: (p) => p.label ?? dash },
    {
      accessor: "kems",
      title: "KEMs",
      render: (p) =>
        p.kems.length === 0 ? (
          dash
        ) : (
          <Tooltip label={`${p.kems.reduce((n, k) => n + k.buttons, 0)} extra line keys`}>
            <Badge variant="outline" color="gray" tt="none">
              {p.kems.length} × {p.kems[0]!.model}
            </Badge>
          </Tooltip>
        ),
    },
    {
      accessor: "actions",
      title: "Actions",
      textAlign: "right",
      render: (p) => (
        <Group gap={2} justify="flex-end" wrap="nowrap">
          <ActionIcon
            variant="subtle"
            aria-label={`View config of ${p.mac}`}
            title="View config"
            onClick={() => setConfigOf(p)}
          >
            <IconFileCode size={18} />
          </ActionIcon>
          <ActionIcon
            variant="subtle"
            aria-label={`Edit KEMs of ${p.mac}`}
            title={takesKems(p) ? "Edit KEMs" : `A ${brandLabel(p.brand)} ${p.model} takes no KEMs`}
            disabled={!takesKems(p)}
            onClick={() => setKemsOf(p)}
          >
            <IconViewportWide size={18} />
          </ActionIcon>
          <ActionIcon
            variant="subtle"
            aria-label={`Edit phone ${p.mac}`}
            title="Edit"
            onClick={() => {
              setEditing(p);
              form.open();
            }}
          >
            <IconPencil size={18} />
          </ActionIcon>
          <ActionIcon
            variant="subtle"
            aria-label={`Delete phone ${p.mac}`}
            title="Delete"
            color="red"
            onClick={() => handleDelete(p)}
          >
            <IconTrash size={18} />
          </ActionIcon>
        </Group>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Phones"
        description="Every phone of every brand: Cisco profiles, key expansion modules and deployed configs; other brands provision themselves."
        actions={
          <Group gap="xs">
            <Button variant="default" leftSection={<IconFileImport size={18} />} onClick={importDialog.open}>
              Import CSV
            </Button>
            <Button
              leftSection={<IconPlus size={18} />}
              onClick={() => {
                setEditing(null);
                form.open();
              }}
            >
              New phone
            </Button>
          </Group>
        }
      />
      <Paper withBorder radius="md" p="sm">
        <Group mb="sm" gap="sm">
          <ListSearch state={state} label="Search phones" placeholder="Search MAC, IP, label, location" w={280} />
          <Select
            aria-label="Filter by brand"
            placeholder="All brands"
            clearable
            data={brandOptions}
            value={brand}
            onChange={(next) => {
              setBrand(next);
              setModel(null);
            }}
            w={150}
          />
          <Select
            aria-label="Filter by model"
            placeholder="All models"
            clearable
            searchable
            data={modelFilterOf(brand)}
            value={model}
            onChange={setModel}
            w={150}
          />
          <Select
            aria-label="Filter by software"
            placeholder="All software"
            clearable
            data={[...softwareTypes]}
            value={software}
            onChange={setSoftware}
            w={150}
          />
          <Select
            aria-label="Filter by profile"
            placeholder="All profiles"
            clearable
            searchable
            data={profiles.options}
            value={profileId}
            onChange={setProfileId}
            w={200}
          />
          <ListCount list={list} noun={NOUN} q={state.q} ml="auto" />
        </Group>
        <ListTable
          state={state}
          list={list}
          columns={columns}
          noun={NOUN}
          emptyIcon={<IconDeviceLandlinePhone />}
          emptyHint="Add one with “New phone”."
        />
      </Paper>
      <PhoneFormModal opened={formOpened} phone={editing} onClose={form.close} />
      <KemsModal phone={kemsOf} onClose={() => setKemsOf(null)} />
      <ConfigModal phone={configOf} onClose={() => setConfigOf(null)} />
      <ImportPhonesModal opened={importOpened} onClose={importDialog.close} />
    </>
  );
}
