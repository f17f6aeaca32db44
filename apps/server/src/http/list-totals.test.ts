import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../test/build-test-app.js";

// A list's `total` and the dashboard's counts are exact after every kind of write: single creates, CSV imports,
// deletes, a user's deletion that takes rows with it, contacts moved between the shared and a personal
// directory, and many small writes in parallel. On PostgreSQL these totals come from the row-count deltas
// (migration 0018), so they are checked against `count(*)` on the same database; elsewhere they are `count(*)`.

let t: TestApp;
let h: Record<string, string>;

const api = async (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: unknown, csv = false) => {
  const res = await t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: csv ? { ...h, "content-type": "text/csv" } : h,
    ...(payload !== undefined && { payload: payload as string }),
  });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.statusCode === 204 ? null : res.json();
};

const mac = (i: number) => `00:0B:82:${(0x1000000 + i).toString(16).slice(1).toUpperCase().match(/../g)!.join(":")}`;

async function countStar(table: "phones" | "extensions" | "contacts", sharedOnly = false): Promise<number> {
  let q = t.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as("n"));
  if (sharedOnly) q = q.where("owner_user_id" as never, "is", null);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Every place a total shows: the unfiltered lists (first page and an offset page) and the dashboard. */
async function expectTotalsExact(): Promise<void> {
  const [phones, extensions, contacts] = await Promise.all([
    countStar("phones"),
    countStar("extensions"),
    countStar("contacts", true),
  ]);
  for (const [path, n] of [
    ["/phones", phones],
    ["/extensions", extensions],
    ["/directory", contacts],
  ] as const) {
    expect((await api("GET", `${path}?pageSize=5`)).total, path).toBe(n);
    expect((await api("GET", `${path}?pageSize=5&page=3&sort=-createdAt`)).total, path).toBe(n);
  }
  const dashboard = await api("GET", "/dashboard");
  expect(dashboard.counts).toMatchObject({ phones, extensions, contacts });
}

beforeAll(async () => {
  t = await buildTestApp();
  h = await t.adminHeaders();
});
afterAll(() => t.close());

describe("list totals stay exact", () => {
  it("after creates, imports, deletes, cascades and moves", async () => {
    await expectTotalsExact();
    const owner = await api("POST", "/users", {
      username: "count-owner",
      displayName: "Count Owner",
      password: "count-password-1",
    });
    const phone = await api("POST", "/phones", { mac: mac(1), model: "8845" });
    await api("POST", "/phones", { mac: mac(2), model: "7965" });
    await api("POST", "/phones/import", ["mac,model", ...[3, 4, 5, 6].map((i) => `${mac(i)},8845`)].join("\n"), true);
    await api("POST", "/extensions", { number: "4101", technology: "PJSIP", displayName: "A", userId: owner.id });
    await api(
      "POST",
      "/extensions/import",
      "number,technology,displayName\n4102,PJSIP,B\n4103,SIP,C\n4104,SCCP,D",
      true,
    );
    const shared = await api("POST", "/directory", {
      firstName: "Ada",
      lastName: "Shared",
      workNumber: "+41 44 100 00 01",
    });
    await api("POST", "/directory", { firstName: "Bob", lastName: "Shared", workNumber: "+41 44 100 00 02" });
    await api("POST", "/directory", {
      firstName: "Cy",
      lastName: "Personal",
      workNumber: "+41 44 100 00 03",
      ownerUserId: owner.id,
    });
    await expectTotalsExact();
    expect((await api("GET", "/phones?pageSize=5")).total).toBeGreaterThanOrEqual(6);

    await api("DELETE", `/phones/${phone.id}`);
    await api("DELETE", `/directory/${shared.id}`);
    await expectTotalsExact();

    // Moving a contact between directories changes the shared directory's size (an UPDATE, not an insert).
    await sql`update contacts set owner_user_id = null where last_name = 'Personal'`.execute(t.db.kysely);
    await expectTotalsExact();
    await sql`update contacts set owner_user_id = ${owner.id} where last_name = 'Personal'`.execute(t.db.kysely);
    await expectTotalsExact();

    // The owner's deletion takes or releases what hung on them, whatever the engine's cascades do.
    await api("DELETE", `/users/${owner.id}`);
    await expectTotalsExact();
  });

  it("after many small writes in parallel, across the point where the deltas are folded", async () => {
    const before = await countStar("phones");
    await Promise.all(
      Array.from({ length: 90 }, (_, i) => api("POST", "/phones", { mac: mac(100 + i), model: "7942" })),
    );
    await expectTotalsExact(); // more than the 64 deltas a read folds: this read folds them
    if (t.db.dialect === "postgres") {
      const deltas = (counter: string) =>
        sql<{ n: string }>`select count(*) as n from row_count_deltas where counter = ${counter}`
          .execute(t.db.kysely)
          .then((r) => Number(r.rows[0]!.n));
      expect(await deltas("phones")).toBeLessThanOrEqual(2);
      // The lists and the dashboard really read the deltas there (a planted one shows), not count(*).
      await sql`insert into row_count_deltas (counter, delta) values ('phones', 1000)`.execute(t.db.kysely);
      expect((await api("GET", "/phones?pageSize=1")).total).toBe((await countStar("phones")) + 1000);
      expect((await api("GET", "/dashboard")).counts.phones).toBe((await countStar("phones")) + 1000);
      await sql`insert into row_count_deltas (counter, delta) values ('phones', -1000)`.execute(t.db.kysely);
    }
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const { data } = await api("GET", `/phones?q=${encodeURIComponent(mac(100 + i).replace(/:/g, ""))}`);
        await api("DELETE", `/phones/${data[0].id}`);
      }),
    );
    await expectTotalsExact();
    expect(await countStar("phones")).toBe(before + 60);
  });
});
