import { MultiSelect, type MultiSelectProps } from "@mantine/core";
import type { FieldValues } from "react-hook-form";
import { useBound, type Bound, type Managed } from "./bound";

export function MultiSelectField<T extends FieldValues>({
  control,
  name,
  error: extraError,
  ...props
}: Bound<T, string[]> & Omit<MultiSelectProps, Exclude<Managed, "error">>) {
  const { ref, field, error } = useBound({ control, name });
  return (
    <MultiSelect
      {...props}
      ref={ref}
      value={field.value}
      onChange={field.onChange}
      onBlur={field.onBlur}
      error={error ?? extraError}
    />
  );
}
