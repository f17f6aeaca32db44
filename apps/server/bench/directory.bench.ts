// Directory search as phones do it: 100,000 contacts, 1,000 searches through /cisco/directory/results
// (500 by last-name prefix, 500 by number prefix), p50/p95/p99 per kind. Runs on the DATABASE_URL engine
// (SQLite by default, in a temporary file like production) and also on PostgreSQL when PG_URL is set.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { dialNumber } from "@cisisk/contract";
import { sql, type Insertable } from "kysely";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { connectDatabase, dialectOf, type Db } from "../src/db/connect.js";
import { migrateToLatest } from "../src/db/migrate.js";
import type { ContactNumbersTable, ContactsTable } from "../src/db/schema.js";
import { createDeps } from "../src/deps.js";
import { createLogger } from "../src/logger.js";
import { newId } from "../src/lib/ids.js";
import { keypadForms } from "../src/lib/keypad-number.js";
import { createTestDatabase } from "../src/test/test-database.js";

const CONTACTS = 100_000;
const SEARCHES = 1_000;
const MAC = "BE0000000001";

// Seeded, so every run searches the same data.
let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const SYLLABLES = [
  "ba",
  "ker",
  "mo",
  "ri",
  "sch",
  "mid",
  "tan",
  "le",
  "vi",
  "no",
  "gar",
  "son",
  "hu",
  "ber",
  "wa",
  "ll",
  "de",
  "ro",
  "ka",
  "zu",
];
const FIRST = [
  "Anna",
  "Ben",
  "Chloé",
  "David",
  "Eva",
  "Felix",
  "Greta",
  "Hugo",
  "Ines",
  "Jonas",
  "Katja",
  "Luca",
  "Mia",
  "Noah",
  "Olga",
  "Paul",
];
const lastName = () => {
  const n = 2 + Math.floor(random() * 3);
  const s = Array.from({ length: n }, () => pick(SYLLABLES)).join("");
  return s[0]!.toUpperCase() + s.slice(1);
};

async function openDatabase(url: string): Promise<Db> {
  if (dialectOf(url) === "sqlite") {
    const file = path.join(tmpdir(), `cisisk-bench-${process.pid}.db`);
    rmSync(file, { force: true });
    const db = await connectDatabase(`sqlite:${file}`);
    await migrateToLatest(db.kysely);
    return {
      ...db,
      close: async () => {
        await db.close();
        for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      },
    };
  }
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  try {
    return await createTestDatabase();
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  }
}

