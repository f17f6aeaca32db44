import { signInResults, type AuthToken, type SecuritySettings } from "@cisisk/contract";
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  NumberInput,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconCheck, IconFileCertificate, IconKey, IconTrash } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";
import { isApiError } from "../../lib/api-client";
import { errorMessage } from "../../lib/form-errors";
import { formatDateTime } from "../../lib/format";
import { ShowMore } from "../../ui/cursor-list";
import { PageHeader } from "../../ui/page-header";
import {
  useAddPasskey,
  useChangePassword,
  useDeleteToken,
  useSaveSecuritySettings,
  useSecuritySettings,
  useSignIns,
  useTokenTable,
  type SignInFilters,
} from "./queries";

/** Settings → Security: the administrator login, your password, your tokens and passkeys, the sign-in log. */
export function SecurityPage() {
  const settings = useSecuritySettings();
  return (
    <>
      <PageHeader
        title="Security"
        description="Who may sign in to the console, from where, and how; the logins and passkeys of your account; every sign-in attempt."
      />
      <Stack gap="lg">
        {settings.isLoading && <Loader size="sm" />}
        {settings.error && (
          <Alert color="red" icon={<IconAlertCircle />} title="Could not read the security settings">
            {errorMessage(settings.error)}
          </Alert>
        )}
        {settings.data && <SettingsForm initial={settings.data} />}
        <PasswordForm />
        <TokenTable />
        <SignInLog />
      </Stack>
    </>
  );
}

const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean);

