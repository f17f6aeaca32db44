import { componentNames, type ComponentName, type ComponentStatus, type Dashboard } from "@cisisk/contract";
import {
  Alert,
  Badge,
  Card,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
  Title,
  Tooltip,
} from "@mantine/core";
import {
  IconAlertCircle,
  IconAsterisk,
  IconCircleCheck,
  IconCircleDashed,
  IconCircleX,
  IconDatabase,
  IconFolderUp,
  IconHelpCircle,
  IconMail,
  IconMessage2,
  IconRefresh,
  type Icon,
} from "@tabler/icons-react";
import { Link } from "react-router";
import { tabByPath } from "../../app/tabs";
import { errorMessage } from "../../lib/form-errors";
import { formatDateTime, formatDuration, formatRelative } from "../../lib/format";
import { PageHeader } from "../../ui/page-header";
import classes from "./dashboard-page.module.css";
import { DASHBOARD_REFRESH_MS, useDashboard } from "./queries";
import { FileServingSection } from "./file-serving-card";
import { TelephonySection } from "./telephony-cards";

type CountKey = keyof Dashboard["counts"];

const countCards: { key: CountKey; label: string; path: string }[] = [
  { key: "users", label: "Users", path: "/users" },
  { key: "extensions", label: "Extensions", path: "/extensions" },
  { key: "phones", label: "Phones", path: "/phones" },
  { key: "profiles", label: "Profiles", path: "/profiles" },
  { key: "contacts", label: "Directory contacts", path: "/directory" },
  { key: "services", label: "Services", path: "/services" },
];

const componentInfo: Record<ComponentName, { label: string; description: string; icon: Icon }> = {
  database: { label: "Database", description: "Cisisk's own data", icon: IconDatabase },
  ami: { label: "Asterisk AMI", description: "Manager interface of the PBX", icon: IconAsterisk },
  ftp: { label: "FTP", description: "Phone configuration uploads", icon: IconFolderUp },
  mail: { label: "Mail (SMTP)", description: "Outgoing email", icon: IconMail },
  sms: { label: "SMS gateway", description: "Outgoing text messages", icon: IconMessage2 },
};

const statusLook: Record<ComponentStatus["status"], { label: string; color: string; icon: Icon; hint: string }> = {
  ok: { label: "OK", color: "green", icon: IconCircleCheck, hint: "Last use or check succeeded" },
  down: { label: "Down", color: "red", icon: IconCircleX, hint: "Last use or check failed" },
  not_configured: { label: "Not configured", color: "gray", icon: IconCircleDashed, hint: "Not set up in cisisk.toml" },
  unknown: {
    label: "Not checked yet",
    color: "yellow",
    icon: IconHelpCircle,
    hint: "Configured, but not used or checked since it was set up",
  },
};

export function DashboardPage() {
  const dashboard = useDashboard();
  const data = dashboard.data;

  return (
    <>
      <PageHeader
        title="Dashboard"
        description="System health and quick stats"
        actions={
          data && (
            <Group gap="xs">
              <Badge variant="default" size="lg" radius="sm" tt="none" fw={500}>
                Version {data.version}
              </Badge>
              <Badge variant="default" size="lg" radius="sm" tt="none" fw={500}>
                Up {formatDuration(data.uptimeSeconds)}
              </Badge>
              <Tooltip label={`Refreshes every ${DASHBOARD_REFRESH_MS / 1000} s`}>
                <Group gap={4} c="dimmed">
                  <IconRefresh size={14} className={dashboard.isFetching ? classes.spin : undefined} />
                  <Text size="xs">updated {formatRelative(new Date(dashboard.dataUpdatedAt).toISOString())}</Text>
                </Group>
              </Tooltip>
            </Group>
          )
        }
      />

      {dashboard.error && (
        <Alert color="red" icon={<IconAlertCircle />} title="Could not load the dashboard" mb="md">
          {errorMessage(dashboard.error)}
          {data && " Showing the last values received."}
        </Alert>
      )}

      <Stack gap="lg">
        <section aria-labelledby="dash-counts">
          <Title id="dash-counts" order={3} fz="sm" tt="uppercase" c="dimmed" fw={700} mb="xs">
            Inventory
          </Title>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
            {countCards.map((card) => (
              <CountCard key={card.key} label={card.label} path={card.path} count={data?.counts[card.key]} />
            ))}
          </SimpleGrid>
        </section>

        <section aria-labelledby="dash-components">
          <Title id="dash-components" order={3} fz="sm" tt="uppercase" c="dimmed" fw={700} mb="xs">
            Components
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} spacing="sm">
            {componentNames.map((name) => (
              <ComponentCard key={name} name={name} status={data?.components[name]} />
            ))}
          </SimpleGrid>
        </section>

        <TelephonySection data={data} />
        <FileServingSection data={data} />
      </Stack>
    </>
  );
}

function CountCard({ label, path, count }: { label: string; path: string; count: number | undefined }) {
  const TabIcon = tabByPath(path).icon;
  return (
    <Card
      component={Link}
      to={path}
      withBorder
      radius="md"
      padding="md"
      className={classes.countCard}
      aria-label={count === undefined ? label : `${label}: ${count}`}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Text size="sm" c="dimmed" fw={500}>
            {label}
          </Text>
          {count === undefined ? (
            <Skeleton h={34} w={48} mt={4} />
          ) : (
            <Text fz={30} fw={700} lh={1.2}>
              {count}
            </Text>
          )}
        </div>
        <ThemeIcon variant="light" size={36} radius="md">
          <TabIcon size={20} stroke={1.6} />
        </ThemeIcon>
      </Group>
    </Card>
  );
}

function ComponentCard({ name, status }: { name: ComponentName; status: ComponentStatus | undefined }) {
  const info = componentInfo[name];
  const look = status ? statusLook[status.status] : undefined;
  return (
    <Paper withBorder radius="md" p="md" aria-label={`${info.label} status`}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" mb="xs">
        <Group gap="sm" wrap="nowrap">
          <ThemeIcon variant="light" color={look?.color ?? "gray"} size={34} radius="md">
            <info.icon size={19} stroke={1.6} />
          </ThemeIcon>
          <div>
            <Text fw={600} size="sm">
              {info.label}
            </Text>
            <Text size="xs" c="dimmed">
              {info.description}
            </Text>
          </div>
        </Group>
      </Group>
      {status && look ? (
        <Stack gap={6}>
          <Tooltip label={look.hint} position="bottom-start">
            <Badge color={look.color} variant="light" leftSection={<look.icon size={12} />} w="fit-content">
              {look.label}
            </Badge>
          </Tooltip>
          {status.checkedAt && (
            <Tooltip label={formatDateTime(status.checkedAt)} position="bottom-start">
              <Text size="xs" c="dimmed" w="fit-content">
                checked {formatRelative(status.checkedAt)}
              </Text>
            </Tooltip>
          )}
          {status.lastError && (
            <Text size="xs" c="red" className={classes.error}>
              {status.lastError}
            </Text>
          )}
        </Stack>
      ) : (
        <Skeleton h={20} w={90} />
      )}
    </Paper>
  );
}
