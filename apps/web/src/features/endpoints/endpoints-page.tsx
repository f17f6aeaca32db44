import {
  vendorModelCatalogue,
  phoneCatalogue,
  type ListResponse,
  type Phone,
  type PhoneBrand,
  type ProvisioningFile,
  type ProvisioningSettings,
  type RebootResult,
} from "@cisisk/contract";
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Modal,
  PasswordInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Tabs,
  Text,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconEye, IconPencil, IconPower, IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../../lib/api-client";
import { errorMessage } from "../../lib/form-errors";
import { formatDateTime } from "../../lib/format";
import { PageHeader } from "../../ui/page-header";
import { brandLabel, brandOptions } from "../../lib/brands";

type Brand = PhoneBrand;
const keys = {
  devices: (brand: string) => ["endpoints", brand] as const,
  settings: ["endpoints", "settings"] as const,
};

function modelsOf(brand: Brand): string[] {
  return brand === "cisco"
    ? phoneCatalogue.map((m) => m.model)
    : vendorModelCatalogue.filter((m) => m.brand === brand).map((m) => m.model);
}

/** Endpoint manager: zero-touch provisioned phones of every brand, their files, reboots and DHCP set-up. */
export function EndpointsPage() {
  const [brand, setBrand] = useState<string>("all");
  const [editing, setEditing] = useState<Phone | "new" | null>(null);
  const [preview, setPreview] = useState<Phone | null>(null);
  const queryClient = useQueryClient();
  const devices = useQuery({
    queryKey: keys.devices(brand),
    queryFn: ({ signal }) =>
      api.get<ListResponse<Phone>>("/phones", {
        query: { pageSize: 100, sort: "mac", ...(brand !== "all" && { brand }) },
        signal,
      }),
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ["endpoints"] });
  const remove = useMutation({ mutationFn: (id: string) => api.delete(`/phones/${id}`), onSuccess: invalidate });
  const reboot = useMutation({
    mutationFn: (mac: string) => api.post<RebootResult>(`/provisioning/devices/${mac}/reboot`, { mode: "reboot" }),
  });

  const onReboot = async (p: Phone) => {
    try {
      const r = await reboot.mutateAsync(p.mac);
      notifications.show({ color: "green", title: `Reboot sent to ${p.mac}`, message: r.detail });
    } catch (error) {
      notifications.show({ color: "red", title: `Reboot of ${p.mac} failed`, message: errorMessage(error) });
    }
  };
  const onDelete = async (p: Phone) => {
    if (!window.confirm(`Delete device ${p.mac}?`)) return;
    try {
      await remove.mutateAsync(p.id);
    } catch (error) {
      notifications.show({ color: "red", title: "Delete failed", message: errorMessage(error) });
    }
  };

  return (
    <>
      <PageHeader
        title="Endpoint Manager"
        description="Zero-touch provisioning: phones fetch their own file from /provision/<file> (Yealink <mac>.cfg, Fanvil <mac>.cfg, Cisco SEP<MAC>.cnf.xml)."
        actions={<Button onClick={() => setEditing("new")}>Add device</Button>}
      />
      <Tabs defaultValue="devices">
        <Tabs.List mb="md">
          <Tabs.Tab value="devices">Devices</Tabs.Tab>
          <Tabs.Tab value="settings">Provisioning settings</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="devices">
          <SegmentedControl
            mb="md"
            aria-label="Brand"
            value={brand}
            onChange={setBrand}
            data={[{ value: "all", label: "All brands" }, ...brandOptions]}
          />
          {devices.isLoading && <Loader size="sm" />}
          {devices.error && (
            <Alert color="red" icon={<IconAlertCircle />} title="Could not read the devices">
              {errorMessage(devices.error)}
            </Alert>
          )}
          {devices.data && (
            <Table striped highlightOnHover aria-label="Devices">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>MAC</Table.Th>
                  <Table.Th>Brand / model</Table.Th>
                  <Table.Th>Label</Table.Th>
                  <Table.Th>Account 1</Table.Th>
                  <Table.Th>Enabled</Table.Th>
                  <Table.Th>Last provisioned</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {devices.data.data.map((p) => (
                  <Table.Tr key={p.id} data-testid={`device-${p.mac}`}>
                    <Table.Td>
                      <Code>{p.mac}</Code>
                    </Table.Td>
                    <Table.Td>
                      {brandLabel(p.brand)} {p.model}
                    </Table.Td>
                    <Table.Td>{p.label ?? "—"}</Table.Td>
                    <Table.Td>
                      {p.sipUsername
                        ? `${p.sipUsername}${p.sipServer ? ` @ ${p.sipServer}` : ""}`
                        : p.lines.length
                          ? "extension"
                          : "—"}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={p.enabled ? "green" : "gray"}>{p.enabled ? "enabled" : "disabled"}</Badge>
                    </Table.Td>
                    <Table.Td>
                      {p.provisionedAt ? (
                        <Stack gap={0}>
                          <Text size="sm">{formatDateTime(p.provisionedAt)}</Text>
                          <Text size="xs" c="dimmed">
                            {p.provisionedIp} {p.provisionedUserAgent ?? ""}
                          </Text>
                        </Stack>
                      ) : (
                        <Text size="sm" c="dimmed">
                          never
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Tooltip label="Preview file">
                          <ActionIcon
                            variant="subtle"
                            aria-label={`Preview file of ${p.mac}`}
                            onClick={() => setPreview(p)}
                          >
                            <IconEye size={18} />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label="Edit">
                          <ActionIcon variant="subtle" aria-label={`Edit ${p.mac}`} onClick={() => setEditing(p)}>
                            <IconPencil size={18} />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label="Reboot">
                          <ActionIcon variant="subtle" aria-label={`Reboot ${p.mac}`} onClick={() => void onReboot(p)}>
                            <IconPower size={18} />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label="Delete">
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`Delete ${p.mac}`}
                            onClick={() => void onDelete(p)}
                          >
                            <IconTrash size={18} />
                          </ActionIcon>
                        </Tooltip>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="settings">
          <SettingsPanel />
        </Tabs.Panel>
      </Tabs>
      {editing && (
        <DeviceModal
          phone={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void invalidate();
          }}
        />
      )}
      {preview && <PreviewModal phone={preview} onClose={() => setPreview(null)} />}
    </>
  );
}

function DeviceModal({ phone, onClose, onSaved }: { phone: Phone | null; onClose: () => void; onSaved: () => void }) {
  const [brand, setBrand] = useState<Brand>((phone?.brand as Brand) ?? "yealink");
  const [v, setV] = useState({
    mac: phone?.mac ?? "",
    model: phone?.model ?? "",
    label: phone?.label ?? "",
    sipUsername: phone?.sipUsername ?? "",
    sipPassword: "",
    sipServer: phone?.sipServer ?? "",
    enabled: phone?.enabled ?? true,
  });
  const [alert, setAlert] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      phone ? api.patch<Phone>(`/phones/${phone.id}`, body) : api.post<Phone>("/phones", body),
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAlert(null);
    const body: Record<string, unknown> = {
      mac: v.mac,
      brand,
      model: v.model,
      label: v.label || null,
      sipUsername: v.sipUsername || null,
      sipServer: v.sipServer || null,
      enabled: v.enabled,
      ...(v.sipPassword && { sipPassword: v.sipPassword }),
      ...(!phone && brand === "cisco" && { softwareType: "SIP" }),
      ...(phone && brand !== "cisco" && { softwareType: null }),
    };
    try {
      await save.mutateAsync(body);
      onSaved();
    } catch (error) {
      setAlert(errorMessage(error));
    }
  };
  const title = phone ? `Edit device ${phone.mac}` : "Add device";
  return (
    <Modal opened onClose={onClose} title={title}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {alert && (
            <Alert color="red" role="alert" title="Could not save the device">
              {alert}
            </Alert>
          )}
          <TextInput
            label="MAC address"
            placeholder="80:5E:C0:12:34:56"
            value={v.mac}
            onChange={(e) => setV({ ...v, mac: e.currentTarget.value })}
          />
          <Select
            label="Brand"
            data={brandOptions}
            value={brand}
            allowDeselect={false}
            onChange={(b) => {
              setBrand((b as Brand) ?? "yealink");
              setV({ ...v, model: "" });
            }}
          />
          <Select
            label="Model"
            searchable
            data={modelsOf(brand)}
            value={v.model || null}
            onChange={(m) => setV({ ...v, model: m ?? "" })}
          />
          <TextInput label="Label" value={v.label} onChange={(e) => setV({ ...v, label: e.currentTarget.value })} />
          <TextInput
            label="SIP username"
            value={v.sipUsername}
            onChange={(e) => setV({ ...v, sipUsername: e.currentTarget.value })}
          />
          <PasswordInput
            label="SIP password"
            placeholder={phone?.hasSipPassword ? "unchanged" : ""}
            value={v.sipPassword}
            onChange={(e) => setV({ ...v, sipPassword: e.currentTarget.value })}
          />
          <TextInput
            label="Server address"
            placeholder="203.0.113.10:5060"
            value={v.sipServer}
            onChange={(e) => setV({ ...v, sipServer: e.currentTarget.value })}
          />
          <Switch
            label="Enabled"
            checked={v.enabled}
            onChange={(e) => setV({ ...v, enabled: e.currentTarget.checked })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save device
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function PreviewModal({ phone, onClose }: { phone: Phone; onClose: () => void }) {
  const file = useQuery({
    queryKey: ["endpoints", "file", phone.mac, phone.updatedAt],
    queryFn: ({ signal }) => api.get<ProvisioningFile>(`/provisioning/devices/${phone.mac}/file`, { signal }),
    retry: false,
  });
  return (
    <Modal opened onClose={onClose} title={`File of ${phone.mac}`} size="xl">
      {file.isLoading && <Loader size="sm" />}
      {file.error && <Alert color="red">{errorMessage(file.error)}</Alert>}
      {file.data && (
        <Stack gap="xs">
          <Text size="sm">
            /provision/<b>{file.data.fileName}</b> ({file.data.contentType}); passwords masked
          </Text>
          <Code block data-testid="provisioning-file">
            {file.data.body}
          </Code>
        </Stack>
      )}
    </Modal>
  );
}

function SettingsPanel() {
  const settings = useQuery({
    queryKey: keys.settings,
    queryFn: ({ signal }) => api.get<ProvisioningSettings>("/provisioning/settings", { signal }),
  });
  if (settings.isLoading) return <Loader size="sm" />;
  if (settings.error) return <Alert color="red">{errorMessage(settings.error)}</Alert>;
  const s = settings.data!;
  return (
    <Stack gap="sm">
      <Text>
        Provisioning URL: <Code>{s.provisionUrlBase}</Code> · authentication {s.auth} · allowed networks{" "}
        {s.allowedNetworks.length ? s.allowedNetworks.join(", ") : "any"} · misses per address and minute{" "}
        {s.missLimitPerMinute}
      </Text>
      <Text fw={600}>ISC dhcpd (options 66, 160, 150)</Text>
      <Code block data-testid="dhcp-isc">
        {s.dhcp.iscDhcpd}
      </Code>
      <Text fw={600}>Kea</Text>
      <Code block>{s.dhcp.kea}</Code>
      <Text fw={600}>dnsmasq</Text>
      <Code block>{s.dhcp.dnsmasq}</Code>
    </Stack>
  );
}
