import { Button, EmptyState } from "@mantine/core";
import { IconMoodEmpty } from "@tabler/icons-react";
import { Link } from "react-router";
import { DEFAULT_TAB_PATH } from "../app/tabs";

export function NotFoundPage() {
  return (
    <EmptyState
      mt="xl"
      icon={<IconMoodEmpty />}
      withIndicatorBackground
      title="Page not found"
      description="There is nothing at this address in the console."
    >
      <EmptyState.Actions>
        <Button component={Link} to={DEFAULT_TAB_PATH} variant="light">
          Go to the dashboard
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
