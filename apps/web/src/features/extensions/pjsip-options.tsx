import { SimpleGrid } from "@mantine/core";
import { NumberField } from "../../ui/fields/number-field";
import { SelectField } from "../../ui/fields/select-field";
import { SwitchField } from "../../ui/fields/switch-field";
import { TextField } from "../../ui/fields/text-field";
import type { ExtensionControl } from "./extension-form-values";

/** PJSIP endpoint, auth and AOR options. */
export function PjsipOptions({ control }: { control: ExtensionControl }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      <TextField
        control={control}
        name="pjsip.transport"
        label="Transport"
        description="A pjsip.conf transport section, e.g. transport-tcp"
      />
      <SelectField
        control={control}
        name="pjsip.authType"
        label="Auth type"
        description="md5 keeps only the digest in Asterisk"
        allowDeselect={false}
        data={[
          { value: "md5", label: "md5 (md5_cred)" },
          { value: "userpass", label: "userpass (password)" },
        ]}
      />
      <SelectField
        control={control}
        name="pjsip.dtmfMode"
        label="DTMF mode"
        allowDeselect={false}
        data={["rfc4733", "inband", "info", "auto"]}
      />
      <NumberField
        control={control}
        name="pjsip.maxContacts"
        label="Max contacts"
        description="More than 1 for a shared line"
        min={1}
        max={20}
        fallback={1}
      />
      <NumberField
        control={control}
        name="pjsip.qualifyFrequency"
        label="Qualify every (s)"
        min={0}
        max={3600}
        fallback={0}
      />
      <SwitchField control={control} name="pjsip.removeExisting" label="Replace the old registration" />
      <SwitchField control={control} name="pjsip.directMedia" label="Direct media" />
    </SimpleGrid>
  );
}