async function seedContacts(db: Db): Promise<{ lastNames: string[]; dials: string[] }> {
  const now = new Date().toISOString();
  const lastNames: string[] = [];
  const dials: string[] = [];
  const batch = 500;
  for (let start = 0; start < CONTACTS; start += batch) {
    const contacts: Insertable<ContactsTable>[] = [];
    const numbers: Insertable<ContactNumbersTable>[] = [];
    for (let i = start; i < Math.min(start + batch, CONTACTS); i++) {
      const id = newId();
      const first = pick(FIRST);
      const last = lastName();
      const display = `+41 44 ${String(1_000_000 + i).slice(1, 4)} ${String(1_000_000 + i).slice(4)} ${String(10 + (i % 90))}`;
      contacts.push({
        id,
        owner_user_id: null,
        first_name: first,
        last_name: last,
        first_name_key: first.toLowerCase(),
        last_name_key: last.toLowerCase(),
        email: null,
        department: null,
        department_key: null,
        location: null,
        building: null,
        ringtone: null,
        created_at: now,
        updated_at: now,
      });
      const keys = { owner_user_id: null, first_name_key: first.toLowerCase(), last_name_key: last.toLowerCase() };
      numbers.push({
        contact_id: id,
        kind: "work",
        rank: 1,
        display,
        dial: dialNumber(display),
        ...keypadForms(dialNumber(display)),
        ...keys,
      });
      if (i % 3 === 0)
        numbers.push({
          contact_id: id,
          kind: "mobile",
          rank: 2,
          display: `079 ${String(1_000_000 + i).slice(1)}`,
          dial: `079${String(1_000_000 + i).slice(1)}`,
          ...keypadForms(`079${String(1_000_000 + i).slice(1)}`),
          ...keys,
        });
      lastNames.push(last);
      dials.push(dialNumber(display));
    }
    await db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto("contacts").values(contacts).execute();
      await trx.insertInto("contact_numbers").values(numbers).execute();
    });
  }
  await db.kysely
    .insertInto("phones")
    .values({
      id: newId(),
      mac: MAC,
      brand: "cisco",
      model: "CP-8845",
      software_type: "SIP",
      ip: null,
      location: null,
      label: null,
      user_id: null,
      current_profile_id: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { lastNames, dials };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function benchOn(url: string): Promise<void> {
  const engine = dialectOf(url);
  const db = await openDatabase(url);
  try {
    const t0 = performance.now();
    const { lastNames, dials } = await seedContacts(db);
    if (engine === "postgres") {
      // What autovacuum does to a freshly loaded table soon after a bulk import: statistics and a visibility
      // map (index-only counts). Measuring before it would time the import's aftermath, not the search.
      await sql`vacuum analyze contacts, contact_numbers`.execute(db.kysely);
    }
    console.log(
      `${engine}: seeded ${CONTACTS.toLocaleString("en")} contacts in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const config = loadConfig(
      {
        JWT_SECRET: "bench-secret-bench-secret-bench-secret-0123",
        CISISK_SECRET_KEY: "bench-key-bench-key-bench-key-bench-0123",
      },
      { allowMissingConfigFile: true },
    );
    const app = await buildApp(createDeps(config, db, { log: createLogger("warn") }));
    try {
      const queries: Array<{ kind: "last name" | "number"; url: string }> = [];
      for (let i = 0; i < SEARCHES / 2; i++) {
        const name = pick(lastNames).toLowerCase();
        queries.push({
          kind: "last name",
          url: `/cisco/directory/results?mac=${MAC}&l=${encodeURIComponent(name.slice(0, 3 + (i % 3)))}`,
        });
        // As a keypad types them (no "+"): international digits, with "00", or the national part.
        const digits = pick(dials).slice(1, 9 + (i % 4));
        const typed = i % 3 === 0 ? digits : i % 3 === 1 ? `00${digits}` : digits.slice(2);
        queries.push({ kind: "number", url: `/cisco/directory/results?mac=${MAC}&n=${typed}` });
      }
      for (const q of queries.slice(0, 50)) await app.inject({ method: "GET", url: q.url }); // warm-up
      const times: Record<string, number[]> = { "last name": [], number: [] };
      let entries = 0;
      for (const q of queries) {
        const start = performance.now();
        const res = await app.inject({ method: "GET", url: q.url });
        times[q.kind]!.push(performance.now() - start);
        if (res.statusCode !== 200) throw new Error(`${q.url}: ${res.statusCode}`);
        entries += (res.body.match(/<DirectoryEntry>/g) ?? []).length;
      }
      const all = [...times["last name"]!, ...times.number!];
      for (const [kind, list] of [...Object.entries(times), ["all", all] as const]) {
        const sorted = [...list].sort((a, b) => a - b);
        console.log(
          `${engine}  ${String(kind).padEnd(9)}  n=${sorted.length}  p50 ${fmt(percentile(sorted, 50))}  p95 ${fmt(percentile(sorted, 95))}  p99 ${fmt(percentile(sorted, 99))}`,
        );
      }
      const p95 = percentile(
        [...all].sort((a, b) => a - b),
        95,
      );
      console.log(
        `${engine}: ${entries} directory entries returned; target p95 < 15 ms: ${p95 < 15 ? "met" : "NOT met"}`,
      );
    } finally {
      await app.close();
    }
  } finally {
    await db.close();
  }
}

export async function run(): Promise<void> {
  const urls = [process.env.DATABASE_URL ?? "sqlite:bench"];
  const pg = process.env.PG_URL;
  if (pg && !urls.some((u) => dialectOf(u) === "postgres")) urls.push(pg);
  if (!urls.some((u) => dialectOf(u) === "postgres"))
    console.log("(set PG_URL=postgres://… to also run on PostgreSQL)");
  for (const url of urls) await benchOn(url);
}