function SettingsForm({ initial }: { initial: SecuritySettings }) {
  const save = useSaveSecuritySettings();
  const [values, setValues] = useState({
    ...initial,
    allowedNetworks: initial.allowedNetworks.join("\n"),
    trustedProxies: initial.trustedProxies.join("\n"),
  });
  const [alert, setAlert] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const set = <K extends keyof typeof values>(key: K, value: (typeof values)[K]) =>
    setValues((v) => ({ ...v, [key]: value }));

  const submit = async (confirmLockout: boolean) => {
    setAlert(null);
    setFieldErrors({});
    try {
      const saved = await save.mutateAsync({
        adminUsername: values.adminUsername,
        allowedNetworks: lines(values.allowedNetworks),
        trustedProxies: lines(values.trustedProxies),
        adminEmails: values.adminEmails,
        apiBasicAuth: values.apiBasicAuth,
        tokenValidityDays: values.tokenValidityDays,
        accessTokenTtlSeconds: values.accessTokenTtlSeconds,
        ...(confirmLockout && { confirmLockout: true }),
      });
      setValues({
        ...saved,
        allowedNetworks: saved.allowedNetworks.join("\n"),
        trustedProxies: saved.trustedProxies.join("\n"),
      });
      notifications.show({
        color: "green",
        icon: <IconCheck size={18} />,
        title: "Security settings saved",
        message: "",
      });
    } catch (error) {
      const details = isApiError(error, "conflict")
        ? (error.details as { confirmLockout?: string } | undefined)
        : undefined;
      if (details?.confirmLockout === "required") {
        modals.openConfirmModal({
          title: "Shut out your own address?",
          children: <Text size="sm">{(error as Error).message}</Text>,
          labels: { confirm: "Save anyway", cancel: "Cancel" },
          confirmProps: { color: "red" },
          onConfirm: () => void submit(true),
        });
        return;
      }
      if (isApiError(error, "validation_failed")) {
        const byField: Record<string, string> = {};
        for (const issue of error.fieldIssues()) byField[issue.path.split(".")[0]!] = issue.message;
        setFieldErrors(byField);
      }
      setAlert(errorMessage(error));
    }
  };

  return (
    <Paper withBorder p="md">
      <form
        noValidate
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          void submit(false);
        }}
      >
        <Stack gap="sm">
          <Title order={3} fz={16}>
            Administrator login
          </Title>
          {alert && (
            <Alert color="red" icon={<IconAlertCircle />} title="Could not save the security settings" role="alert">
              {alert}
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
            <TextInput
              label="Username"
              description="Your own login name (case-sensitive, no @)"
              value={values.adminUsername}
              error={fieldErrors.adminUsername}
              onChange={(e) => set("adminUsername", e.currentTarget.value)}
            />
            <TextInput
              label="Admin email addresses"
              description="Separated by ; they get security notices"
              value={values.adminEmails}
              error={fieldErrors.adminEmails}
              onChange={(e) => set("adminEmails", e.currentTarget.value)}
            />
            <Textarea
              label="Allow login only from"
              description="One address or CIDR range per line (IPv4 or IPv6); empty: everyone"
              autosize
              minRows={3}
              value={values.allowedNetworks}
              error={fieldErrors.allowedNetworks}
              onChange={(e) => set("allowedNetworks", e.currentTarget.value)}
            />
            <Textarea
              label="Trusted proxies"
              description="Only these may set X-Forwarded-For"
              autosize
              minRows={3}
              value={values.trustedProxies}
              error={fieldErrors.trustedProxies}
              onChange={(e) => set("trustedProxies", e.currentTarget.value)}
            />
            <NumberInput
              label="Login token validity (days)"
              min={1}
              max={365}
              value={values.tokenValidityDays}
              onChange={(v) => set("tokenValidityDays", Number(v) || 1)}
            />
            <NumberInput
              label="Access token lifetime (seconds)"
              min={30}
              max={86_400}
              value={values.accessTokenTtlSeconds}
              onChange={(v) => set("accessTokenTtlSeconds", Number(v) || 30)}
            />
          </SimpleGrid>
          <Switch
            label="API access with HTTP Basic (the admin's username and password)"
            checked={values.apiBasicAuth}
            onChange={(e) => set("apiBasicAuth", e.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              Save security settings
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function PasswordForm() {
  const change = useChangePassword();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [alert, setAlert] = useState<string | null>(null);
  return (
    <Paper withBorder p="md">
      <form
        noValidate
        onSubmit={async (event: FormEvent) => {
          event.preventDefault();
          setAlert(null);
          try {
            await change.mutateAsync({ currentPassword: current, newPassword: next });
            setCurrent("");
            setNext("");
            notifications.show({
              color: "green",
              icon: <IconCheck size={18} />,
              title: "Password changed",
              message: "Every other login of your account has ended.",
            });
          } catch (error) {
            setAlert(errorMessage(error));
          }
        }}
      >
        <Stack gap="sm">
          <Title order={3} fz={16}>
            Change your password
          </Title>
          {alert && (
            <Alert color="red" icon={<IconAlertCircle />} title="Password not changed" role="alert">
              {alert}
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
            <PasswordInput
              label="Current password"
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.currentTarget.value)}
            />
            <PasswordInput
              label="New password"
              autoComplete="new-password"
              value={next}
              onChange={(e) => setNext(e.currentTarget.value)}
            />
          </SimpleGrid>
          <Group justify="flex-end">
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function TokenTable() {
  const tokens = useTokenTable();
  const remove = useDeleteToken();
  const add = useAddPasskey();
  const [name, setName] = useState("");
  const rows: AuthToken[] = tokens.rows;
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3} fz={16}>
          Used tokens and passkeys
        </Title>
        {(tokens.error || add.error || remove.error) && (
          <Alert color="red" icon={<IconAlertCircle />} title="Something went wrong" role="alert">
            {errorMessage(tokens.error ?? add.error ?? remove.error)}
          </Alert>
        )}
        <Group align="flex-end">
          <TextInput
            label="Passkey name"
            placeholder="e.g. Laptop"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Button
            leftSection={<IconKey size={16} />}
            loading={add.isPending}
            onClick={() =>
              add.mutate(name, {
                onSuccess: () => {
                  setName("");
                  notifications.show({ color: "green", title: "Passkey added", message: "" });
                },
              })
            }
          >
            Add a passkey
          </Button>
        </Group>
        <Table aria-label="Tokens and passkeys" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>Address</Table.Th>
              <Table.Th>User-Agent</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    {t.kind === "passkey" ? <IconKey size={16} /> : <IconFileCertificate size={16} />}
                    <Text size="sm">{t.kind === "passkey" ? `Passkey ${t.name ?? ""}` : "Token"}</Text>
                    {t.current && <Badge size="xs">this browser</Badge>}
                  </Group>
                </Table.Td>
                <Table.Td>{formatDateTime(t.createdAt)}</Table.Td>
                <Table.Td>{formatDateTime(t.lastUsedAt)}</Table.Td>
                <Table.Td>{t.ip ?? ""}</Table.Td>
                <Table.Td>
                  <Text size="xs" lineClamp={1} maw={320}>
                    {t.userAgent ?? ""}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Delete ${t.kind === "passkey" ? `passkey ${t.name ?? ""}` : "token"}`}
                    onClick={() => remove.mutate(t.id)}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <ShowMore list={tokens} noun="tokens and passkeys" />
      </Stack>
    </Paper>
  );
}

function SignInLog() {
  const [filters, setFilters] = useState<SignInFilters>({});
  // The cursors of the older pages opened so far: "Older" follows the log's nextCursor, "Newer" steps back.
  const [cursors, setCursors] = useState<string[]>([]);
  const log = useSignIns(filters, cursors.at(-1));
  const set = (patch: Partial<SignInFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setCursors([]);
  };
  const total = log.data?.total ?? 0;
  const older = log.isPlaceholderData ? null : (log.data?.nextCursor ?? null);
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3} fz={16}>
          Sign-in log
        </Title>
        <Group align="flex-end">
          <TextInput
            label="User"
            value={filters.username ?? ""}
            onChange={(e) => set({ username: e.currentTarget.value || undefined })}
          />
          <TextInput
            label="Address"
            value={filters.ip ?? ""}
            onChange={(e) => set({ ip: e.currentTarget.value || undefined })}
          />
          <Select
            label="Result"
            clearable
            data={[...signInResults]}
            value={filters.result ?? null}
            onChange={(v) => set({ result: v ?? undefined })}
          />
        </Group>
        <Table aria-label="Sign-in log" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>User</Table.Th>
              <Table.Th>Address</Table.Th>
              <Table.Th>User-Agent</Table.Th>
              <Table.Th>Method</Table.Th>
              <Table.Th>Result</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(log.data?.data ?? []).map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>{formatDateTime(e.at)}</Table.Td>
                <Table.Td>{e.username}</Table.Td>
                <Table.Td>{e.ip}</Table.Td>
                <Table.Td>
                  <Text size="xs" lineClamp={1} maw={320}>
                    {e.userAgent ?? ""}
                  </Text>
                </Table.Td>
                <Table.Td>{e.method}</Table.Td>
                <Table.Td>
                  <Badge color={e.result === "ok" ? "green" : "red"} variant="light">
                    {e.result}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {total} attempts
          </Text>
          <Group gap="xs">
            <Button
              variant="default"
              size="xs"
              disabled={cursors.length === 0}
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              Newer
            </Button>
            <Button
              variant="default"
              size="xs"
              disabled={older === null}
              onClick={() => older && setCursors((c) => [...c, older])}
            >
              Older
            </Button>
          </Group>
        </Group>
      </Stack>
    </Paper>
  );
}
