import type { LightMyRequestResponse } from "fastify";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { expect } from "vitest";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { newId } from "../lib/ids.js";

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => ["MenuItem", "DirectoryEntry", "InputItem", "SoftKeyItem"].includes(name),
});

const len = (s: unknown) => Array.from(String(s ?? "")).length;

/**
 * Parses a phone page and checks it against what Cisco phones accept: content type, prolog, well-formed XML,
 * and every limit of CiscoIPPhone.xsd (titles, names, counts, soft-key positions, URL length).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed XML is dynamic by nature
export function parseCiscoPage(res: LightMyRequestResponse, maxSoftKeys = 8): { type: string; body: any } {
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers["content-type"]).toBe("text/xml; charset=utf-8");
  expect(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  expect(XMLValidator.validate(res.body)).toBe(true);
  const doc = parser.parse(res.body) as Record<string, unknown>;
  const type = Object.keys(doc).find((k) => k.startsWith("CiscoIPPhone"))!;
  expect(type).toBeDefined();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const body = doc[type] as any;
  expect(len(body.Title)).toBeLessThanOrEqual(32);
  expect(len(body.Prompt)).toBeLessThanOrEqual(32);
  const softKeys = body.SoftKeyItem ?? [];
  expect(softKeys.length).toBeLessThanOrEqual(maxSoftKeys);
  const positions = softKeys.map((k: { Position: string }) => Number(k.Position));
  expect(new Set(positions).size).toBe(positions.length);
  for (const k of softKeys) {
    expect(Number(k.Position)).toBeGreaterThanOrEqual(1);
    expect(Number(k.Position)).toBeLessThanOrEqual(maxSoftKeys);
    expect(len(k.Name)).toBeLessThanOrEqual(32);
    expect(len(k.URL)).toBeLessThanOrEqual(256);
  }
  for (const item of body.MenuItem ?? []) {
    expect(len(item.Name)).toBeLessThanOrEqual(64);
    expect(len(item.URL)).toBeLessThanOrEqual(256);
  }
  expect((body.MenuItem ?? []).length).toBeLessThanOrEqual(100);
  expect((body.DirectoryEntry ?? []).length).toBeLessThanOrEqual(32);
  for (const e of body.DirectoryEntry ?? []) {
    expect(len(e.Name)).toBeLessThanOrEqual(32);
    expect(len(e.Telephone)).toBeLessThanOrEqual(32);
  }
  expect((body.InputItem ?? []).length).toBeLessThanOrEqual(5);
  for (const i of body.InputItem ?? []) {
    expect(len(i.DisplayName)).toBeLessThanOrEqual(32);
    expect(len(i.QueryStringParam)).toBeLessThanOrEqual(32);
    expect(i.InputFlags).toMatch(/^[ATNEUL]P?$/);
  }
  if (body.URL !== undefined) expect(len(body.URL)).toBeLessThanOrEqual(256);
  // Every & in the raw text is an entity: a bare & would make the phone reject the page.
  expect(res.body).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
  return { type, body };
}

/** Path and query of an absolute URL from a page (the phone would GET it). */
export function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/** A phone row as the phones module will write it (0002's table). */
export async function insertPhone(
  db: Kysely<Database>,
  over: { mac: string; model?: string; currentProfileId?: string | null },
): Promise<string> {
  const id = newId();
  const now = new Date().toISOString();
  await db
    .insertInto("phones")
    .values({
      id,
      mac: over.mac,
      brand: "cisco",
      model: over.model ?? "CP-8845",
      software_type: "SIP",
      ip: null,
      location: null,
      label: null,
      user_id: null,
      current_profile_id: over.currentProfileId ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}
