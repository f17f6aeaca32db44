import { sipTransports } from "@cisisk/contract";
import { SimpleGrid } from "@mantine/core";
import { PasswordField } from "../../ui/fields/password-field";
import { SelectField } from "../../ui/fields/select-field";
import { TextField } from "../../ui/fields/text-field";
import type { PhoneControl } from "./phone-form-values";

/**
 * Account 1 of a Yealink, Fanvil, Grandstream, Snom or Polycom phone, written into the file it fetches from
 * /provision; its other accounts come from the extensions linked to its lines.
 */
export function SipAccountFields({ control, hasPassword }: { control: PhoneControl; hasPassword: boolean }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      <TextField control={control} name="sipUsername" label="SIP username" description="Empty: no explicit account" />
      <PasswordField
        control={control}
        name="sipPassword"
        label="SIP password"
        description={hasPassword ? "Leave empty to keep the current password" : "Sealed at rest, never shown again"}
        autoComplete="new-password"
      />
      <TextField
        control={control}
        name="sipServer"
        label="SIP server"
        description="host or host:port; empty: the Asterisk host"
        placeholder="pbx.example.com:5060"
      />
      <SelectField
        control={control}
        name="transport"
        label="Transport"
        placeholder="The server's ([sip] transport)"
        clearable
        data={sipTransports.map((t) => ({ value: t, label: t.toUpperCase() }))}
      />
    </SimpleGrid>
  );
}
