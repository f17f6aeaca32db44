import type { Account, AccountLoginResponse, Device } from "@cisisk/contract";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  Checkbox,
  Divider,
  Group,
  PasswordInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, useSyncExternalStore, type FormEvent, type ReactNode } from "react";
import { Link, Navigate, Route, Routes, useNavigate, useParams } from "react-router";
import { isApiError } from "../../lib/api-client";
import { accountCall, accountSession } from "./account-api";

/** The message of a failed call: field issues first, then the server's message. */
function messageOf(error: unknown): string {
  if (isApiError(error)) {
    const issues = error.fieldIssues();
    if (issues.length > 0) return issues.map((i) => `${i.path}: ${i.message}`).join("; ");
    if (error.code === "rate_limited") return `Too many attempts. Try again in ${error.retryAfterSeconds ?? 60} s.`;
    if (error.code === "invalid_credentials") return "Wrong identifier or password.";
    return error.message;
  }
  return "Something went wrong.";
}

/** A form with one pending state and one error line. */
function useSubmit<T>(run: () => Promise<T>, done: (result: T) => void) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return {
    pending,
    error,
    onSubmit: async (event: FormEvent) => {
      event.preventDefault();
      setPending(true);
      setError(null);
      try {
        done(await run());
      } catch (e) {
        setError(messageOf(e));
      } finally {
        setPending(false);
      }
    },
  };
}

function Shell({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Card withBorder radius="md" p="xl" w={520} maw="100%">
        <Title order={2} mb="md">
          {title}
        </Title>
        {children}
      </Card>
    </Center>
  );
}

const ErrorLine = ({ error }: { error: string | null }) =>
  error ? (
    <Alert color="red" role="alert">
      {error}
    </Alert>
  ) : null;

function Sent({ children }: { children: ReactNode }) {
  return (
    <Alert color="green" role="status">
      {children}
    </Alert>
  );
}

function LoginPage() {
  const navigate = useNavigate();
  const [identifier, setIdentifier] = useState("");
  const [password, setPassword] = useState("");
  const form = useSubmit(
    () => accountCall<AccountLoginResponse>("POST", "/account/login", { identifier, password }),
    (login) => {
      accountSession.set(login);
      navigate("/account");
    },
  );
  return (
    <Shell title="Sign in to your SIP account">
      <form onSubmit={form.onSubmit}>
        <Stack>
          <TextInput
            label="Username or phone"
            value={identifier}
            onChange={(e) => setIdentifier(e.target.value)}
            required
          />
          <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          <ErrorLine error={form.error} />
          <Button type="submit" loading={form.pending}>
            Sign in
          </Button>
          <Group justify="space-between">
            <Anchor component={Link} to="/account/register" size="sm">
              Create an account
            </Anchor>
            <Anchor component={Link} to="/account/register/phone" size="sm">
              Register with a phone
            </Anchor>
            <Anchor component={Link} to="/account/recover" size="sm">
              Forgot your password?
            </Anchor>
          </Group>
        </Stack>
      </form>
    </Shell>
  );
}

function RegisterEmailPage() {
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const form = useSubmit(
    () => accountCall("POST", "/account/register", { username, email }),
    () => setSent(true),
  );
  return (
    <Shell title="Create an account">
      {sent ? (
        <Sent>Check your mailbox: a confirmation link is on its way. It works once, for 24 hours.</Sent>
      ) : (
        <form onSubmit={form.onSubmit}>
          <Stack>
            <TextInput
              label="Username"
              description="lowercase letters, digits, '.', '_', '+' and '-'"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
            />
            <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
            <ErrorLine error={form.error} />
            <Button type="submit" loading={form.pending}>
              Register
            </Button>
            <Anchor component={Link} to="/account/login" size="sm">
              Already registered? Sign in
            </Anchor>
          </Stack>
        </form>
      )}
    </Shell>
  );
}

function RegisterPhonePage() {
  const navigate = useNavigate();
  const [phone, setPhone] = useState("");
  const [username, setUsername] = useState("");
  const [pin, setPin] = useState("");
  const [password, setPassword] = useState("");
  const [sent, setSent] = useState(false);
  const request = useSubmit(
    () => accountCall("POST", "/account/register/phone", { phone, ...(username && { username }) }),
    () => setSent(true),
  );
  const confirm = useSubmit(
    () => accountCall<Account>("POST", "/account/register/phone/confirm", { phone, pin, password }),
    () => navigate("/account/login", { state: { registered: true } }),
  );
  return (
    <Shell title="Register with a phone">
      {!sent ? (
        <form onSubmit={request.onSubmit}>
          <Stack>
            <TextInput
              label="Phone"
              description="international form, e.g. +33612345678"
              value={phone}
              onChange={(e) => setPhone(e.target.value)}
              required
            />
            <TextInput
              label="Username (optional)"
              description="your number is used when empty"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
            <ErrorLine error={request.error} />
            <Button type="submit" loading={request.pending}>
              Send the code
            </Button>
          </Stack>
        </form>
      ) : (
        <form onSubmit={confirm.onSubmit}>
          <Stack>
            <Sent>If the number can register, a 6-digit code is on its way by SMS (valid 10 minutes).</Sent>
            <TextInput label="Code" value={pin} onChange={(e) => setPin(e.target.value)} required />
            <PasswordInput
              label="Choose a password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
            <ErrorLine error={confirm.error} />
            <Button type="submit" loading={confirm.pending}>
              Confirm
            </Button>
          </Stack>
        </form>
      )}
    </Shell>
  );
}

