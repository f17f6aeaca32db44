import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, buildTestApp, expectError, type TestApp } from "../test/build-test-app.js";
import { createListWalker, type ListRow, type ListWalker } from "../test/list-walker.js";

// Keyset paging of the admin lists (sign-in log, API keys, token table, uploaded files, endpoint-manager
// devices) through HTTP on whichever engine DATABASE_URL names: walked by cursor they give each row once, in
// the order of one big page; rows added between pages never double or hide a row; bad cursors and cursors of
// another sort answer 400. The device list still answers every device, `{data, total}`, when not paged.

let t: TestApp;
let h: Record<string, string>;
let api: ListWalker;
let em: ListWalker;
let work: string;

const suffixes = ["Same", "same", "SAME", "Other", "other", "Zeta", "alpha", "Alpha"];
const brands = [
  ["yealink", "T46S"],
  ["fanvil", "X4U"],
  ["cisco", "8845"],
] as const;
let inserted = 0;

const send = (method: "POST" | "PUT", url: string, payload: object | string, headers: Record<string, string> = h) =>
  t.app.inject({ method, url, headers, payload, remoteAddress: "127.0.0.1" });

async function created(method: "POST" | "PUT", url: string, payload: object, headers = h) {
  const res = await send(method, url, payload, headers);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as ListRow;
}

/** A failed console login from an address of its own (so no throttle trips): one row of the sign-in log. */
async function failedLogin(username: string) {
  const n = inserted++;
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { username, password: "not-the-password" },
    remoteAddress: `198.18.${n >> 8}.${n & 255}`,
  });
  expect(res.statusCode, res.body).toBe(401);
}

