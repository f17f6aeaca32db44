import { NumberInput, type NumberInputProps } from "@mantine/core";
import type { FieldValues } from "react-hook-form";
import { useBound, type Bound, type Managed } from "./bound";

/** A cleared number input stores `fallback`, never "" (the schemas want numbers). */
export function NumberField<T extends FieldValues>({
  control,
  name,
  fallback,
  ...props
}: Bound<T, number> & { fallback: number } & Omit<NumberInputProps, Managed>) {
  const { ref, field, error } = useBound({ control, name });
  return (
    <NumberInput
      {...props}
      ref={ref}
      value={field.value}
      onChange={(v) => field.onChange(typeof v === "number" ? v : fallback)}
      onBlur={field.onBlur}
      error={error}
    />
  );
}
