import { TextInput, type TextInputProps } from "@mantine/core";
import type { FieldValues } from "react-hook-form";
import { useBound, type Bound, type Managed } from "./bound";

export function TextField<T extends FieldValues>({
  control,
  name,
  ...props
}: Bound<T, string> & Omit<TextInputProps, Managed>) {
  const { ref, field, error } = useBound({ control, name });
  return <TextInput autoComplete="off" ref={ref} {...field} {...props} error={error} />;
}