const login = async () => expect((await send("POST", "/api/v1/auth/login", ADMIN)).statusCode).toBe(200);
const addKey = (name: string) => created("POST", "/api/v1/api-keys", { name });
async function upload(name: string, size: number) {
  const res = await send("PUT", `/api/v1/files/${name}`, randomBytes(size), {
    ...h,
    "content-type": "application/octet-stream",
  });
  expect(res.statusCode, res.body).toBe(201);
}
const addDevice = (i: number, label: string | null, macPrefix = "805EC0AA") =>
  created("POST", "/console/endpoint-manager/devices", {
    mac: `${macPrefix}${(0x100 + i).toString(16).toUpperCase().padStart(4, "0")}`,
    brand: brands[i % 3]![0],
    model: brands[i % 3]![1],
    label,
  });

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "cisisk-keyset-"));
  // A clock a millisecond further at each reading: the walks never last the minute after which using a session
  // moves it in the lastUsedAt order (auth touchSession), which would make a row seen twice.
  let tick = Date.now();
  t = await buildTestApp({
    env: { CISISK_DATA_DIR: work },
    toml: { provisioning: { store: "self" } },
    clock: () => new Date(tick++),
  });
  h = await t.adminHeaders();
  api = createListWalker(t.app, h);
  em = createListWalker(t.app, h, "");

  const results = ["ok", "bad_credentials", null, "rate_limited"];
  const yesterday = Date.now() - 86_400_000;
  await t.db.kysely
    .insertInto("login_attempts")
    .values(
      Array.from({ length: 14 }, (_, i) => ({
        id: randomUUID(),
        username_key: `kp-${suffixes[i % suffixes.length]}`.toLowerCase(),
        username: `kp-${suffixes[i % suffixes.length]}`,
        ip: `192.0.2.${i % 4}`,
        user_agent: null,
        method: "password",
        result: results[i % results.length] ?? null,
        succeeded: i % 4 === 0 ? 1 : 0,
        // Recent (older attempts are pruned), with equal times.
        at: new Date(yesterday + (i % 3) * 60_000 + (i % 2) * 1000).toISOString(),
      })),
    )
    .execute();

  for (let i = 0; i < 11; i++) {
    const key = await created("POST", "/api/v1/api-keys", {
      name: `kp ${suffixes[i % suffixes.length]}`,
      ...(i % 3 !== 0 && { expiresAt: `2030-0${1 + (i % 2)}-01T00:00:00.000Z` }),
    });
    // Some keys are used, so lastUsedAt holds times and NULLs.
    if (i % 4 === 0) {
      const used = await t.app.inject({ url: "/api/v1/users?pageSize=1", headers: { "x-api-key": String(key.key) } });
      expect(used.statusCode, used.body).toBe(200);
    }
  }

  for (let i = 0; i < 8; i++) await login();
  // Passkeys need a browser's WebAuthn ceremony; rows of the table are enough for the list.
  const admin = (await send("POST", "/api/v1/auth/login", ADMIN)).json().user as { id: string };
  await t.db.kysely
    .insertInto("passkeys")
    .values(
      Array.from({ length: 4 }, (_, i) => ({
        id: randomUUID(),
        user_id: admin.id,
        credential_id: `kp-credential-${i}`,
        public_key: "kp",
        counter: 0,
        transports: null,
        name: `kp key ${suffixes[i]}`,
        created_at: `2026-01-0${1 + (i % 2)}T00:00:00.000Z`,
        last_used_at: i % 2 === 0 ? null : "2026-01-03T00:00:00.000Z",
        ip: null,
        user_agent: null,
      })),
    )
    .execute();

  for (let i = 0; i < 12; i++) await upload(`kp-file-${i}.raw`, 100 + (i % 4) * 10);
  for (let i = 0; i < 12; i++) await addDevice(i, i % 5 === 0 ? null : suffixes[i % suffixes.length]!);
});
afterAll(async () => {
  await t?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** [walker, path, sorts ("" = the default), at least this many rows] */
const lists: [() => ListWalker, string, string[], number][] = [
  [() => api, "/auth/sign-ins", ["", "at", "username", "ip", "result"], 14],
  [() => api, "/api-keys", ["", "name", "createdAt", "expiresAt", "lastUsedAt"], 11],
  [() => api, "/auth/tokens", ["", "createdAt", "lastUsedAt"], 12],
  [() => api, "/files", ["", "name", "size", "uploadedAt"], 12],
  [() => em, "/console/endpoint-manager/devices", ["", "mac", "brand", "model", "label", "createdAt"], 12],
];

/** Sorts whose values compare the same in JavaScript as in every engine: times (ISO text) and numbers. */
const exact: Record<string, string> = {
  at: "at",
  createdAt: "createdAt",
  expiresAt: "expiresAt",
  lastUsedAt: "lastUsedAt",
  uploadedAt: "uploadedAt",
  size: "size",
};

/** The values run one way, NULLs together at one end (where depends on the engine). */
function expectOrdered(values: unknown[], descending: boolean) {
  const present = values.filter((v) => v !== null) as Array<string | number>;
  const nulls = values.length - present.length;
  expect(values.slice(0, nulls).every((v) => v === null) || values.slice(present.length).every((v) => v === null)).toBe(
    true,
  );
  const sorted = [...present].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  expect(present).toEqual(descending ? sorted.reverse() : sorted);
}

describe("keyset paging of the admin lists: every page by cursor, every row once, in order", () => {
  for (const [walker, listPath, sorts, minRows] of lists) {
    it(`${listPath}: every sort, both directions`, async () => {
      const w = walker();
      for (const field of sorts) {
        for (const sort of field ? [field, `-${field}`] : [""]) {
          // A device list pages once a page size is asked for (pageSize comes with every request here).
          await w.expectWalksMatchOnePage(listPath, sort ? `sort=${sort}` : "x=1", minRows);
          const column = exact[field];
          if (!column) continue;
          const page = await w.get(`${listPath}?sort=${sort}&pageSize=500`);
          expectOrdered(
            (page.json().data as ListRow[]).map((r) => r[column]),
            sort.startsWith("-"),
          );
        }
      }
    });
  }

  it("the sign-in log is newest first by default, and a search or a filter keeps applying on later pages", async () => {
    const first = (await api.get("/auth/sign-ins?pageSize=500")).json().data as ListRow[];
    expectOrdered(
      first.map((r) => r.at),
      true,
    );
    const same = await api.everyRow("/auth/sign-ins", "q=kp-sA&sort=ip");
    expect(same).toHaveLength(6);
    expect((await api.walk("/auth/sign-ins", "q=kp-sA&sort=ip", 2)).keys).toEqual(same);
    const failed = await api.everyRow("/auth/sign-ins", "result=bad_credentials&sort=-username");
    expect((await api.walk("/auth/sign-ins", "result=bad_credentials&sort=-username", 2)).keys).toEqual(failed);
    const keys = await api.everyRow("/api-keys", "q=KP%20other&sort=-lastUsedAt");
    expect(keys.length).toBeGreaterThan(1);
    expect((await api.walk("/api-keys", "q=KP%20other&sort=-lastUsedAt", 1)).keys).toEqual(keys);
    const yealink = await em.everyRow("/console/endpoint-manager/devices", "brand=yealink&sort=-label");
    expect(yealink).toHaveLength(4);
    expect((await em.walk("/console/endpoint-manager/devices", "brand=yealink&sort=-label", 3)).keys).toEqual(yealink);
  });

  it("rows added between pages never double a row nor hide one that was there", async () => {
    // Names, labels and MACs that sort before, among and after the rows there.
    const spots = ["aaa", "mmm", "zzz"];
    const macPrefix: Record<string, string> = { aaa: "00000000", mmm: "805EC0AA", zzz: "FC000000" };
    const walks: [ListWalker, string, string[], (spot: string) => Promise<unknown>][] = [
      [api, "/auth/sign-ins", ["", "username", "-ip", "result"], (spot) => failedLogin(`kp-${spot}-${inserted}`)],
      [api, "/api-keys", ["name", "-createdAt", "expiresAt"], (spot) => addKey(`kp ${spot} ${inserted++}`)],
      [api, "/auth/tokens", ["", "lastUsedAt"], () => login()],
      [api, "/files", ["name", "-size", "uploadedAt"], (spot) => upload(`${spot}-${inserted++}.raw`, 95 + inserted)],
      [
        em,
        "/console/endpoint-manager/devices",
        ["mac", "-label", "brand"],
        (spot) => addDevice(100 + inserted++, spot, macPrefix[spot]),
      ],
    ];
    for (const [w, listPath, sorts, insert] of walks) {
      let met = 0;
      for (const sort of sorts) {
        const walked = await w.expectWalkSurvivesInserts(listPath, sort ? `sort=${sort}` : "x=1", 2, async (read) => {
          // Rows that land before, inside and after the part already walked (on the first pages).
          if (read <= 3) for (const spot of spots) await insert(spot);
        });
        met += walked.added;
      }
      // Rows added ahead of the cursor are met on the later pages.
      expect(met, listPath).toBeGreaterThan(0);
    }
  });

  it("a bad cursor, or one of another sort, answers 400 validation_failed; the genuine one still works", async () => {
    const cases: [ListWalker, string, string, number, string][] = [
      [api, "/auth/sign-ins", "username", 2, "ip"],
      [api, "/api-keys", "-expiresAt", 1, "expiresAt"],
      [api, "/auth/tokens", "createdAt", 1, "-lastUsedAt"],
      [api, "/files", "name", 0, "size"],
      [em, "/console/endpoint-manager/devices", "label", 1, "model"],
    ];
    for (const [w, listPath, sort, keyCount, otherSort] of cases) {
      await w.expectBadCursorsRefused(listPath, sort, keyCount);
      const first = (await w.get(`${listPath}?sort=${sort}&pageSize=2`)).json();
      expect(typeof first.nextCursor, listPath).toBe("string");
      const cursor = encodeURIComponent(first.nextCursor);
      expectError(await w.get(`${listPath}?sort=${otherSort}&cursor=${cursor}`), 400, "validation_failed");
      const second = await w.get(`${listPath}?sort=${sort}&pageSize=2&cursor=${cursor}`);
      expect(second.statusCode, second.body).toBe(200);
      expect(second.json().page).toBe(2);
    }
    // An unknown sort and a page size out of range are refused with the field named, on every list.
    for (const [w, listPath] of cases) {
      for (const query of ["sort=-nonsense", "pageSize=501", "pageSize=0", "page=0"]) {
        const res = await w.get(`${listPath}?${query}`);
        expectError(res, 400, "validation_failed");
        expect(JSON.stringify(res.json().error.details), `${listPath}?${query}`).toMatch(/sort|pageSize|page/);
      }
    }
    // A cursor of one list is no cursor of another.
    const signIns = (await api.get("/auth/sign-ins?pageSize=1")).json();
    expectError(await api.get(`/api-keys?cursor=${encodeURIComponent(signIns.nextCursor)}`), 400, "validation_failed");
  });

  it("the device list without page, pageSize or cursor answers every device as {data, total}", async () => {
    // More than one internal page (500) of devices.
    const csv = ["mac,brand,model,label"];
    for (let i = 0; i < 520; i++)
      csv.push(`02BB00${i.toString(16).padStart(6, "0")},${brands[i % 3]![0]},${brands[i % 3]![1]},bulk ${i}`);
    const imported = await send("POST", "/api/v1/phones/import", csv.join("\n"), { ...h, "content-type": "text/csv" });
    expect(imported.statusCode, imported.body).toBe(200);

    const everything = await em.get("/console/endpoint-manager/devices");
    expect(everything.statusCode).toBe(200);
    const body = everything.json() as { data: ListRow[]; total: number };
    expect(Object.keys(body).sort()).toEqual(["data", "total"]);
    expect(body.total).toBe(body.data.length);
    expect(body.total).toBeGreaterThan(532);
    const walked = await em.walk("/console/endpoint-manager/devices", "sort=mac", 500);
    expect(walked.pages).toBeGreaterThan(1);
    expect(body.data.map((d) => d.id)).toEqual(walked.keys);

    const fanvil = (await em.get("/console/endpoint-manager/devices?brand=fanvil&sort=-mac")).json();
    expect(Object.keys(fanvil).sort()).toEqual(["data", "total"]);
    expect(fanvil.data.every((d: ListRow) => d.brand === "fanvil")).toBe(true);
    expect(fanvil.data.map((d: ListRow) => d.id)).toEqual(
      body.data
        .filter((d) => d.brand === "fanvil")
        .map((d) => d.id)
        .reverse(),
    );
  });
});
