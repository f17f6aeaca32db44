import { SUPERADMIN_LEVEL, type Account, type ProvisioningLink, type User } from "@cisisk/contract";
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Image,
  Loader,
  Modal,
  PasswordInput,
  Stack,
  Switch,
  Text,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "../../lib/api-client";
import { errorMessage } from "../../lib/form-errors";
import { userKeys } from "../../lib/query-keys";

const accountKey = (id: string) => ["users", "account", id] as const;

/** A user's SIP account in the console: activation, administrator flag, SIP password, Linphone provisioning. */
export function AccountModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  return (
    <Modal opened={user !== null} onClose={onClose} title={user ? `SIP account ${user.username}` : ""} size="lg">
      {user && <AccountDetail user={user} />}
    </Modal>
  );
}

function AccountDetail({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const account = useQuery({
    queryKey: accountKey(user.id),
    queryFn: ({ signal }) => api.get<Account>(`/users/${user.id}/account`, { signal }),
  });
  const [error, setError] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  const [sha256, setSha256] = useState(false);
  const [link, setLink] = useState<ProvisioningLink | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [admin, setAdmin] = useState(user.level === SUPERADMIN_LEVEL);

  const after = (a: Account) => {
    queryClient.setQueryData(accountKey(user.id), a);
    setError(null);
    return queryClient.invalidateQueries({ queryKey: userKeys.lists() });
  };
  const activation = useMutation({
    mutationFn: (on: boolean) => api.post<Account>(`/users/${user.id}/${on ? "activate" : "deactivate"}`),
    onSuccess: after,
    onError: (e) => setError(errorMessage(e)),
  });
  const adminFlag = useMutation({
    mutationFn: (on: boolean) => api.patch<User>(`/users/${user.id}`, { level: on ? SUPERADMIN_LEVEL : 1 }),
    onSuccess: (u) => {
      setAdmin(u.level === SUPERADMIN_LEVEL);
      return queryClient.invalidateQueries({ queryKey: userKeys.lists() });
    },
    onError: (e) => setError(errorMessage(e)),
  });
  const setSecret = useMutation({
    mutationFn: () => api.request<Account>("PUT", `/users/${user.id}/account/password`, { body: { password, sha256 } }),
    onSuccess: (a) => {
      setPassword("");
      return after(a);
    },
    onError: (e) => setError(errorMessage(e)),
  });
  const provisioning = useMutation({
    mutationFn: () => api.post<ProvisioningLink>(`/users/${user.id}/provisioning`),
    onSuccess: async (l) => {
      setLink(l);
      setError(null);
      const png = await api.get<Blob>(`/users/${user.id}/provisioning/qr.png`, { as: "blob" });
      setQr((old) => {
        if (old) URL.revokeObjectURL(old);
        return URL.createObjectURL(png);
      });
    },
    onError: (e) => setError(errorMessage(e)),
  });
  useEffect(() => () => void (qr && URL.revokeObjectURL(qr)), [qr]);

  if (account.isLoading) return <Loader size="sm" />;
  if (!account.data) return <Alert color="red">{errorMessage(account.error)}</Alert>;
  const a = account.data;
  return (
    <Stack>
      <Group justify="space-between">
        <Text fw={700}>{a.sipAddress}</Text>
        <Group gap={4}>
          {a.algorithms.length === 0 ? (
            <Badge color="gray">No SIP password</Badge>
          ) : (
            a.algorithms.map((alg) => <Badge key={alg}>{alg}</Badge>)
          )}
        </Group>
      </Group>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <Switch
        label="Activated"
        checked={a.activated}
        disabled={activation.isPending}
        onChange={(e) => activation.mutate(e.currentTarget.checked)}
      />
      <Switch
        label="Administrator (level 0: may use this console)"
        checked={admin}
        disabled={adminFlag.isPending}
        onChange={(e) => adminFlag.mutate(e.currentTarget.checked)}
      />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setSecret.mutate();
        }}
      >
        <Group align="end">
          <PasswordInput
            label="New SIP password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            flex={1}
          />
          <Checkbox label="SHA-256" checked={sha256} onChange={(e) => setSha256(e.currentTarget.checked)} mb={8} />
          <Button type="submit" loading={setSecret.isPending} disabled={password.length < 8}>
            Set
          </Button>
        </Group>
      </form>
      <Group>
        <Button onClick={() => provisioning.mutate()} loading={provisioning.isPending} disabled={!a.hasPassword}>
          {link ? "Refresh provisioning link" : "Provisioning link and QR code"}
        </Button>
      </Group>
      {link && (
        <Stack gap="xs">
          <Text size="sm">
            Single use, valid until {new Date(link.expiresAt).toLocaleString()}; a new link ends this one.
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Code style={{ wordBreak: "break-all" }} data-testid="provisioning-url">
              {link.url}
            </Code>
            <CopyButton value={link.url}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy}>
                  {copied ? "Copied" : "Copy"}
                </Button>
              )}
            </CopyButton>
          </Group>
          {qr && <Image src={qr} alt="Provisioning QR code" w={220} h={220} />}
        </Stack>
      )}
    </Stack>
  );
}
