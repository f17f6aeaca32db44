import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, expectError, type TestApp } from "../test/build-test-app.js";
import { createListWalker, type ListRow, type ListWalker } from "../test/list-walker.js";

// Keyset paging through HTTP on whichever engine DATABASE_URL names: for every list and every sort (both
// directions), walking the pages by `nextCursor` returns the same rows in the same order as one big page,
// each exactly once, with duplicates in the sort column, case variants (MariaDB's collation calls them
// equal), and NULLs; rows inserted while walking never make a row appear twice.

let t: TestApp;
let h: Record<string, string>;
let lists: ListWalker;
type Rec = ListRow & { id: string };

const api = (method: "GET" | "POST", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: h,
    ...(payload !== undefined && { payload: payload as object }),
  });

async function post(url: string, body: unknown): Promise<Rec> {
  const res = await api("POST", url, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const walk = (path: string, query: string, pageSize: number) =>
  lists.walk(path, query, pageSize).then((w) => ({ ids: w.keys, pages: w.pages }));
const everyRow = (path: string, query: string) => lists.everyRow(path, query);

const suffixes = ["Same", "same", "SAME", "Other", "other", "Zeta", "alpha", "Alpha"];

beforeAll(async () => {
  t = await buildTestApp();
  h = await t.adminHeaders();
  lists = createListWalker(t.app, h);
  for (let i = 0; i < 13; i++) {
    await post("/users", {
      username: `kp-user-${String(i).padStart(2, "0")}`,
      displayName: suffixes[i % suffixes.length],
      email: i % 3 === 0 ? null : `${suffixes[i % 4]}@kp.example`,
      level: 1 + (i % 3),
      password: "kp-password-123",
    });
  }
  const models = ["7965", "8845", "7942"];
  for (let i = 0; i < 14; i++) {
    await post("/phones", {
      mac: `00:11:22:33:44:${(16 + i).toString(16).toUpperCase()}`,
      model: models[i % 3],
      softwareType: i % 4 === 0 ? null : "SIP",
      ip: i % 3 === 0 ? null : `10.0.0.${i % 5}`,
      label: i % 5 === 0 ? null : suffixes[i % suffixes.length],
    });
  }
  for (let i = 0; i < 12; i++) {
    await post("/extensions", {
      number: String(7100 + ((i * 7) % 12)),
      technology: i % 2 === 0 ? "SIP" : "PJSIP",
      displayName: suffixes[i % suffixes.length],
    });
  }
  for (let i = 0; i < 15; i++) {
    await post("/directory", {
      firstName: suffixes[(i * 3) % suffixes.length],
      lastName: suffixes[i % 5],
      workNumber: `+41 44 000 ${String(i).padStart(2, "0")}`,
      department: i % 4 === 0 ? null : suffixes[i % 3],
      location: i % 3 === 0 ? null : suffixes[i % 2],
    });
  }
  for (let i = 0; i < 9; i++) {
    await post("/profiles", {
      name: `kp-profile-${suffixes[i % suffixes.length]}-${i}`,
      softwareType: i % 3 === 0 ? null : "SIP",
    });
  }
  for (let i = 0; i < 6; i++)
    await post("/services", { name: `kp service ${suffixes[i]} ${i}`, url: `http://kp.example/${i}` });
  const started = "2026-01-01T00:00:00.000Z";
  await t.db.kysely
    .insertInto("deployments")
    .values(
      Array.from({ length: 11 }, (_, i) => ({
        id: randomUUID(),
        kind: "deploy",
        batch_id: null,
        profile_id: null,
        profile_name: "kp",
        phone_id: null,
        phone_mac: `0011223344${String(i).padStart(2, "0")}`,
        previous_profile_id: null,
        status: i % 3 === 0 ? "failed" : "succeeded",
        failed_step: null,
        detail: null,
        steps: "[]",
        started_at: i % 4 === 0 ? started : `2026-01-0${1 + (i % 3)}T00:00:0${i % 2}.000Z`,
        finished_at: started,
      })),
    )
    .execute();
});
afterAll(async () => t?.close());

const everyList: [path: string, sorts: string[], minRows: number][] = [
  ["/users", ["username", "displayName", "email", "level", "createdAt", "updatedAt"], 13],
  ["/phones", ["mac", "model", "softwareType", "ip", "label", "createdAt"], 14],
  ["/extensions", ["number", "displayName", "technology", "createdAt", "updatedAt"], 12],
  ["/directory", ["lastName", "firstName", "department", "location", "createdAt", "updatedAt"], 15],
  ["/profiles", ["name", "softwareType", "createdAt", "updatedAt"], 9],
  ["/services", ["", "name"], 6],
  ["/deployments", ["", "startedAt", "status"], 11],
];

describe("keyset paging: every page by cursor, every row once, in order", () => {
  for (const [path, sorts, minRows] of everyList) {
    it(`${path}: every sort, both directions`, async () => {
      for (const field of sorts) {
        for (const sort of field ? [field, `-${field}`] : [""])
          await lists.expectWalksMatchOnePage(path, sort ? `sort=${sort}` : "x=1", minRows);
      }
    });
  }

  it("a search and a filter keep applying on later pages", async () => {
    const all = await everyRow("/users", "q=kp-user&sort=-email");
    expect(all).toHaveLength(13);
    expect((await walk("/users", "q=kp-user&sort=-email", 2)).ids).toEqual(all);
    const sip = await everyRow("/phones", "softwareType=SIP&sort=ip");
    expect((await walk("/phones", "softwareType=SIP&sort=ip", 2)).ids).toEqual(sip);
  });

  it("rows inserted while walking never duplicate a row nor hide one that was there", async () => {
    for (const sort of ["mac", "-label", "createdAt", "-ip"]) {
      let n = 0;
      await lists.expectWalkSurvivesInserts("/phones", `sort=${sort}`, 3, async () => {
        // Inserts that land before, inside and after the walked part of the order (on the first pages).
        if (n >= 6) return;
        const suffix = `${sort.length}${sort.startsWith("-") ? 1 : 0}${(0x10 + n++).toString(16).toUpperCase()}`;
        for (const prefix of ["00000001", "7E000000", "FC000000"])
          await post("/phones", {
            mac: `${prefix}${suffix}`,
            model: "7965",
            ip: `10.9.${n}.${prefix.length}`,
            label: `${suffixes[n % suffixes.length]}`,
          });
      });
    }
  });

  it("a bad cursor answers 400 validation_failed and changes nothing", async () => {
    const first = (await api("GET", "/phones?sort=mac&pageSize=2")).json();
    expect(typeof first.nextCursor).toBe("string");
    await lists.expectBadCursorsRefused("/phones", "mac", 1);
    // A cursor of one sort order is refused for another.
    expectError(await api("GET", `/phones?sort=ip&cursor=${first.nextCursor}`), 400, "validation_failed");
    expectError(await api("GET", `/users?cursor=${first.nextCursor}`), 400, "validation_failed");
    // The genuine one still works.
    expect((await api("GET", `/phones?sort=mac&pageSize=2&cursor=${first.nextCursor}`)).json().page).toBe(2);
  });

  it("a directory search (first or last name, department, email) lists each match once, in order, on every page", async () => {
    // Matches of different kinds, and contacts matching on several at once.
    await post("/directory", {
      firstName: "Kim",
      lastName: "Ode",
      email: "Same.kim@kp.example",
      workNumber: "+41 44 000 90",
    });
    await post("/directory", {
      firstName: "Same",
      lastName: "Same",
      department: "Same",
      email: "same@kp.example",
      workNumber: "+41 44 000 91",
    });
    const starts = (c: Rec) =>
      [c.firstName, c.lastName, c.department, c.email].some((v) => typeof v === "string" && /^sa/i.test(v));
    for (const sort of ["lastName", "-lastName", "firstName", "-department", "location", "-createdAt"]) {
      const everything = (await api("GET", `/directory?sort=${sort}&pageSize=500`)).json().data as Rec[];
      const expected = everything.filter(starts).map((c) => c.id);
      expect(expected.length).toBeGreaterThan(6);
      const first = (await api("GET", `/directory?q=sA&sort=${sort}&pageSize=3`)).json();
      expect(first.total).toBe(expected.length);
      expect(await everyRow("/directory", `q=sA&sort=${sort}`)).toEqual(expected);
      for (const pageSize of [1, 3])
        expect((await walk("/directory", `q=sA&sort=${sort}`, pageSize)).ids).toEqual(expected);
      const third = (await api("GET", `/directory?q=sA&sort=${sort}&pageSize=2&page=3`)).json();
      expect(third).toMatchObject({ total: expected.length, page: 3 });
      expect(third.data.map((r: Rec) => r.id)).toEqual(expected.slice(4, 6));
      const fourth = (await api("GET", `/directory?q=sA&sort=${sort}&pageSize=2&cursor=${third.nextCursor}`)).json();
      expect(fourth.data.map((r: Rec) => r.id)).toEqual(expected.slice(6, 8));
    }
  });

  it("offset pages also hand out a cursor that continues after them", async () => {
    const all = await everyRow("/extensions", "sort=-displayName");
    const third = (await api("GET", "/extensions?sort=-displayName&pageSize=2&page=3")).json();
    expect(third.data.map((r: Rec) => r.id)).toEqual(all.slice(4, 6));
    const fourth = (await api("GET", `/extensions?sort=-displayName&pageSize=2&cursor=${third.nextCursor}`)).json();
    expect(fourth.page).toBe(4);
    expect(fourth.data.map((r: Rec) => r.id)).toEqual(all.slice(6, 8));
  });
});
