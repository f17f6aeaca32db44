import { phoneCatalogue, type PhoneFamily } from "@cisisk/contract";
import { Alert, Button, Group, Loader, Paper, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconCheck } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";
import { isApiError } from "../../lib/api-client";
import { errorMessage } from "../../lib/form-errors";
import { sentence } from "../../lib/format";
import { PageHeader } from "../../ui/page-header";
import { useFirmwareLoads, useSaveFirmwareLoads } from "./queries";

const FAMILIES: PhoneFamily[] = ["79xx", "78xx", "88xx", "89xx"];

/** Settings → Firmware: the `loadInformation` each model's phones get (a phone may override it). */
export function FirmwarePage() {
  const loads = useFirmwareLoads();
  return (
    <>
      <PageHeader
        title="Firmware"
        description="The firmware load (loadInformation, without .loads) each model's phones get; a phone's own load wins, an empty field writes an empty element."
      />
      {loads.isLoading && <Loader size="sm" />}
      {loads.error && (
        <Alert color="red" icon={<IconAlertCircle />} title="Could not read the firmware loads">
          {errorMessage(loads.error)}
        </Alert>
      )}
      {loads.data && <FirmwareForm initial={loads.data.loads} />}
    </>
  );
}

function FirmwareForm({ initial }: { initial: Record<string, string> }) {
  const save = useSaveFirmwareLoads();
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [alert, setAlert] = useState<string | null>(null);

  const handleSave = async (event: FormEvent) => {
    event.preventDefault();
    setAlert(null);
    setFieldErrors({});
    const body = Object.fromEntries(
      Object.entries(values)
        .map(([model, load]) => [model, load.trim()] as const)
        .filter(([, load]) => load !== ""),
    );
    try {
      const saved = await save.mutateAsync({ loads: body });
      setValues(saved.loads);
      notifications.show({
        color: "green",
        icon: <IconCheck size={18} />,
        title: "Firmware loads saved",
        message: `${Object.keys(saved.loads).length} models have a load.`,
      });
    } catch (error) {
      if (!isApiError(error, "validation_failed")) return setAlert(errorMessage(error));
      const byModel: Record<string, string> = {};
      const rest: string[] = [];
      for (const issue of error.fieldIssues()) {
        const model = issue.path.startsWith("loads.") ? issue.path.slice("loads.".length) : "";
        if (model in values) byModel[model] = sentence(issue.message) ?? issue.message;
        else rest.push(issue.message);
      }
      setFieldErrors(byModel);
      setAlert(rest.length || Object.keys(byModel).length === 0 ? sentence([error.message, ...rest].join("; ")) : null);
    }
  };

  return (
    <form onSubmit={handleSave} noValidate>
      <Stack gap="md">
        {alert && (
          <Alert color="red" icon={<IconAlertCircle />} title="Could not save the firmware loads" role="alert">
            {alert}
          </Alert>
        )}
        {FAMILIES.map((family) => (
          <Paper key={family} withBorder p="md">
            <Title order={3} fz={16} mb="xs">
              {family}
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
              {phoneCatalogue
                .filter((m) => m.family === family)
                .map((m) => (
                  <TextInput
                    key={m.model}
                    label={m.productName}
                    placeholder="no load"
                    autoComplete="off"
                    value={values[m.model] ?? ""}
                    error={fieldErrors[m.model]}
                    onChange={(e) => {
                      const value = e.currentTarget.value;
                      setValues((v) => ({ ...v, [m.model]: value }));
                    }}
                  />
                ))}
            </SimpleGrid>
          </Paper>
        ))}
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            Example: sip88xx.14-2-1-0001-14 for an 8845. The load files must be on the phones&apos; TFTP/HTTP server.
          </Text>
          <Button type="submit" loading={save.isPending}>
            Save firmware loads
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
