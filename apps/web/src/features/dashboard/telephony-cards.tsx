import type { Dashboard } from "@cisisk/contract";
import {
  Badge,
  Group,
  Paper,
  Progress,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
  Title,
  Tooltip,
} from "@mantine/core";
import { IconAlertTriangle, IconAsterisk, IconHash, IconRocket, type Icon } from "@tabler/icons-react";
import { formatDateTime, formatRelative } from "../../lib/format";
import classes from "./dashboard-page.module.css";

/** Registered vs configured extensions, the Asterisk outbox, recent failures and deployments. */
export function TelephonySection({ data }: { data: Dashboard | undefined }) {
  return (
    <section aria-labelledby="dash-telephony">
      <Title id="dash-telephony" order={3} fz="sm" tt="uppercase" c="dimmed" fw={700} mb="xs">
        Telephony
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
        <CardShell icon={IconHash} title="Registered extensions" label="Registered extensions">
          {data ? <Registrations value={data.extensions} /> : <Skeleton h={40} />}
        </CardShell>
        <CardShell icon={IconAsterisk} title="Asterisk changes" label="Asterisk changes">
          {data ? <Outbox value={data.asterisk} /> : <Skeleton h={40} />}
        </CardShell>
        <CardShell icon={IconAlertTriangle} title="Recent failures" label="Recent failures">
          {data ? <Failures value={data.recentFailures} /> : <Skeleton h={40} />}
        </CardShell>
        <CardShell icon={IconRocket} title="Recent deployments" label="Recent deployments">
          {data ? <Deployments value={data.recentDeployments} /> : <Skeleton h={40} />}
        </CardShell>
      </SimpleGrid>
    </section>
  );
}

function CardShell({
  icon: I,
  title,
  label,
  children,
}: {
  icon: Icon;
  title: string;
  label: string;
  children: React.ReactNode;
}) {
  return (
    <Paper withBorder radius="md" p="md" aria-label={label}>
      <Group gap="sm" mb="xs" wrap="nowrap">
        <ThemeIcon variant="light" size={30} radius="md">
          <I size={17} stroke={1.6} />
        </ThemeIcon>
        <Text fw={600} size="sm">
          {title}
        </Text>
      </Group>
      {children}
    </Paper>
  );
}

function Registrations({ value }: { value: Dashboard["extensions"] }) {
  if (value.registered === null) {
    return (
      <Stack gap={4}>
        <Text fz={26} fw={700} lh={1.2}>
          ? / {value.configured}
        </Text>
        <Text size="xs" c="dimmed">
          Asterisk cannot be asked (no AMI or realtime database)
        </Text>
      </Stack>
    );
  }
  const pct = value.configured ? Math.round((value.registered / value.configured) * 100) : 0;
  return (
    <Stack gap={6}>
      <Text fz={26} fw={700} lh={1.2}>
        {value.registered} / {value.configured}
      </Text>
      <Progress value={pct} color={pct === 100 ? "green" : "blue"} size="sm" aria-label={`${pct}% registered`} />
    </Stack>
  );
}

function Outbox({ value }: { value: Dashboard["asterisk"] }) {
  return (
    <Stack gap={6}>
      <Group gap={6}>
        <Badge variant="default" tt="none">
          mode: {value.mode}
        </Badge>
        <Badge color={value.pendingChanges ? "yellow" : "green"} variant="light">
          {value.pendingChanges} pending
        </Badge>
        <Badge color={value.failedChanges ? "red" : "gray"} variant="light">
          {value.failedChanges} failed
        </Badge>
      </Group>
      {value.lastError && (
        <Text size="xs" c="red" className={classes.error}>
          {value.lastError}
        </Text>
      )}
    </Stack>
  );
}

function Failures({ value }: { value: Dashboard["recentFailures"] }) {
  if (value.length === 0)
    return (
      <Text size="sm" c="dimmed">
        None
      </Text>
    );
  return (
    <Stack gap={4}>
      {value.slice(0, 5).map((f) => (
        <Tooltip key={`${f.source}-${f.id}`} label={f.lastError ?? ""} multiline w={320}>
          <Group gap={6} wrap="nowrap">
            <Badge size="xs" color={f.status === "failed" ? "red" : "yellow"}>
              {f.status}
            </Badge>
            <Text size="xs" truncate>
              {f.extensionNumber ?? f.source} · {f.attempts} attempt{f.attempts === 1 ? "" : "s"} ·{" "}
              {formatRelative(f.createdAt)}
            </Text>
          </Group>
        </Tooltip>
      ))}
    </Stack>
  );
}

const deployColor = { running: "blue", succeeded: "green", failed: "red" } as const;

function Deployments({ value }: { value: Dashboard["recentDeployments"] }) {
  if (value.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No deployments yet
      </Text>
    );
  return (
    <Stack gap={4}>
      {value.slice(0, 5).map((d) => (
        <Tooltip
          key={d.id}
          label={`${formatDateTime(d.startedAt)}${d.failedStep ? ` · failed at ${d.failedStep}` : ""}`}
        >
          <Group gap={6} wrap="nowrap">
            <Badge size="xs" color={deployColor[d.status]}>
              {d.status}
            </Badge>
            <Text size="xs" truncate>
              {d.profileName} → {d.phoneMac}
            </Text>
          </Group>
        </Tooltip>
      ))}
    </Stack>
  );
}
