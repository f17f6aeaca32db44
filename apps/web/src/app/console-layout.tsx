import {
  ActionIcon,
  AppShell,
  Avatar,
  Badge,
  Box,
  Button,
  Center,
  Group,
  Loader,
  Skeleton,
  Tabs,
  Text,
  ThemeIcon,
  Tooltip,
  useComputedColorScheme,
  useMantineColorScheme,
} from "@mantine/core";
import { IconDeviceLandlinePhone, IconLogout, IconMoon, IconSun } from "@tabler/icons-react";
import { Suspense } from "react";
import { Outlet, useLocation, useNavigate } from "react-router";
import { useLogout } from "../features/auth/queries";
import { useMe } from "../lib/session";
import { ErrorBoundary } from "../ui/error-boundary";
import classes from "./console-layout.module.css";
import { tabOf, tabs } from "./tabs";

export function ConsoleLayout() {
  const location = useLocation();
  const navigate = useNavigate();
  const active = tabOf(location.pathname);

  return (
    <AppShell header={{ height: 100 }} padding="md">
      <AppShell.Header>
        <Group h={56} px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <ThemeIcon size={32} radius="md" variant="filled">
              <IconDeviceLandlinePhone size={20} stroke={1.8} />
            </ThemeIcon>
            <Text fw={700} fz="lg">
              Cisisk
            </Text>
            <Text c="dimmed" size="sm" visibleFrom="sm">
              IP phone console for Asterisk
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <ColorSchemeToggle />
            <CurrentUser />
            <LogoutButton />
          </Group>
        </Group>
        <Tabs value={active?.path ?? null} onChange={(path) => path && navigate(path)} px="md">
          <Tabs.List className={classes.tabs}>
            {tabs.map((tab) => (
              <Tabs.Tab key={tab.path} value={tab.path} h={44} leftSection={<tab.icon size={16} stroke={1.7} />}>
                {tab.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        </Tabs>
      </AppShell.Header>
      <AppShell.Main className={classes.main}>
        <ErrorBoundary key={active?.path}>
          <Suspense
            fallback={
              <Center h={240}>
                <Loader />
              </Center>
            }
          >
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </AppShell.Main>
    </AppShell>
  );
}

function CurrentUser() {
  const me = useMe();
  if (!me.data) return <Skeleton h={28} w={160} radius="xl" />;
  const { displayName, username } = me.data;
  const initials = displayName
    .split(/\s+/)
    .map((w) => w[0])
    .join("")
    .slice(0, 2)
    .toUpperCase();
  return (
    <Group gap="xs" wrap="nowrap" aria-label="Logged in user">
      <Avatar size={30} radius="xl" color="initials" name={displayName}>
        {initials}
      </Avatar>
      <Box visibleFrom="sm" style={{ lineHeight: 1.1 }}>
        <Text size="sm" fw={600}>
          {displayName}
        </Text>
        <Group gap={4} wrap="nowrap">
          <Text size="xs" c="dimmed">
            {username}
          </Text>
          <Badge size="xs" variant="light">
            Superadmin
          </Badge>
        </Group>
      </Box>
    </Group>
  );
}

function LogoutButton() {
  const logout = useLogout();
  return (
    <Button
      variant="default"
      size="xs"
      leftSection={<IconLogout size={16} />}
      loading={logout.isPending}
      onClick={() => logout.mutate()}
    >
      Log out
    </Button>
  );
}

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme("light");
  const next = scheme === "dark" ? "light" : "dark";
  return (
    <Tooltip label={`Switch to ${next} mode`}>
      <ActionIcon
        variant="subtle"
        color="gray"
        size="lg"
        aria-label={`Switch to ${next} mode`}
        onClick={() => setColorScheme(next)}
      >
        {scheme === "dark" ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
}
