import {
  createContactSchema,
  createExtensionSchema,
  createPhoneSchema,
  createProfileSchema,
  createServiceSchema,
  createUserSchema,
  updateContactSchema,
  updateExtensionSchema,
  updatePhoneSchema,
  updateProfileSchema,
  updateServiceSchema,
  updateUserSchema,
} from "@cisisk/contract";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase } from "../test/test-database.js";
import type { Db } from "./connect.js";

// Every string the API accepts must fit the column it is stored in, on every engine: PostgreSQL and
// MySQL strict mode refuse a value longer than varchar(n) (a 500), SQLite silently stores it. So the
// contract's maximum for each field must equal its column's size, read from the real migrated database.

type JsonSchema = {
  type?: string | string[];
  maxLength?: number;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

/**
 * Top-level string fields of a request schema (all branches of a union) and the longest value each
 * accepts: its maxLength, the longest of its enum values, 36 for a UUID; undefined when unbounded.
 * `fixed` says the length is inherent (enum, UUID), so it needs only to fit, not to equal the column.
 */
function stringFields(schema: z.ZodType): Map<string, { max: number | undefined; fixed: boolean }> {
  const fields = new Map<string, { max: number | undefined; fixed: boolean }>();
  const longest = (p: JsonSchema) =>
    p.const !== undefined
      ? String(p.const).length
      : p.enum
        ? Math.max(...p.enum.map((v) => String(v).length))
        : p.format === "uuid"
          ? 36
          : (p.maxLength ?? Infinity);
  const visit = (s: JsonSchema) => {
    for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) visit(branch);
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      const flat = (p: JsonSchema): JsonSchema[] => [p, ...[...(p.anyOf ?? []), ...(p.oneOf ?? [])].flatMap(flat)];
      const strings = flat(prop).filter(
        (p) =>
          p.type === "string" ||
          (Array.isArray(p.type) && p.type.includes("string")) ||
          p.enum ||
          p.const !== undefined,
      );
      if (strings.length === 0) continue;
      const max = Math.max(...strings.map(longest), fields.get(name)?.max ?? 0);
      const fixed = strings.every((p) => p.enum || p.const !== undefined || p.format === "uuid");
      fields.set(name, { max: Number.isFinite(max) ? max : undefined, fixed });
    }
  };
  const doc = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema & {
    $ref?: string;
    $defs?: Record<string, JsonSchema>;
  };
  // A schema with an id comes back as a reference into $defs.
  visit(doc.$ref ? doc.$defs![doc.$ref.replace("#/$defs/", "")]! : doc);
  return fields;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Declared size of every varchar column of a table (null: unbounded text). */
async function columnSizes(db: Db, table: string): Promise<Map<string, number | null>> {
  if (db.dialect === "sqlite") {
    const { rows } = await sql<{
      name: string;
      type: string;
    }>`select name, type from pragma_table_info(${table})`.execute(db.kysely);
    return new Map(rows.map((r) => [r.name, Number(/\((\d+)\)/.exec(r.type)?.[1]) || null]));
  }
  const { rows } = await sql<{ name: string; type: string; size: number | string | null }>`
    select column_name as name, data_type as type, character_maximum_length as size
    from information_schema.columns
    where table_name = ${table} and table_schema = ${db.dialect === "postgres" ? sql`current_schema()` : sql`database()`}`.execute(
    db.kysely,
  );
  // Only varchar/char have a size to respect (MySQL reports text as 65535 bytes: large enough here).
  const sized = (r: (typeof rows)[number]) => /char/i.test(r.type) && r.size !== null;
  return new Map(rows.map((r) => [r.name, sized(r) ? Number(r.size) : null]));
}

// Request fields stored under another name, or not stored as given (hashed, sealed).
// A MAC is accepted in any spelling (80:5e:c0:12:34:56) and stored as its 12 hex digits.
const STORED_AS: Record<string, string | null> = {
  password: null,
  secret: null,
  pin: null,
  mac: null,
  cnfXml: "cnf_xml",
};

// Narrower than the column on purpose, and why.
const NARROWER: Record<string, string> = {
  context: "Asterisk keeps context names in 80-byte buffers (AST_MAX_CONTEXT): 79 characters",
};

const resources = [
  { table: "users", schemas: { createUserSchema, updateUserSchema } },
  { table: "extensions", schemas: { createExtensionSchema, updateExtensionSchema } },
  { table: "phones", schemas: { createPhoneSchema, updatePhoneSchema } },
  { table: "profiles", schemas: { createProfileSchema, updateProfileSchema } },
  { table: "contacts", schemas: { createContactSchema, updateContactSchema } },
  { table: "phone_services", schemas: { createServiceSchema, updateServiceSchema } },
];

let db: Db;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.close());

describe(`request field maximums equal their column sizes (${process.env.DATABASE_URL?.split(":")[0] ?? "sqlite"})`, () => {
  for (const { table, schemas } of resources) {
    for (const [name, schema] of Object.entries(schemas)) {
      it(`${name} → ${table}`, async () => {
        const columns = await columnSizes(db, table);
        expect(columns.size, `table ${table} exists`).toBeGreaterThan(0);
        const mismatches: string[] = [];
        let compared = 0;
        for (const [field, { max, fixed }] of stringFields(schema as z.ZodType)) {
          const column = field in STORED_AS ? STORED_AS[field] : snake(field);
          if (!column || !columns.has(column)) continue;
          const size = columns.get(column)!;
          compared++;
          if (size === null) {
            if (max === undefined) mismatches.push(`${field}: no maximum in the contract (column is text)`);
            continue;
          }
          if (fixed || field in NARROWER ? max! > size : max !== size)
            mismatches.push(`${field}: contract max ${max ?? "none"}, column ${column} varchar(${size})`);
        }
        expect(mismatches).toEqual([]);
        expect(compared).toBeGreaterThan(0);
      });
    }
  }
});
