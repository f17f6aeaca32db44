import "../../lib/zod-messages";
import { loginRequestSchema, type LoginRequest } from "@cisisk/contract";
import { zodResolver } from "@hookform/resolvers/zod";
import {
  Alert,
  Box,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  ThemeIcon,
  Title,
} from "@mantine/core";
import {
  IconAlertCircle,
  IconDeviceLandlinePhone,
  IconHourglass,
  IconInfoCircle,
  IconKey,
  IconLogin2,
  IconShieldLock,
} from "@tabler/icons-react";
import { useEffect, useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { Navigate, useLocation } from "react-router";
import { DEFAULT_TAB_PATH } from "../../app/tabs";
import { isApiError } from "../../lib/api-client";
import { errorMessage } from "../../lib/form-errors";
import { sentence } from "../../lib/format";
import { useTokens } from "../../lib/session";
import { useLogin, usePasskeyLogin } from "./queries";
import classes from "./login-page.module.css";
import type { LoginRedirectState } from "./require-auth";

export function LoginPage() {
  const tokens = useTokens();
  const location = useLocation();
  const redirect = (location.state ?? {}) as LoginRedirectState;
  const login = useLogin();
  const passkey = usePasskeyLogin();
  const [retryAt, noteFailure] = useRetryDeadline();
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<LoginRequest>({
    resolver: zodResolver(loginRequestSchema),
    defaultValues: { username: "", password: "" },
  });

  // Logged in (just now, or already in another tab): back to where the guard sent us from.
  if (tokens) return <Navigate to={redirect.from ?? DEFAULT_TAB_PATH} replace />;

  const handleLogin = handleSubmit(async (values) => {
    try {
      await login.mutateAsync(values);
    } catch (error) {
      // Shown from login.error below; a 429 also holds the button until its Retry-After has passed.
      noteFailure(error);
    }
  });

  return (
    <Center className={classes.root} p="md">
      <Box w={400} maw="100%">
        <Stack align="center" gap={6} mb="lg">
          <ThemeIcon size={52} radius="xl" variant="light">
            <IconDeviceLandlinePhone size={30} stroke={1.6} />
          </ThemeIcon>
          <Title order={1} fz={28}>
            Cisisk
          </Title>
          <Text c="dimmed" size="sm">
            IP phone console for Asterisk
          </Text>
        </Stack>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <form onSubmit={handleLogin} noValidate>
            <Stack>
              {login.error || passkey.error ? (
                <LoginError error={(login.error ?? passkey.error)!} retryAt={retryAt} />
              ) : (
                <RedirectNotice reason={redirect.reason} />
              )}
              <TextInput
                label="Username"
                autoComplete="username"
                autoFocus
                error={sentence(errors.username?.message)}
                {...register("username")}
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                error={sentence(errors.password?.message)}
                {...register("password")}
              />
              <Button
                type="submit"
                fullWidth
                mt="xs"
                leftSection={<IconLogin2 size={18} />}
                loading={login.isPending}
                disabled={retryAt !== null}
              >
                Log in
              </Button>
              <Button
                variant="default"
                fullWidth
                leftSection={<IconKey size={18} />}
                loading={passkey.isPending}
                onClick={() => {
                  login.reset();
                  passkey.mutate(undefined, { onError: noteFailure });
                }}
              >
                Sign in with a passkey
              </Button>
              <Group gap={6} justify="center">
                <IconShieldLock size={14} color="var(--mantine-color-dimmed)" />
                <Text size="xs" c="dimmed">
                  Only superadmins (level 0) may use the console.
                </Text>
              </Group>
            </Stack>
          </form>
        </Paper>
      </Box>
    </Center>
  );
}

function RedirectNotice({ reason }: { reason: LoginRedirectState["reason"] }) {
  if (reason !== "expired") return null;
  return (
    <Alert color="yellow" icon={<IconInfoCircle />} title="Session ended">
      Your session has ended. Log in again to continue.
    </Alert>
  );
}

function LoginError({ error, retryAt }: { error: Error; retryAt: number | null }) {
  const secondsLeft = useSecondsUntil(retryAt);
  let title = "Login failed";
  let body: ReactNode = errorMessage(error);
  const color = "red";
  if (isApiError(error, "invalid_credentials")) {
    body = "Wrong username or password. Usernames are case-sensitive.";
  } else if (isApiError(error, "rate_limited")) {
    title = "Too many attempts";
    body =
      secondsLeft > 0
        ? `Too many failed logins. Try again in ${formatWait(secondsLeft)}.`
        : "Too many failed logins. You can try again now.";
  } else if (isApiError(error, "network_error")) {
    title = "Server unreachable";
    body = "The Cisisk server does not answer. Check that it is running and try again.";
  }
  return (
    <Alert
      color={color}
      icon={isApiError(error, "rate_limited") ? <IconHourglass /> : <IconAlertCircle />}
      title={title}
      role="alert"
    >
      {body}
    </Alert>
  );
}

/** While a 429's Retry-After runs, the deadline (ms); null otherwise. `noteFailure` takes each failed login. */
function useRetryDeadline(): [number | null, (error: unknown) => void] {
  const [deadline, setDeadline] = useState<number | null>(null);
  useEffect(() => {
    if (deadline === null) return;
    const timer = window.setTimeout(() => setDeadline(null), deadline - Date.now());
    return () => window.clearTimeout(timer);
  }, [deadline]);
  const noteFailure = (error: unknown) => {
    const seconds = isApiError(error, "rate_limited") ? error.retryAfterSeconds : undefined;
    setDeadline(seconds ? Date.now() + seconds * 1000 : null);
  };
  return [deadline, noteFailure];
}

function useSecondsUntil(deadline: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (deadline === null) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [deadline]);
  return deadline === null ? 0 : Math.max(0, Math.ceil((deadline - now) / 1000));
}

function formatWait(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}
