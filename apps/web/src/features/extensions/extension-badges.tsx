import type { Extension, ExtensionTechnology } from "@cisisk/contract";
import { Badge, Stack, Text, Tooltip } from "@mantine/core";
import { formatDateTime } from "../../lib/format";

const techColor: Record<ExtensionTechnology, string> = { SCCP: "grape", SIP: "orange", PJSIP: "blue" };

export function TechnologyBadge({ technology }: { technology: ExtensionTechnology }) {
  return (
    <Badge color={techColor[technology]} variant="light" radius="sm">
      {technology}
    </Badge>
  );
}

export function RegistrationBadge({ registration }: { registration: Extension["registration"] }) {
  if (registration.state === "unknown") {
    return (
      <Tooltip label="Asterisk cannot be asked (not configured or down), or the technology has no status query">
        <Badge color="gray" variant="outline">
          Unknown
        </Badge>
      </Tooltip>
    );
  }
  if (registration.state === "unregistered") {
    return (
      <Badge color="gray" variant="dot">
        Unregistered
      </Badge>
    );
  }
  return (
    <Tooltip
      label={
        <Stack gap={2}>
          {registration.contacts.map((c) => (
            <Text key={c.uri} size="xs">
              {c.ip ?? c.uri}
              {c.userAgent && ` · ${c.userAgent}`}
              {c.expiresAt && ` · until ${formatDateTime(c.expiresAt)}`}
            </Text>
          ))}
        </Stack>
      }
    >
      <Badge color="green" variant="dot">
        Registered
      </Badge>
    </Tooltip>
  );
}

export function AsteriskSyncBadge({ state }: { state: Extension["asterisk"] }) {
  if (state.status === "none" || state.status === "applied") return null;
  return (
    <Tooltip label={state.lastError ?? "Waiting to be written to Asterisk"} multiline w={320}>
      <Badge color={state.status === "failed" ? "red" : "yellow"} variant="light" size="sm">
        {state.status === "failed" ? "Asterisk: failed" : "Asterisk: pending"}
      </Badge>
    </Tooltip>
  );
}
