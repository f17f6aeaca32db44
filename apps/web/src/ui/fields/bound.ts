import { useController, type Control, type FieldPathByValue, type FieldValues } from "react-hook-form";
import { sentence } from "../../lib/format";

/**
 * The console's form inputs: Mantine inputs bound to a react-hook-form field by `control` and `name`.
 * Value, change, blur, focus on error and the field's message (as a sentence) come from the form. Empty
 * is "" in form values; the form's request mapping turns it into null or leaves it out. One input per
 * file, so a page's chunk carries only the Mantine inputs it uses.
 */
export interface Bound<T extends FieldValues, V> {
  // The form's output type (after the resolver) does not matter to an input.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  control: Control<T, any, any>;
  name: FieldPathByValue<T, V>;
}

/** Props the binding provides, which callers cannot pass. */
export type Managed = "value" | "defaultValue" | "onChange" | "onBlur" | "error" | "name";

export function useBound<T extends FieldValues, V>({ control, name }: Bound<T, V>) {
  // The ref apart: the hooks linter takes every property of an object holding a ref for a ref.
  const {
    field: { ref, ...field },
    fieldState,
  } = useController({ control, name });
  return { ref, field, error: sentence(fieldState.error?.message) };
}
