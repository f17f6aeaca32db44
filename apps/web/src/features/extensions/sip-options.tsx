import { SimpleGrid } from "@mantine/core";
import { SelectField } from "../../ui/fields/select-field";
import { SwitchField } from "../../ui/fields/switch-field";
import { TextField } from "../../ui/fields/text-field";
import type { ExtensionControl } from "./extension-form-values";

/** chan_sip peer options. */
export function SipOptions({ control }: { control: ExtensionControl }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      <TextField
        control={control}
        name="sip.transport"
        label="Transport"
        description="chan_sip protocols: udp, tcp or tls, comma-separated (first = default)"
      />
      <SelectField
        control={control}
        name="sip.nat"
        label="NAT"
        allowDeselect={false}
        data={["no", "force_rport", "comedia", "force_rport,comedia", "yes"]}
      />
      <SelectField
        control={control}
        name="sip.dtmfMode"
        label="DTMF mode"
        allowDeselect={false}
        data={["rfc2833", "info", "inband", "auto"]}
      />
      <SwitchField control={control} name="sip.directMedia" label="Direct media" />
    </SimpleGrid>
  );
}