/** Password completion: a mailed link (confirmation or recovery) and the password it sets. */
function SetPasswordPage({ kind }: { kind: "confirm" | "reset" }) {
  const { token = "" } = useParams();
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [done, setDone] = useState<Account | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const form = useSubmit(
    () => accountCall<Account>("POST", kind === "confirm" ? "/account/confirm" : "/account/reset", { token, password }),
    setDone,
  );
  return (
    <Shell title={kind === "confirm" ? "Confirm your account" : "Choose a new password"}>
      {done ? (
        <Stack>
          <Sent>{done.sipAddress} is ready. Use this password in your SIP client and to sign in here.</Sent>
          <Button component={Link} to="/account/login">
            Sign in
          </Button>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            setMismatch(password !== again);
            if (password !== again) e.preventDefault();
            else void form.onSubmit(e);
          }}
        >
          <Stack>
            <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.target.value)} required />
            <PasswordInput
              label="Repeat the password"
              value={again}
              onChange={(e) => setAgain(e.target.value)}
              required
            />
            <ErrorLine error={mismatch ? "The two passwords differ." : form.error} />
            <Button type="submit" loading={form.pending}>
              Set the password
            </Button>
          </Stack>
        </form>
      )}
    </Shell>
  );
}

function RecoverPage() {
  const navigate = useNavigate();
  const [target, setTarget] = useState("");
  const [pin, setPin] = useState("");
  const [password, setPassword] = useState("");
  const [sent, setSent] = useState(false);
  const byPhone = target.trim().startsWith("+");
  const request = useSubmit(
    () => accountCall("POST", "/account/recover", byPhone ? { phone: target.trim() } : { email: target.trim() }),
    () => setSent(true),
  );
  const reset = useSubmit(
    () => accountCall<Account>("POST", "/account/reset", { phone: target.trim(), pin, password }),
    () => navigate("/account/login"),
  );
  return (
    <Shell title="Recover your account">
      {!sent ? (
        <form onSubmit={request.onSubmit}>
          <Stack>
            <TextInput
              label="Email or phone"
              description="a link goes to an email address, a code to a phone (+…)"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              required
            />
            <ErrorLine error={request.error} />
            <Button type="submit" loading={request.pending}>
              Send
            </Button>
          </Stack>
        </form>
      ) : byPhone ? (
        <form onSubmit={reset.onSubmit}>
          <Stack>
            <Sent>If this number has an account, a code is on its way by SMS.</Sent>
            <TextInput label="Code" value={pin} onChange={(e) => setPin(e.target.value)} required />
            <PasswordInput
              label="New password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
            <ErrorLine error={reset.error} />
            <Button type="submit" loading={reset.pending}>
              Set the password
            </Button>
          </Stack>
        </form>
      ) : (
        <Sent>If this address has an account, a link is on its way. It works once, for an hour.</Sent>
      )}
    </Shell>
  );
}

function EmailConfirmPage() {
  const { token = "" } = useParams();
  const [done, setDone] = useState<Account | null>(null);
  const form = useSubmit(() => accountCall<Account>("POST", "/account/email/confirm", { token }), setDone);
  return (
    <Shell title="Confirm your new email address">
      {done ? (
        <Sent>Your address is now {done.email}.</Sent>
      ) : (
        <form onSubmit={form.onSubmit}>
          <Stack>
            <ErrorLine error={form.error} />
            <Button type="submit" loading={form.pending}>
              Use this address
            </Button>
          </Stack>
        </form>
      )}
    </Shell>
  );
}

