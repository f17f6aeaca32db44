import { SUPERADMIN_LEVEL } from "@cisisk/contract";
import { Badge } from "@mantine/core";

export function LevelBadge({ level }: { level: number }) {
  return level === SUPERADMIN_LEVEL ? (
    <Badge color="indigo" variant="filled">
      Superadmin
    </Badge>
  ) : (
    <Badge color="gray" variant="light">
      Level {level}
    </Badge>
  );
}
