// Lists at 100,000 rows: phones, extensions and directory contacts bulk-inserted straight into the database
// (one row made through the API per table, cloned, so every column any module adds is filled as the API
// would), then p50/p95 over HTTP of: first page, page 1,000 by offset and by cursor, prefix search, sort by
// each column both ways, and the dashboard. Target: p95 < 20 ms for every case.
import { performance } from "node:perf_hooks";
import { sql, type Kysely } from "kysely";
import type { Database } from "../src/db/schema.js";

import { percentile, startBenchApp } from "./bench-app.js";

const ROWS = Number(process.env.BENCH_LIST_ROWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const BATCH = 500;

const hex = (i: number, width: number) => i.toString(16).toUpperCase().padStart(width, "0");
const surnames = ["Smith", "Müller", "Garcia", "Rossi", "Dubois", "Nguyen", "Kowalski", "Jensen", "Silva", "Novak"];
const firstNames = ["Anna", "Ben", "Chloé", "David", "Eva", "Felix", "Greta", "Hugo", "Iris", "Jonas"];

async function insertClones<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  template: Record<string, unknown>,
  make: (i: number) => Record<string, unknown>,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i += BATCH) {
    const rows = [];
    for (let j = i; j < Math.min(count, i + BATCH); j++) rows.push({ ...template, ...make(j) });
    // Cloned rows of any table: their type is the table's by construction.
    await db
      .insertInto(table)
      .values(rows as never)
      .execute();
  }
}

