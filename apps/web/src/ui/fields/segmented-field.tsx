import { SegmentedControl, Stack, Text, type SegmentedControlProps } from "@mantine/core";
import { useId } from "react";
import type { FieldValues } from "react-hook-form";
import { useBound, type Bound } from "./bound";

/** A segmented choice with a visible label (SegmentedControl has none of its own). */
export function SegmentedField<T extends FieldValues>({
  control,
  name,
  label,
  ...props
}: Bound<T, string> & { label: string } & Omit<SegmentedControlProps, "value" | "onChange" | "name">) {
  const { field } = useBound({ control, name });
  const labelId = useId();
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id={labelId}>
        {label}
      </Text>
      <SegmentedControl {...props} aria-labelledby={labelId} value={field.value} onChange={field.onChange} />
    </Stack>
  );
}
