import { zodResolver } from "@hookform/resolvers/zod";
import type { FieldValues, Resolver } from "react-hook-form";
import type { z } from "zod";

/**
 * Validates a form with the contract's request schema. Forms hold what inputs hold (strings, "" for
 * empty); `toRequest` turns that into the request body the server gets, with the same field names,
 * so the schema's messages land on the right inputs and the submit handler receives the parsed body.
 */
export function requestResolver<TForm extends FieldValues, TSchema extends z.ZodType>(
  schema: TSchema,
  toRequest: (values: TForm) => z.input<TSchema>,
): Resolver<TForm, unknown, z.output<TSchema>> {
  const validate = zodResolver(schema as z.ZodType<z.output<TSchema>, FieldValues>) as unknown as Resolver<
    FieldValues,
    unknown,
    z.output<TSchema>
  >;
  return (values, context, options) =>
    validate(toRequest(values) as FieldValues, context, options as never) as unknown as ReturnType<
      Resolver<TForm, unknown, z.output<TSchema>>
    >;
}
