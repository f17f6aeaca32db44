import { PasswordInput, type PasswordInputProps } from "@mantine/core";
import type { FieldValues } from "react-hook-form";
import { useBound, type Bound, type Managed } from "./bound";

export function PasswordField<T extends FieldValues>({
  control,
  name,
  ...props
}: Bound<T, string> & Omit<PasswordInputProps, Managed>) {
  const { ref, field, error } = useBound({ control, name });
  return <PasswordInput ref={ref} {...field} {...props} error={error} />;
}
