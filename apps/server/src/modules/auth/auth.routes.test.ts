import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({
    toml: { auth: { login_max_failures_per_account: 3, login_max_failures_per_ip: 6, login_window_seconds: 600 } },
  });
});
afterAll(async () => t?.close());

const login = (body: unknown, ip = "127.0.0.1") =>
  t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: body as object, remoteAddress: ip });

async function createUser(username: string, level: number, password = "user-password-1") {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/users",
    headers: await t.adminHeaders(),
    payload: { username, level, password },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe("POST /api/v1/auth/login", () => {
  it("returns a token pair and the user for a superadmin", async () => {
    const res = await login(ADMIN, "10.1.0.1");
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.tokenType).toBe("Bearer");
    expect(body.expiresIn).toBe(900);
    expect(body.accessToken.split(".")).toHaveLength(3);
    expect(body.refreshToken.length).toBeGreaterThanOrEqual(43);
    expect(body.user).toMatchObject({ username: "admin", level: 0, activated: true });
    expect(body.user).not.toHaveProperty("password");
    expect(body.user).not.toHaveProperty("passwordHash");
  });

  it("answers a correct password of a level-1 user exactly like a wrong one (401, nothing learnt)", async () => {
    await createUser("operator", 1, "operator-pass-1");
    const right = await login({ username: "operator", password: "operator-pass-1" }, "10.1.0.2");
    const wrong = await login({ username: "operator", password: "operator-pass-x" }, "10.1.0.2");
    expectError(right, 401, "invalid_credentials");
    expect(right.json()).toEqual(wrong.json());
  });

  it("answers 401 invalid_credentials, with the same body, for a wrong password and an unknown user", async () => {
    const wrong = await login({ username: "admin", password: "nope-nope-nope" }, "10.1.0.3");
    const unknown = await login({ username: "ghost", password: "nope-nope-nope" }, "10.1.0.3");
    expectError(wrong, 401, "invalid_credentials");
    expectError(unknown, 401, "invalid_credentials");
    expect(unknown.json()).toEqual(wrong.json());
  });

  it("does not reveal a level-1 user's access with a wrong password (401, not 403)", async () => {
    await createUser("operator2", 2, "operator-pass-2");
    expectError(
      await login({ username: "operator2", password: "wrong-pass-2" }, "10.1.0.4"),
      401,
      "invalid_credentials",
    );
  });

  it("treats the username case-sensitively", async () => {
    expectError(await login({ username: "ADMIN", password: ADMIN.password }, "10.1.0.5"), 401, "invalid_credentials");
  });

  it("rejects a deactivated superadmin", async () => {
    await createUser("root2", 0, "root2-password");
    const u = (
      await t.app.inject({ method: "GET", url: "/api/v1/users?q=root2", headers: await t.adminHeaders() })
    ).json().data[0];
    await t.app.inject({
      method: "PATCH",
      url: `/api/v1/users/${u.id}`,
      headers: await t.adminHeaders(),
      payload: { activated: false },
    });
    expectError(await login({ username: "root2", password: "root2-password" }, "10.1.0.6"), 401, "invalid_credentials");
  });

  it.each([
    [{}, "missing fields"],
    [{ username: "admin" }, "missing password"],
    [{ username: 42, password: "x" }, "wrong type"],
    [{ username: "", password: "" }, "empty strings"],
  ])("answers 400 validation_failed for %j (%s)", async (body, _why) => {
    expectError(await login(body, "10.1.0.7"), 400, "validation_failed");
  });

  it("answers 400 for malformed JSON", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload: '{"username": "admin", ',
    });
    expectError(res, 400, "validation_failed");
  });

  it("an account over its failure limit still lets a correct password in from a clean address", async () => {
    await createUser("victim", 0, "victim-password");
    for (let i = 0; i < 3; i++) {
      expectError(
        await login({ username: "victim", password: `wrong-${i}-pass` }, "10.2.0.1"),
        401,
        "invalid_credentials",
      );
    }
    // The attacking address is refused even with the right password…
    const blocked = await login({ username: "victim", password: "victim-password" }, "10.2.0.1");
    expectError(blocked, 429, "rate_limited");
    const retryAfter = Number(blocked.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // …the owner elsewhere is not.
    expect((await login({ username: "victim", password: "victim-password" }, "10.2.0.9")).statusCode).toBe(200);
  });

  it("rate-limits a source address that tries many accounts", async () => {
    const ip = "10.3.0.1";
    for (let i = 0; i < 6; i++) {
      expectError(await login({ username: `nobody${i}`, password: "whatever-pass" }, ip), 401, "invalid_credentials");
    }
    expectError(await login(ADMIN, ip), 429, "rate_limited");
    // Other addresses are not affected.
    expect((await login(ADMIN, "10.3.0.2")).statusCode).toBe(200);
  });
});

