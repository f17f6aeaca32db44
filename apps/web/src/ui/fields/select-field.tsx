import { Select, type SelectProps } from "@mantine/core";
import type { FieldValues } from "react-hook-form";
import { useBound, type Bound, type Managed } from "./bound";

/** A single choice held as a string; "" when nothing is chosen. */
export function SelectField<T extends FieldValues>({
  control,
  name,
  ...props
}: Bound<T, string> & Omit<SelectProps, Managed>) {
  const { ref, field, error } = useBound({ control, name });
  return (
    <Select
      {...props}
      ref={ref}
      value={field.value || null}
      onChange={(v) => field.onChange(v ?? "")}
      onBlur={field.onBlur}
      error={error}
    />
  );
}
