import { Switch, type SwitchProps } from "@mantine/core";
import type { FieldValues } from "react-hook-form";
import { useBound, type Bound, type Managed } from "./bound";

export function SwitchField<T extends FieldValues>({
  control,
  name,
  ...props
}: Bound<T, boolean> & Omit<SwitchProps, Managed | "checked">) {
  const { ref, field, error } = useBound({ control, name });
  return (
    <Switch
      {...props}
      ref={ref}
      checked={field.value}
      onChange={(event) => field.onChange(event.currentTarget.checked)}
      onBlur={field.onBlur}
      error={error}
    />
  );
}
