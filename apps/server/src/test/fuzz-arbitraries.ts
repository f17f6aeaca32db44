import fc from "fast-check";

/** The parts of JSON Schema (as @fastify/swagger emits them from zod) the fuzzer understands. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
}

// Plain text leaves control characters to nastyString.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F]/;

/** Strings that break naive code: control characters, markup, formulas, long and non-Latin-1 text. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0007b",
    "\u001B[31m",
    '=HYPERLINK("x")',
    "+351 21 000 005",
    '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
    "</Name><x>",
    "'; drop table users; --",
    "%00",
    "../../etc/passwd",
    "\uD800",
    "日本語のテキスト",
    "🙂".repeat(40),
    "x".repeat(300),
    "9".repeat(40),
    "00000000-0000-4000-8000-000000000000",
  ),
  fc.string({ minLength: 200, maxLength: 5000 }),
);

/** Any JSON value, including the wrong types for a field. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: "small" },
  nastyString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(nastyString, fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(nastyString, fc.integer()), { maxKeys: 4 }),
);

/** Strings matching the field's pattern (valid-looking numbers, MACs, names), when fast-check can. */
function matching(pattern: string, max: number): fc.Arbitrary<string> | undefined {
  try {
    return fc.stringMatching(new RegExp(pattern)).filter((v) => v.length <= max);
  } catch {
    return undefined;
  }
}

const formatted: Record<string, fc.Arbitrary<string>> = {
  uuid: fc.uuid({ version: 4 }),
  email: fc.oneof(fc.emailAddress(), fc.constant(`${"a".repeat(250)}@example.com`)),
  "date-time": fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  uri: fc.webUrl(),
};

/**
 * Values for a schema: mostly valid-looking (right type, enum values, lengths near the limits) and
 * sometimes junk, so both the happy path and the validation path are exercised.
 */
export function arbitraryFor(
  schema: JsonSchema,
  resolve: (ref: string) => JsonSchema,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (schema.$ref) return arbitraryFor(resolve(schema.$ref), resolve, depth + 1);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches?.length) return fc.oneof(...branches.map((b) => arbitraryFor(b, resolve, depth + 1)));
  if (schema.allOf?.length) return arbitraryFor(schema.allOf[0]!, resolve, depth + 1);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "string": {
      if (schema.format && formatted[schema.format]) return formatted[schema.format]!;
      const min = schema.minLength ?? 0;
      const max = schema.maxLength ?? 64;
      const plain = fc.string({ minLength: min, maxLength: Math.min(max, 64) }).filter((v) => !CONTROL.test(v));
      return fc.oneof(
        { weight: 8, arbitrary: schema.pattern ? (matching(schema.pattern, max) ?? plain) : plain },
        // At the limit and just past it: where column sizes and cuts go wrong.
        { weight: 1, arbitrary: fc.constantFrom("a".repeat(max), "a".repeat(max + 1), "7".repeat(Math.min(max, 32))) },
        { weight: 1, arbitrary: nastyString },
      );
    }
    case "integer":
    case "number": {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 100_000);
      return fc.oneof(
        fc.integer({ min: Math.ceil(min), max: Math.floor(Math.max(min, max)) }),
        fc.constantFrom(min - 1, max + 1, 2 ** 53, -(2 ** 31), 0.5),
      );
    }
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(schema.items ? arbitraryFor(schema.items, resolve, depth + 1) : junk, {
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case "object":
      return objectFor(schema, resolve, depth);
    default:
      return junk;
  }
}

function objectFor(schema: JsonSchema, resolve: (ref: string) => JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const props = Object.entries(schema.properties ?? {});
  if (props.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 3 });
  const required = new Set(schema.required ?? []);
  const fields = Object.fromEntries(
    props.map(([name, s]) => [
      name,
      // Mostly a value for the field's schema; now and then one of the wrong type.
      fc.oneof({ weight: 20, arbitrary: arbitraryFor(s, resolve, depth + 1) }, { weight: 1, arbitrary: junk }),
    ]),
  );
  const requiredKeys = props.map(([n]) => n).filter((n) => required.has(n));
  // Usually every required field; sometimes any subset, to reach "missing field" paths.
  return fc.oneof(
    { weight: 4, arbitrary: fc.record(fields, { requiredKeys }) },
    { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
  );
}