function PanelPage() {
  const session = useSyncExternalStore(accountSession.subscribe, accountSession.get);
  const queryClient = useQueryClient();
  const me = useQuery({
    queryKey: ["account", "me"],
    queryFn: () => accountCall<Account>("GET", "/account/me", undefined, true),
    enabled: Boolean(session),
  });
  const devices = useQuery({
    queryKey: ["account", "devices"],
    queryFn: () => accountCall<{ data: Device[]; known: boolean }>("GET", "/account/devices", undefined, true),
    enabled: Boolean(session),
  });
  const [email, setEmail] = useState("");
  const [emailSent, setEmailSent] = useState(false);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [sha256, setSha256] = useState(false);
  const [passwordDone, setPasswordDone] = useState(false);
  const [typed, setTyped] = useState("");
  const navigate = useNavigate();

  const emailForm = useSubmit(
    () => accountCall("POST", "/account/email", { email }, true),
    () => setEmailSent(true),
  );
  const passwordForm = useSubmit(
    () =>
      accountCall<Account>("POST", "/account/password", { currentPassword: current, newPassword: next, sha256 }, true),
    (account) => {
      queryClient.setQueryData(["account", "me"], account);
      setPasswordDone(true);
      setCurrent("");
      setNext("");
    },
  );
  const deleteForm = useSubmit(
    () => accountCall("POST", "/account/delete", { sipAddress: typed }, true),
    () => {
      accountSession.clear();
      navigate("/account/login");
    },
  );

  if (!session) return <Navigate to="/account/login" replace />;
  const account = me.data;
  return (
    <Shell title="Your SIP account">
      {!account ? (
        <Text c="dimmed">{me.isError ? messageOf(me.error) : "Loading…"}</Text>
      ) : (
        <Stack>
          <Group justify="space-between">
            <div>
              <Text size="sm" c="dimmed">
                SIP address
              </Text>
              <Text fw={700} data-testid="sip-address">
                {account.sipAddress}
              </Text>
            </div>
            <Group gap="xs">
              {account.algorithms.map((a) => (
                <Badge key={a} variant="light">
                  {a}
                </Badge>
              ))}
              <Button
                variant="default"
                size="xs"
                onClick={async () => {
                  await accountCall("POST", "/account/logout", undefined, true).catch(() => undefined);
                  accountSession.clear();
                }}
              >
                Sign out
              </Button>
            </Group>
          </Group>
          <Text size="sm">
            Email: {account.email ?? "—"} · Phone: {account.phone ?? "—"}
          </Text>

          <Divider label="Devices" labelPosition="left" />
          {devices.data && !devices.data.known && <Text c="dimmed">The PBX cannot be asked right now.</Text>}
          {devices.data?.known && devices.data.data.length === 0 && <Text c="dimmed">No device is registered.</Text>}
          {devices.data && devices.data.data.length > 0 && (
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Device</Table.Th>
                  <Table.Th>Address</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {devices.data.data.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>{d.userAgent ?? d.uri}</Table.Td>
                    <Table.Td>{d.address ?? "—"}</Table.Td>
                    <Table.Td>{d.expiresAt ? new Date(d.expiresAt).toLocaleString() : "—"}</Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={async () => {
                          await accountCall("DELETE", `/account/devices/${encodeURIComponent(d.id)}`, undefined, true);
                          await devices.refetch();
                        }}
                      >
                        Remove
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}

          <Divider label="Change your email" labelPosition="left" />
          {emailSent ? (
            <Sent>A link is on its way to the new address; the change applies when you open it.</Sent>
          ) : (
            <form onSubmit={emailForm.onSubmit}>
              <Group align="end">
                <TextInput
                  label="New email"
                  type="email"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                  required
                  flex={1}
                />
                <Button type="submit" loading={emailForm.pending}>
                  Send the link
                </Button>
              </Group>
              <ErrorLine error={emailForm.error} />
            </form>
          )}

          <Divider label="Change your password" labelPosition="left" />
          <form onSubmit={passwordForm.onSubmit}>
            <Stack gap="xs">
              <PasswordInput
                label="Current password"
                value={current}
                onChange={(e) => setCurrent(e.target.value)}
                required
              />
              <PasswordInput label="New password" value={next} onChange={(e) => setNext(e.target.value)} required />
              <Checkbox
                label="Also store a SHA-256 digest (some SIP clients need it)"
                checked={sha256}
                onChange={(e) => setSha256(e.currentTarget.checked)}
              />
              {passwordDone && <Sent>Password changed. Your other sessions were signed out.</Sent>}
              <ErrorLine error={passwordForm.error} />
              <Button type="submit" loading={passwordForm.pending}>
                Change the password
              </Button>
            </Stack>
          </form>

          <Divider label="Delete your account" labelPosition="left" color="red" />
          <form onSubmit={deleteForm.onSubmit}>
            <Stack gap="xs">
              <TextInput
                label={`Type ${account.sipAddress} to confirm`}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                required
              />
              <ErrorLine error={deleteForm.error} />
              <Button type="submit" color="red" loading={deleteForm.pending}>
                Delete my account
              </Button>
            </Stack>
          </form>
        </Stack>
      )}
    </Shell>
  );
}

/** Self-service pages under /account/… (no console login). */
export function AccountRoutes() {
  return (
    <Routes>
      <Route index element={<PanelPage />} />
      <Route path="login" element={<LoginPage />} />
      <Route path="register" element={<RegisterEmailPage />} />
      <Route path="register/phone" element={<RegisterPhonePage />} />
      <Route path="confirm/:token" element={<SetPasswordPage kind="confirm" />} />
      <Route path="reset/:token" element={<SetPasswordPage kind="reset" />} />
      <Route path="recover" element={<RecoverPage />} />
      <Route path="email/:token" element={<EmailConfirmPage />} />
      <Route path="*" element={<Navigate to="/account" replace />} />
    </Routes>
  );
}
