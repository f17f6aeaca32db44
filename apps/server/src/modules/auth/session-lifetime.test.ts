// Session lifetimes (idle and absolute) and the login's Origin check, through HTTP with a clock the test moves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";

const DAY = 86_400_000;
let now = Date.parse("2026-03-01T08:00:00Z");
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ clock: () => new Date(now) });
});
afterAll(async () => t?.close());

const login = (headers: Record<string, string> = {}) =>
  t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: ADMIN, headers });
const refresh = (refreshToken: string) =>
  t.app.inject({ method: "POST", url: "/api/v1/auth/refresh", payload: { refreshToken } });

async function freshLogin(): Promise<string> {
  const res = await login();
  expect(res.statusCode, res.body).toBe(200);
  return res.json().refreshToken as string;
}

describe("session lifetimes", () => {
  it("ends a login that has not refreshed for a week (idle limit)", async () => {
    const token = await freshLogin();
    now += 7 * DAY + 60_000;
    expectError(await refresh(token), 401, "unauthenticated");
  });

  it("keeps an active console logged in, but never past token validity days after the login (absolute limit)", async () => {
    let token = await freshLogin();
    const loggedInAt = now;
    // Refreshing every six days keeps the idle window open...
    while (now + 6 * DAY < loggedInAt + 30 * DAY) {
      now += 6 * DAY;
      const res = await refresh(token);
      expect(res.statusCode, res.body).toBe(200);
      token = res.json().refreshToken;
    }
    // ...until the session's absolute end (30 days, `tokenValidityDays`), whatever the last refresh was.
    now = loggedInAt + 30 * DAY + 60_000;
    expectError(await refresh(token), 401, "unauthenticated");
  });
});

describe("login from another site (login CSRF)", () => {
  it("refuses a login whose Origin is another host, and creates no session", async () => {
    const before = await t.app.inject({ method: "GET", url: "/api/v1/auth/tokens", headers: await t.adminHeaders() });
    const sessions = (before.json() as unknown[]).length;
    const res = await login({ origin: "https://evil.example", host: "pbx.example.org" });
    expectError(res, 403, "forbidden");
    expect(res.json().error.message).toMatch(/cross-origin/);
    const after = await t.app.inject({ method: "GET", url: "/api/v1/auth/tokens", headers: await t.adminHeaders() });
    expect((after.json() as unknown[]).length).toBe(sessions);
  });

  it("accepts the console's own origin and clients that send none", async () => {
    expect((await login({ origin: "https://pbx.example.org", host: "pbx.example.org" })).statusCode).toBe(200);
    expect((await login({ origin: "http://127.0.0.1:8080", host: "127.0.0.1:8080" })).statusCode).toBe(200);
    expect((await login()).statusCode).toBe(200);
  });
});
