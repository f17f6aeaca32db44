import { Textarea, type TextareaProps } from "@mantine/core";
import type { FieldValues } from "react-hook-form";
import { useBound, type Bound, type Managed } from "./bound";

export function TextareaField<T extends FieldValues>({
  control,
  name,
  ...props
}: Bound<T, string> & Omit<TextareaProps, Managed>) {
  const { ref, field, error } = useBound({ control, name });
  return <Textarea ref={ref} {...field} {...props} error={error} />;
}
