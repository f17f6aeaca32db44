import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../test/build-test-app.js";
import { insertPhone, parseCiscoPage } from "../test/cisco-xml.js";

// The throttle under parallel attack, through HTTP on the real app and database: every attempt takes its slot
// with one conditional write before anything is checked, so no burst gets more guesses than the limit.
let t: TestApp;
const count = (xs: number[], status: number) => xs.filter((s) => s === status).length;

beforeAll(async () => {
  // The shipped defaults: 5 failures per account, 20 per address, in 15 minutes.
  t = await buildTestApp();
  const h = await t.adminHeaders();
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/users",
    headers: h,
    payload: { username: "target", password: "target-password-1", pin: "8642" },
  });
  expect(res.statusCode, res.body).toBe(201);
  for (let i = 0; i < 20; i++)
    await insertPhone(t.db.kysely, { mac: `00AA00BB${String(i).padStart(4, "0")}`, model: "CP-8845" });
});
afterAll(async () => t?.close());

const login = (username: string, ip: string) =>
  t.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { username, password: "wrong-password" },
    remoteAddress: ip,
  });

describe("atomic throttle", () => {
  it("50 parallel wrong logins to one account get exactly 5 password checks", async () => {
    const statuses = (await Promise.all(Array.from({ length: 50 }, () => login("target", "10.9.0.1")))).map(
      (r) => r.statusCode,
    );
    expect(count(statuses, 401)).toBe(5);
    expect(count(statuses, 429)).toBe(45);
  });

  it("50 parallel wrong logins from one address to 50 accounts get exactly 20 checks", async () => {
    const statuses = (await Promise.all(Array.from({ length: 50 }, (_, i) => login(`nobody${i}`, "10.9.0.2")))).map(
      (r) => r.statusCode,
    );
    expect(count(statuses, 401)).toBe(20);
    expect(count(statuses, 429)).toBe(30);
  });

  it("50 parallel wrong PINs for one user on one phone get exactly 5 checks", async () => {
    const pages = await Promise.all(
      Array.from({ length: 50 }, () =>
        t.app.inject({ method: "GET", url: "/cisco/login/submit?mac=00AA00BB0000&user=target&pin=0000" }),
      ),
    );
    const texts = pages.map((p) => parseCiscoPage(p));
    expect(texts.filter((p) => p.body.Prompt === "Wrong user or PIN")).toHaveLength(5);
    expect(texts.filter((p) => /Too many wrong PINs/.test(p.body.Text ?? ""))).toHaveLength(45);
  });

  it("wrong PINs for one user spread over 20 phones in parallel still get 5 checks in all", async () => {
    await t.db.kysely.deleteFrom("throttle_counters").execute();
    const pages = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.app.inject({
          method: "GET",
          url: `/cisco/login/submit?mac=00AA00BB${String(i % 20).padStart(4, "0")}&user=target&pin=0000`,
        }),
      ),
    );
    const wrong = pages.map((p) => parseCiscoPage(p)).filter((p) => p.body.Prompt === "Wrong user or PIN");
    expect(wrong).toHaveLength(5);
  });

  it("/cisco/authenticate is limited per address: 50 parallel guesses, 20 checked, the rest 429", async () => {
    const res = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.app.inject({
          method: "GET",
          url: `/cisco/authenticate?UserID=cisisk&Password=guess${i}`,
          remoteAddress: "10.9.0.3",
        }),
      ),
    );
    expect(res.every((r) => r.body === "UN-AUTHORIZED")).toBe(true);
    expect(
      count(
        res.map((r) => r.statusCode),
        200,
      ),
    ).toBe(20);
    expect(
      count(
        res.map((r) => r.statusCode),
        429,
      ),
    ).toBe(30);
  });
});
