import type { ScreenFamily, PhoneService } from "@cisisk/contract";
import { Alert, Box, Code, Group, Loader, Modal, SegmentedControl, SimpleGrid, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { errorMessage } from "../../lib/form-errors";
import { useServicePreview } from "./queries";

/** What the phone screen shows: title bar, prompt, the lines of the object, and the soft-key row. */
export function PhonePreviewModal({ service, onClose }: { service: PhoneService | null; onClose: () => void }) {
  const [family, setFamily] = useState<ScreenFamily>("88xx");
  const preview = useServicePreview(service?.id ?? null, family);
  const p = preview.data;

  return (
    <Modal opened={service !== null} onClose={onClose} title={`Phone preview: ${service?.name ?? ""}`} size="xl">
      <Stack gap="sm">
        <SegmentedControl
          aria-label="Phone family"
          value={family}
          onChange={(v) => setFamily(v as ScreenFamily)}
          data={[
            { value: "79xx", label: "79xx (e.g. 7965)" },
            { value: "88xx", label: "88xx (e.g. 8845)" },
          ]}
        />
        {preview.isLoading && <Loader size="sm" />}
        {preview.error && <Alert color="red">{errorMessage(preview.error)}</Alert>}
        {p && (
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Box
              aria-label="Phone screen"
              role="figure"
              style={{
                background: family === "79xx" ? "#c9d6c3" : "#1f2a36",
                color: family === "79xx" ? "#111" : "#f1f3f5",
                borderRadius: 8,
                fontFamily: "monospace",
                padding: 8,
                minHeight: 260,
                display: "flex",
                flexDirection: "column",
              }}
            >
              <Text fw={700} size="sm" style={{ borderBottom: "1px solid currentColor" }}>
                {p.title}
              </Text>
              {p.prompt && (
                <Text size="xs" fs="italic">
                  {p.prompt}
                </Text>
              )}
              <Box style={{ flex: 1 }} py={4}>
                {p.text && <Text size="sm">{p.text}</Text>}
                {p.lines.map((line, i) => (
                  <Text key={i} size="sm">
                    {p.object === "CiscoIPPhoneMenu" ? `${i + 1} ${line}` : line}
                  </Text>
                ))}
              </Box>
              <Group gap={4} grow aria-label="Soft keys" wrap="wrap">
                {p.softKeys.map((k) => (
                  <Text
                    key={k.position}
                    size="xs"
                    ta="center"
                    style={{ border: "1px solid currentColor", borderRadius: 4, minWidth: "22%" }}
                    title={k.url}
                  >
                    {k.name}
                  </Text>
                ))}
              </Group>
            </Box>
            <Stack gap={4}>
              <Text size="xs" c="dimmed">
                {p.contentType} · {p.object}
              </Text>
              <Code block style={{ whiteSpace: "pre-wrap", wordBreak: "break-all", maxHeight: 320, overflow: "auto" }}>
                {p.xml}
              </Code>
            </Stack>
          </SimpleGrid>
        )}
      </Stack>
    </Modal>
  );
}
