import type { Deployment, DeploymentBatch, Profile } from "@cisisk/contract";
import { Alert, Button, Checkbox, Group, Modal, ScrollArea, Stack, Text } from "@mantine/core";
import { IconAlertCircle, IconRocket } from "@tabler/icons-react";
import { useState } from "react";
import { errorMessage } from "../../lib/form-errors";
import { useAllPhones } from "../../lib/lookups";
import { BatchProgressBar, BatchResults, DeploymentSteps } from "./deploy-results";
import { useBulkDeploy, useDeploy, type BatchProgress } from "./queries";

export interface DeployModalProps {
  profile: Profile | null;
  onClose: () => void;
}

export function DeployModal({ profile, onClose }: DeployModalProps) {
  return (
    <Modal opened={profile !== null} onClose={onClose} title={profile ? `Deploy ${profile.name}` : ""} size="xl">
      {profile && <DeployDialog key={profile.id} profile={profile} />}
    </Modal>
  );
}

function DeployDialog({ profile }: { profile: Profile }) {
  const phones = useAllPhones();
  const deploy = useDeploy();
  const bulkDeploy = useBulkDeploy();
  const [selected, setSelected] = useState<string[]>([]);
  const [single, setSingle] = useState<Deployment | null>(null);
  const [progress, setProgress] = useState<BatchProgress | null>(null);
  const [batch, setBatch] = useState<DeploymentBatch | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  // Only phones the profile may go to: model in its list (empty = all) and the same software type.
  const compatible = (phones.data?.data ?? []).filter(
    (p) =>
      (profile.compatibleModels.length === 0 || profile.compatibleModels.includes(p.model)) &&
      (!profile.softwareType || p.softwareType === profile.softwareType),
  );

  const handleDeploy = async () => {
    setError(null);
    setSingle(null);
    setBatch(null);
    setProgress(null);
    setRunning(true);
    try {
      if (selected.length === 1) {
        setSingle(await deploy.mutateAsync({ profile, phoneId: selected[0]! }));
      } else {
        setBatch(await bulkDeploy.mutateAsync({ profileId: profile.id, phoneIds: selected, onProgress: setProgress }));
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Each phone: back up its SEP file over FTP, upload the new one, restart it (
        {profile.softwareType === "SCCP" ? "CGI" : "SIP NOTIFY"}), clear its service session.
      </Text>
      {compatible.length === 0 && !phones.isLoading && <Text>No compatible phone.</Text>}
      <ScrollArea.Autosize mah={240}>
        <Stack gap={4}>
          {compatible.map((p) => (
            <Checkbox
              key={p.id}
              label={`${p.mac} · ${p.model} · ${p.softwareType ?? "?"}${p.label ? ` · ${p.label}` : ""} (now: ${p.currentProfileName ?? "None"})`}
              checked={selected.includes(p.id)}
              onChange={(e) =>
                setSelected(e.currentTarget.checked ? [...selected, p.id] : selected.filter((id) => id !== p.id))
              }
            />
          ))}
        </Stack>
      </ScrollArea.Autosize>
      <Group justify="space-between">
        <Button
          variant="subtle"
          size="xs"
          onClick={() => setSelected(selected.length === compatible.length ? [] : compatible.map((p) => p.id))}
        >
          {selected.length === compatible.length && compatible.length > 0 ? "Select none" : "Select all"}
        </Button>
        <Button
          leftSection={<IconRocket size={16} />}
          disabled={selected.length === 0}
          loading={running}
          onClick={handleDeploy}
        >
          Deploy to {selected.length} phone{selected.length === 1 ? "" : "s"}
        </Button>
      </Group>
      {error && (
        <Alert color="red" icon={<IconAlertCircle />} title="Deploy refused" role="alert">
          {error}
        </Alert>
      )}
      {single && <DeploymentSteps deployment={single} />}
      {progress && <BatchProgressBar progress={progress} />}
      {batch && <BatchResults batch={batch} />}
    </Stack>
  );
}
