import { SimpleGrid } from "@mantine/core";
import { NumberField } from "../../ui/fields/number-field";
import { TextField } from "../../ui/fields/text-field";
import type { ExtensionControl } from "./extension-form-values";

/** chan_sccp line options (the sccp_line and buttonconfig rows). */
export function SccpOptions({ control }: { control: ExtensionControl }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      <TextField control={control} name="sccp.label" label="Line label" />
      <TextField control={control} name="sccp.cidName" label="Caller ID name" />
      <TextField control={control} name="sccp.cidNum" label="Caller ID number" />
      <TextField
        control={control}
        name="sccp.deviceName"
        label="Device"
        description="SEP + MAC of the phone that has this line (optional)"
        placeholder="SEP001122334455"
      />
      <TextField control={control} name="sccp.deviceType" label="Device type" placeholder="7960" />
      <NumberField
        control={control}
        name="sccp.lineInstance"
        label="Button"
        description="Position of the line on the device"
        min={1}
        max={127}
        fallback={1}
      />
    </SimpleGrid>
  );
}