export async function run(): Promise<void> {
  const { db, app, authorization, close } = await startBenchApp({ shared: true });
  try {
    const headers = { authorization };
    const post = async (url: string, payload: object) => {
      const res = await app.inject({ method: "POST", url: `/api/v1${url}`, headers, payload });
      if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    };
    await post("/phones", { mac: "FC0000000000", model: "8845", label: "template" });
    for (const [n, technology] of ["PJSIP", "SIP", "SCCP"].entries())
      await post("/extensions", { number: `9999999${n}`, technology, displayName: "template" });
    await post("/directory", { firstName: "Template", lastName: "Template", workNumber: "+41 44 999 99 99" });

    const k = db.kysely;
    const phone = await k.selectFrom("phones").selectAll().executeTakeFirstOrThrow();
    const extByTech = new Map(
      (await k.selectFrom("extensions").selectAll().execute()).map((r) => [r.technology, r as Record<string, unknown>]),
    );
    const contact = await k.selectFrom("contacts").selectAll().executeTakeFirstOrThrow();
    const number = await k.selectFrom("contact_numbers").selectAll().executeTakeFirstOrThrow();
    const uuid = (kind: number, i: number) =>
      `${hex(kind, 8).toLowerCase()}-0000-4000-8000-${hex(i, 12).toLowerCase()}`;
    const stamp = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
    const models = ["7965", "8845", "7942", "8861", "7841"];
    const techs = ["PJSIP", "SIP", "SCCP"];

    let t0 = performance.now();
    await insertClones(
      k,
      "phones",
      phone,
      (i) => ({
        id: uuid(1, i),
        mac: `0004F2${hex((i * 7919) % 0x1000000, 6)}`,
        model: models[i % models.length],
        ip: i % 10 === 0 ? null : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        label: i % 7 === 0 ? null : `Desk ${i}`,
        location: `Floor ${i % 40}`,
        created_at: stamp(i),
        updated_at: stamp(i),
      }),
      ROWS,
    );
    await insertClones(
      k,
      "extensions",
      {},
      (i) => ({
        ...extByTech.get(techs[i % 3]!),
        id: uuid(2, i),
        number: String(1_000_000 + ((i * 7919) % ROWS)),
        technology: techs[i % 3],
        display_name: `${firstNames[i % 10]} ${surnames[(i >> 3) % 10]} ${i}`,
        created_at: stamp(i),
        updated_at: stamp(i),
      }),
      ROWS,
    );
    const contactRow = (i: number) => {
      const first = `${firstNames[i % 10]}${i % 97}`;
      const last = `${surnames[(i >> 2) % 10]}${i % 1013}`;
      return { first, last };
    };
    await insertClones(
      k,
      "contacts",
      contact,
      (i) => {
        const { first, last } = contactRow(i);
        return {
          id: uuid(3, i),
          first_name: first,
          last_name: last,
          first_name_key: first.toLowerCase(),
          last_name_key: last.toLowerCase(),
          department: i % 5 === 0 ? null : `Dept ${i % 50}`,
          department_key: i % 5 === 0 ? null : `dept ${i % 50}`,
          location: i % 3 === 0 ? null : `Site ${i % 20}`,
          created_at: stamp(i),
          updated_at: stamp(i),
        };
      },
      ROWS,
    );
    await insertClones(
      k,
      "contact_numbers",
      number,
      (i) => {
        const { first, last } = contactRow(i);
        const national = `44${String(1_000_000 + i)}`;
        return {
          contact_id: uuid(3, i),
          display: `+41 ${national}`,
          dial: `+41${national}`,
          digits: `41${national}`,
          national: `0${national}`,
          first_name_key: first.toLowerCase(),
          last_name_key: last.toLowerCase(),
        };
      },
      ROWS,
    );
    // The state autovacuum reaches after a bulk load on PostgreSQL (visibility map for index-only counts).
    if (db.dialect === "postgres") await sql`vacuum analyze`.execute(k);
    if (db.dialect === "sqlite") await sql`analyze`.execute(k);
    console.log(
      `bulk insert ${ROWS} phones, ${ROWS} extensions, ${ROWS} contacts (+ numbers): ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const get = async (url: string) => {
      const res = await app.inject({ method: "GET", url: `/api/v1${url}`, headers });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return res.json() as { nextCursor: string | null; total: number; data: unknown[] };
    };
    const results: Array<{ label: string; p50: number; p95: number }> = [];
    const measure = async (label: string, url: string) => {
      await get(url); // warm
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        t0 = performance.now();
        await get(url);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const r = { label, p50: percentile(times, 50), p95: percentile(times, 95) };
      results.push(r);
      console.log(
        `${label.padEnd(44)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms${r.p95 >= 20 ? "  (over 20 ms)" : ""}`,
      );
    };

    const lists: Array<[path: string, sorts: string[], search: string]> = [
      ["/phones", ["mac", "model", "softwareType", "ip", "label", "createdAt"], "0004F200"],
      ["/extensions", ["number", "displayName", "technology", "createdAt", "updatedAt"], "100042"],
      ["/directory", ["lastName", "firstName", "department", "location", "createdAt", "updatedAt"], "Smi"],
    ];
    for (const [path, sorts, search] of lists) {
      await measure(`${path} first page`, `${path}?pageSize=50`);
      await measure(`${path} page 1000 by offset`, `${path}?pageSize=50&page=1000`);
      const before = await get(`${path}?pageSize=50&page=999`);
      if (!before.nextCursor) throw new Error(`${path}: no cursor after page 999`);
      await measure(`${path} page 1000 by cursor`, `${path}?pageSize=50&cursor=${before.nextCursor}`);
      await measure(`${path} search q=${search} (prefix)`, `${path}?pageSize=50&q=${encodeURIComponent(search)}`);
      for (const sort of sorts.flatMap((s) => [s, `-${s}`]))
        await measure(`${path} sort ${sort}`, `${path}?pageSize=50&sort=${sort}`);
    }
    await measure("/dashboard", "/dashboard");
    const worst = results.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    const over = results.filter((r) => r.p95 >= 20).length;
    console.log(`worst p95: ${worst.label} ${worst.p95.toFixed(1)} ms; cases over 20 ms: ${over} of ${results.length}`);
  } finally {
    // BENCH_KEEP=1 leaves the database in place for EXPLAIN (its URL is printed).
    if (process.env.BENCH_KEEP) console.log(`database kept: ${db.url}`);
    await close(Boolean(process.env.BENCH_KEEP));
  }
}
