import { Badge, Group, List, Paper, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import type { Icon } from "@tabler/icons-react";
import type { ReactNode } from "react";

/** Placeholder for a tab whose module is not built yet: what it will do, never invented data. */
export function ComingSoon(props: { icon: Icon; title: string; description: ReactNode; planned?: ReactNode[] }) {
  return (
    <Paper withBorder radius="md" p="xl" maw={760}>
      <Stack gap="md">
        <Group gap="md" wrap="nowrap">
          <ThemeIcon size={48} radius="xl" variant="light">
            <props.icon size={26} stroke={1.6} />
          </ThemeIcon>
          <div>
            <Group gap="xs">
              <Title order={2} fz={22}>
                {props.title}
              </Title>
              <Badge variant="light" color="gray">
                Coming soon
              </Badge>
            </Group>
            <Text c="dimmed" size="sm">
              This part of the console is not built yet.
            </Text>
          </div>
        </Group>
        <Text>{props.description}</Text>
        {props.planned && props.planned.length > 0 && (
          <div>
            <Text fw={600} size="sm" mb={6}>
              Planned
            </Text>
            <List size="sm" spacing={4}>
              {props.planned.map((item, i) => (
                <List.Item key={i}>{item}</List.Item>
              ))}
            </List>
          </div>
        )}
      </Stack>
    </Paper>
  );
}
