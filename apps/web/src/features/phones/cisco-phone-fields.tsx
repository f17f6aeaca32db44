import { findPhoneModel } from "@cisisk/contract";
import { SimpleGrid } from "@mantine/core";
import { SelectField } from "../../ui/fields/select-field";
import { TextField } from "../../ui/fields/text-field";
import { kemOptionsOf, type PhoneControl } from "./phone-form-values";

/** A Cisco phone's own fields: the firmware it runs and loads, and (when added) its key expansion modules. */
export function CiscoPhoneFields({
  control,
  model,
  creating,
}: {
  control: PhoneControl;
  model: string;
  creating: boolean;
}) {
  const protocols = findPhoneModel(model)?.protocols ?? ["SCCP", "SIP", "SIPE"];
  const kems = kemOptionsOf(model);
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      <SelectField
        control={control}
        name="softwareType"
        label="Software"
        placeholder="Unknown"
        clearable
        data={protocols.map((p) => ({ value: p, label: p }))}
      />
      <TextField
        control={control}
        name="firmwareLoad"
        label="Firmware load"
        description="Empty: the model's load (Firmware tab)"
        placeholder="e.g. sip88xx.14-2-1-0001-14"
      />
      {creating && kems.length > 0 && (
        <SelectField
          control={control}
          name="kems"
          label="Key expansion modules"
          placeholder="None"
          clearable
          data={kems}
        />
      )}
    </SimpleGrid>
  );
}
