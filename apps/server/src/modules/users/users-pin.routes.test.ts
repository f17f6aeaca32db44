import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";

let t: TestApp;
let h: Record<string, string>;
beforeAll(async () => {
  t = await buildTestApp();
  h = await t.adminHeaders();
});
afterAll(async () => t?.close());

describe("phone-service PIN on users (write-only)", () => {
  it("sets, changes and removes a PIN; only hasPin is ever returned", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: h,
      payload: { username: "pinner", pin: "1234" },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().hasPin).toBe(true);
    expect(created.body).not.toContain("1234");
    const id = created.json().id;
    const row = await t.db.kysely.selectFrom("users").select("pin_hash").where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.pin_hash).toMatch(/^\$argon2id\$/);
    const changed = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/users/${id}`,
      headers: h,
      payload: { pin: "987654" },
    });
    expect(changed.json().hasPin).toBe(true);
    const removed = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/users/${id}`,
      headers: h,
      payload: { pin: null },
    });
    expect(removed.json().hasPin).toBe(false);
  });

  it.each(["123", "12345678901234567", "12a4", ""])("refuses the PIN %j with 400", async (pin) => {
    expectError(
      await t.app.inject({ method: "POST", url: "/api/v1/users", headers: h, payload: { username: "badpin", pin } }),
      400,
      "validation_failed",
    );
  });
});