describe("refresh, logout and me", () => {
  async function session(ip = "10.4.0.1") {
    const res = await login(ADMIN, ip);
    expect(res.statusCode).toBe(200);
    return res.json() as { accessToken: string; refreshToken: string };
  }
  const refresh = (refreshToken: string) =>
    t.app.inject({ method: "POST", url: "/api/v1/auth/refresh", payload: { refreshToken } });
  const me = (accessToken: string) =>
    t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { authorization: `Bearer ${accessToken}` } });

  it("GET /auth/me returns the user for a valid token and 401 without one", async () => {
    const s = await session();
    const res = await me(s.accessToken);
    expect(res.statusCode).toBe(200);
    expect(res.json().username).toBe("admin");
    expectError(await t.app.inject({ method: "GET", url: "/api/v1/auth/me" }), 401, "unauthenticated");
    expectError(await me("not.a.jwt"), 401, "unauthenticated");
  });

  it("rotates the refresh token on every use", async () => {
    const s = await session();
    const r1 = await refresh(s.refreshToken);
    expect(r1.statusCode).toBe(200);
    const p1 = r1.json();
    expect(p1.refreshToken).not.toBe(s.refreshToken);
    expect(p1.tokenType).toBe("Bearer");
    expect((await me(p1.accessToken)).statusCode).toBe(200);
    const r2 = await refresh(p1.refreshToken);
    expect(r2.statusCode).toBe(200);
  });

  it("revokes the whole family when a rotated refresh token is presented again", async () => {
    const s = await session();
    const next = (await refresh(s.refreshToken)).json();
    expectError(await refresh(s.refreshToken), 401, "unauthenticated");
    // The legitimate successor and its access token die with the family.
    expectError(await refresh(next.refreshToken), 401, "unauthenticated");
    expectError(await me(next.accessToken), 401, "unauthenticated");
  });

  it("rejects an unknown refresh token and a bad body", async () => {
    expectError(await refresh("made-up-token"), 401, "unauthenticated");
    expectError(
      await t.app.inject({ method: "POST", url: "/api/v1/auth/refresh", payload: {} }),
      400,
      "validation_failed",
    );
  });

  it("logout revokes the family: access and refresh tokens stop working", async () => {
    const s = await session();
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/logout",
      headers: { authorization: `Bearer ${s.accessToken}` },
      payload: { refreshToken: s.refreshToken },
    });
    expect(res.statusCode).toBe(204);
    expectError(await me(s.accessToken), 401, "unauthenticated");
    expectError(await refresh(s.refreshToken), 401, "unauthenticated");
  });

  it("a password change by another admin ends the user's sessions", async () => {
    const other = await createUser("second-admin", 0, "second-password");
    const s = (await login({ username: "second-admin", password: "second-password" }, "10.4.0.2")).json();
    const patch = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/users/${other.id}`,
      headers: await t.adminHeaders(),
      payload: { password: "brand-new-password" },
    });
    expect(patch.statusCode).toBe(200);
    expectError(await me(s.accessToken), 401, "unauthenticated");
    expect((await login({ username: "second-admin", password: "brand-new-password" }, "10.4.0.3")).statusCode).toBe(
      200,
    );
  });
});
