import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import type { InjectOptions } from "fastify";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase } from "../../db/connect.js";
import { ADMIN, buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";
import { eventually } from "../../test/server-process.js";
import { startSmtpSink, type ReceivedMail } from "../../test/smtp-sink.js";

// Issue 10, through HTTP on the engine DATABASE_URL names (SQLite in memory by default), with a real SMTP
// server on loopback receiving the security notices.

const JWT_SECRET = "test-secret-test-secret-test-secret-0123456789";
let t: TestApp & { databaseUrl: string };
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let mails: ReceivedMail[] = [];

beforeAll(async () => {
  smtp = await startSmtpSink();
  mails = smtp.mails;
  const port = smtp.port;
  t = await buildTestApp({
    sharedDatabase: true,
    toml: {
      auth: {
        login_max_failures_per_account: 8,
        login_max_failures_per_account_address: 4,
        login_max_failures_per_ip: 30,
        login_window_seconds: 600,
      },
      mail: { smtp_url: `smtp://127.0.0.1:${port}`, from: "Cisisk <pbx@example.com>" },
      security: { settings_cache_ms: 1000 },
    },
  });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const call = (opts: InjectOptions) => t.app.inject(opts);
const login = (body: object, ip = "127.0.0.1", headers: Record<string, string> = {}) =>
  call({ method: "POST", url: "/api/v1/auth/login", payload: body, remoteAddress: ip, headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const me = (token: string, ip = "127.0.0.1") =>
  call({ method: "GET", url: "/api/v1/auth/me", headers: bearer(token), remoteAddress: ip });

async function createUser(username: string, level: number, password: string) {
  const res = await call({
    method: "POST",
    url: "/api/v1/users",
    headers: await t.adminHeaders(),
    payload: { username, level, password },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

async function session(username: string, password: string, ip: string) {
  const res = await login({ username, password }, ip);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { accessToken: string; refreshToken: string };
}

async function putSettings(token: string, body: object, ip = "127.0.0.1") {
  return call({
    method: "PUT",
    url: "/api/v1/settings/security",
    headers: bearer(token),
    payload: body,
    remoteAddress: ip,
  });
}

describe("lockout without denial of service", () => {
  it("an attacker on one address gets 429 + Retry-After; the admin on another address still logs in", async () => {
    await createUser("boss", 0, "boss-password-1");
    const attacker = "203.0.113.10";
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await login({ username: "boss", password: `guess-${i}` }, attacker)).statusCode);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429, 429]);
    const blocked = await login({ username: "boss", password: "boss-password-1" }, attacker);
    expectError(blocked, 429, "rate_limited");
    const retryAfter = Number(blocked.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect((await login({ username: "boss", password: "boss-password-1" }, "198.51.100.20")).statusCode).toBe(200);
  });

  it("growing waits: the second round of failures from an address waits longer than the first", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const g = await buildTestApp({
      clock: () => new Date(now),
      toml: { auth: { login_max_failures_per_account_address: 4, login_window_seconds: 600 } },
    });
    try {
      const attempt = (password: string) =>
        g.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          payload: { username: "admin", password },
          remoteAddress: "203.0.113.11",
        });
      for (let i = 0; i < 4; i++) expect((await attempt(`g-${i}`)).statusCode).toBe(401);
      const first = Number((await attempt("x")).headers["retry-after"]);
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThanOrEqual(600);
      now += (first + 1) * 1000;
      for (let i = 0; i < 4; i++) expect((await attempt(`h-${i}`)).statusCode).toBe(401);
      const second = Number((await attempt("x")).headers["retry-after"]);
      expect(second).toBeGreaterThan(first);
      expect(second).toBeLessThanOrEqual(2400);
    } finally {
      await g.close();
    }
  });

  it("an account flooded from many addresses: dirty addresses get 429, a clean one with the right password passes", async () => {
    await createUser("flood", 0, "flood-password-1");
    // Eight failures from four addresses (two each) fill the account's limit of 8.
    for (let a = 1; a <= 4; a++)
      for (let i = 0; i < 2; i++)
        expectError(
          await login({ username: "flood", password: `f-${a}-${i}` }, `203.0.113.${40 + a}`),
          401,
          "invalid_credentials",
        );
    // An address with its own failures is now refused before any check, even with the right password.
    expectError(await login({ username: "flood", password: "flood-password-1" }, "203.0.113.41"), 429, "rate_limited");
    // A clean address: a wrong password is a plain 401, the right one logs in.
    expectError(await login({ username: "flood", password: "nope" }, "198.51.100.77"), 401, "invalid_credentials");
    expect((await login({ username: "flood", password: "flood-password-1" }, "198.51.100.78")).statusCode).toBe(200);
  });

  it("50 parallel guesses from one address never get more checks than the limit", async () => {
    await createUser("parallel", 0, "parallel-password-1");
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => login({ username: "parallel", password: `p-${i}` }, "203.0.113.60")),
    );
    const checked = results.filter((r) => r.statusCode === 401).length;
    const refused = results.filter((r) => r.statusCode === 429).length;
    expect(checked).toBeLessThanOrEqual(4);
    expect(checked + refused).toBe(50);
  });
});

describe("own password change", () => {
  it("needs the current password, ends every other session and keeps this one; PATCH of one's own is refused", async () => {
    const user = await createUser("changer", 0, "changer-password-1");
    const a = await session("changer", "changer-password-1", "10.70.0.1");
    const b = await session("changer", "changer-password-1", "10.70.0.2");
    const change = (body: object) =>
      call({ method: "POST", url: "/api/v1/auth/password", headers: bearer(a.accessToken), payload: body });

    expectError(await change({ currentPassword: "wrong-one", newPassword: "changer-password-2" }), 403, "forbidden");
    expectError(
      await change({ currentPassword: "changer-password-1", newPassword: "short" }),
      400,
      "validation_failed",
    );
    const own = await call({
      method: "PATCH",
      url: `/api/v1/users/${user.id}`,
      headers: bearer(a.accessToken),
      payload: { password: "changer-password-3" },
    });
    expectError(own, 403, "forbidden");
    expect((await me(b.accessToken)).statusCode).toBe(200);

    expect(
      (await change({ currentPassword: "changer-password-1", newPassword: "changer-password-2" })).statusCode,
    ).toBe(204);
    expectError(await me(b.accessToken), 401, "unauthenticated");
    expectError(
      await call({ method: "POST", url: "/api/v1/auth/refresh", payload: { refreshToken: b.refreshToken } }),
      401,
      "unauthenticated",
    );
    expect((await me(a.accessToken)).statusCode).toBe(200);
    expectError(
      await login({ username: "changer", password: "changer-password-1" }, "10.70.0.3"),
      401,
      "invalid_credentials",
    );
    expect((await login({ username: "changer", password: "changer-password-2" }, "10.70.0.3")).statusCode).toBe(200);
  });
});

describe("the last superadmin", () => {
  it("two superadmins demoting, deactivating or deleting at the same moment on two servers: one always stays", async () => {
    // Its own database, shared by two servers, so the race crosses connections as it would in production.
    const a = await buildTestApp({ sharedDatabase: true });
    const b = await buildTestApp({ db: await connectDatabase(a.databaseUrl) });
    try {
      const as = (app: TestApp, token: string, method: "PATCH" | "DELETE" | "POST", url: string, payload?: object) =>
        app.app.inject({ method, url, headers: bearer(token), ...(payload && { payload }) });
      let keeper = (await a.adminHeaders()).authorization!.slice("Bearer ".length);
      let keeperId = (await a.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: bearer(keeper) })).json().id;
      for (let round = 0; round < 6; round++) {
        const made: Array<{ id: string; token: string }> = [];
        for (const name of [`x${round}`, `y${round}`]) {
          const res = await as(a, keeper, "POST", "/api/v1/users", {
            username: name,
            level: 0,
            password: "racer-password-1",
          });
          expect(res.statusCode, res.body).toBe(201);
          const signIn = await a.app.inject({
            method: "POST",
            url: "/api/v1/auth/login",
            payload: { username: name, password: "racer-password-1" },
            remoteAddress: `10.90.${round}.${made.length + 1}`,
          });
          made.push({ id: res.json().id as string, token: signIn.json().accessToken as string });
        }
        const [x, y] = made as [{ id: string; token: string }, { id: string; token: string }];
        // The old keeper leaves: x and y are now the only superadmins.
        expect((await as(a, x.token, "DELETE", `/api/v1/users/${keeperId}`)).statusCode).toBe(204);
        const kind = round % 3;
        const [rx, ry] = await Promise.all(
          kind === 2
            ? [as(a, x.token, "DELETE", `/api/v1/users/${y.id}`), as(b, y.token, "DELETE", `/api/v1/users/${x.id}`)]
            : [
                as(a, x.token, "PATCH", `/api/v1/users/${x.id}`, kind === 0 ? { level: 2 } : { activated: false }),
                as(b, y.token, "PATCH", `/api/v1/users/${y.id}`, kind === 0 ? { level: 2 } : { activated: false }),
              ],
        );
        const codes = [rx.statusCode, ry.statusCode].sort();
        // A delete may also win before the other request is even authenticated: its user is gone (401).
        if (kind === 2)
          expect(
            [
              [204, 409],
              [204, 401],
            ],
            `${rx.body} ${ry.body}`,
          ).toContainEqual(codes);
        else expect(codes, `${rx.body} ${ry.body}`).toEqual([200, 409]);
        const left = await a.db.kysely
          .selectFrom("users")
          .select("id")
          .where("level", "=", 0)
          .where("activated", "=", 1)
          .execute();
        expect(left).toHaveLength(1);
        keeperId = left[0]!.id;
        keeper = keeperId === x.id ? x.token : y.token;
      }
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe("sessions and tokens", () => {
  it("logout with only a bearer token ends that session (and no other)", async () => {
    const a = await session(ADMIN.username, ADMIN.password, "10.71.0.1");
    const b = await session(ADMIN.username, ADMIN.password, "10.71.0.2");
    const res = await call({ method: "POST", url: "/api/v1/auth/logout", headers: bearer(a.accessToken) });
    expect(res.statusCode, res.body).toBe(204);
    expectError(await me(a.accessToken), 401, "unauthenticated");
    expectError(
      await call({ method: "POST", url: "/api/v1/auth/refresh", payload: { refreshToken: a.refreshToken } }),
      401,
      "unauthenticated",
    );
    expect((await me(b.accessToken)).statusCode).toBe(200);
  });

  it("refuses a signed token without exp, iat, aud or iss", async () => {
    const good = await session(ADMIN.username, ADMIN.password, "10.71.0.3");
    const claims = JSON.parse(Buffer.from(good.accessToken.split(".")[1]!, "base64url").toString()) as {
      sub: string;
      sid: string;
    };
    const key = new TextEncoder().encode(JWT_SECRET);
    const build = (leave: "exp" | "iat" | "aud" | "iss") => {
      let jwt = new SignJWT({ sid: claims.sid }).setProtectedHeader({ alg: "HS256" }).setSubject(claims.sub);
      if (leave !== "exp") jwt = jwt.setExpirationTime("10m");
      if (leave !== "iat") jwt = jwt.setIssuedAt();
      if (leave !== "aud") jwt = jwt.setAudience("cisisk-console");
      if (leave !== "iss") jwt = jwt.setIssuer("cisisk");
      return jwt.sign(key);
    };
    for (const missing of ["exp", "iat", "aud", "iss"] as const)
      expectError(await me(await build(missing)), 401, "unauthenticated");
    // The same claims with all four present pass: it is the missing claim that is refused.
    const full = await new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(claims.sub)
      .setExpirationTime("10m")
      .setIssuedAt()
      .setAudience("cisisk-console")
      .setIssuer("cisisk")
      .sign(key);
    expect((await me(full)).statusCode).toBe(200);
  });

  it("lists logins with current; deleting one ends its access token on the next request", async () => {
    const a = await session(ADMIN.username, ADMIN.password, "10.72.0.1");
    const b = await call({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: ADMIN,
      remoteAddress: "10.72.0.2",
      headers: { "user-agent": "Other Browser/1.0" },
    });
    const other = b.json() as { accessToken: string };
    const list = await call({ method: "GET", url: "/api/v1/auth/tokens", headers: bearer(a.accessToken) });
    expect(list.statusCode, list.body).toBe(200);
    const rows = list.json().data as Array<{
      id: string;
      kind: string;
      current: boolean;
      ip: string;
      userAgent: string;
    }>;
    expect(rows.filter((r) => r.current)).toHaveLength(1);
    const row = rows.find((r) => r.userAgent === "Other Browser/1.0")!;
    expect(row).toMatchObject({ kind: "session", ip: "10.72.0.2", current: false });
    expect(JSON.stringify(rows)).not.toContain(a.refreshToken);

    expect((await me(other.accessToken)).statusCode).toBe(200);
    const del = await call({ method: "DELETE", url: `/api/v1/auth/tokens/${row.id}`, headers: bearer(a.accessToken) });
    expect(del.statusCode).toBe(204);
    expectError(await me(other.accessToken), 401, "unauthenticated");
    expect((await me(a.accessToken)).statusCode).toBe(200);
    expectError(
      await call({ method: "DELETE", url: `/api/v1/auth/tokens/${row.id}0`, headers: bearer(a.accessToken) }),
      400,
      "validation_failed",
    );
    expectError(
      await call({
        method: "DELETE",
        url: "/api/v1/auth/tokens/00000000-0000-4000-8000-000000000000",
        headers: bearer(a.accessToken),
      }),
      404,
      "not_found",
    );
  });
});

describe("cookie mode (the console)", () => {
  it("sets an httpOnly SameSite=Strict cookie on the auth path, refreshes only with the CSRF header", async () => {
    const res = await login({ ...ADMIN, cookie: true }, "10.73.0.1");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).not.toHaveProperty("refreshToken");
    const setCookie = String(res.headers["set-cookie"]);
    expect(setCookie).toMatch(/^cisisk_refresh=[\w-]{40,};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/api/v1/auth");
    expect(setCookie).not.toContain("Secure"); // plain http here; Secure over TLS
    const cookie = setCookie.split(";")[0]!;

    const refresh = (headers: Record<string, string>) =>
      call({ method: "POST", url: "/api/v1/auth/refresh", headers: { cookie, ...headers } });
    expectError(await refresh({}), 403, "forbidden");
    expectError(
      await refresh({ "x-cisisk-csrf": "1", origin: "https://evil.example", host: "localhost:80" }),
      403,
      "forbidden",
    );
    const ok = await refresh({ "x-cisisk-csrf": "1" });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).not.toHaveProperty("refreshToken");
    expect((await me(ok.json().accessToken)).statusCode).toBe(200);
    const next = String(ok.headers["set-cookie"]).split(";")[0]!;
    expect(next).not.toBe(cookie);

    const out = await call({
      method: "POST",
      url: "/api/v1/auth/logout",
      headers: { cookie: next, "x-cisisk-csrf": "1" },
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers["set-cookie"])).toMatch(/cisisk_refresh=;/);
    expectError(
      await call({ method: "POST", url: "/api/v1/auth/refresh", headers: { cookie: next, "x-cisisk-csrf": "1" } }),
      401,
      "unauthenticated",
    );
  });
});

describe("security headers (real HTTP)", () => {
  it("sends CSP, nosniff, Referrer-Policy and no-store on API answers; no HSTS over plain http", async () => {
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const health = await fetch(`${address}/api/v1/health`);
    const csp = health.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(health.headers.get("x-content-type-options")).toBe("nosniff");
    expect(health.headers.get("referrer-policy")).toBe("no-referrer");
    expect(health.headers.get("cache-control")).toBe("no-store");
    expect(health.headers.get("strict-transport-security")).toBeNull();
    const denied = await fetch(`${address}/api/v1/users`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get("cache-control")).toBe("no-store");
    expect(denied.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});

describe("over TLS", () => {
  it("adds HSTS and marks the refresh cookie Secure when the connection is TLS", async () => {
    // A throw-away certificate, and TLS connections handed to the app's own HTTP server (as a TLS listener would).
    const dir = mkdtempSync(path.join(tmpdir(), "cisisk-tls-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    const server = tls.createServer(
      { key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) },
      (socket) => t.app.server.emit("connection", socket),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as AddressInfo).port;
    const request = (method: string, url: string, body?: object) =>
      new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
        const req = https.request(
          {
            host: "127.0.0.1",
            port,
            method,
            path: url,
            rejectUnauthorized: false,
            headers: { "content-type": "application/json" },
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
          },
        );
        req.on("error", reject);
        req.end(body ? JSON.stringify(body) : undefined);
      });
    try {
      const health = await request("GET", "/api/v1/health");
      expect(health.status).toBe(200);
      expect(health.headers["strict-transport-security"]).toMatch(/^max-age=\d+/);
      const login = await request("POST", "/api/v1/auth/login", { ...ADMIN, cookie: true });
      expect(login.status).toBe(200);
      expect(String(login.headers["set-cookie"])).toMatch(/; Secure/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("security settings", () => {
  it("GET shows the defaults; PUT names an invalid entry with 400 and changes nothing", async () => {
    const { accessToken } = await session(ADMIN.username, ADMIN.password, "127.0.0.1");
    const get = await call({ method: "GET", url: "/api/v1/settings/security", headers: bearer(accessToken) });
    expect(get.statusCode, get.body).toBe(200);
    expect(get.json()).toEqual({
      adminUsername: "admin",
      allowedNetworks: [],
      trustedProxies: [],
      adminEmails: "",
      apiBasicAuth: false,
      tokenValidityDays: 30,
      accessTokenTtlSeconds: 900,
    });
    const bad = await putSettings(accessToken, { allowedNetworks: ["127.0.0.1", "10.0.0.0/33"] });
    expectError(bad, 400, "validation_failed");
    expect(bad.json().error.details).toEqual([
      { path: "body.allowedNetworks.1", message: '"10.0.0.0/33" is not an IP address or CIDR range' },
    ]);
    expect(bad.json().error.message).toContain("10.0.0.0/33");
    expectError(
      await putSettings(accessToken, { adminEmails: "ok@example.com;not-an-email" }),
      400,
      "validation_failed",
    );
    expectError(await putSettings(accessToken, { adminUsername: "bad@name" }), 400, "validation_failed");
    expect(
      (await call({ method: "GET", url: "/api/v1/settings/security", headers: bearer(accessToken) })).json(),
    ).toEqual(get.json());
  });

  it("allow-list by IPv4, IPv6, CIDR and IPv4-mapped IPv6, checked before the password; lockout needs confirmation", async () => {
    const { accessToken } = await session(ADMIN.username, ADMIN.password, "127.0.0.1");
    const networks = ["127.0.0.1", "192.0.2.10", "2001:db8::/32", "198.51.100.0/24"];
    const conflict = await putSettings(accessToken, { allowedNetworks: networks }, "10.99.0.1");
    expectError(conflict, 409, "conflict");
    expect(conflict.json().error.details).toMatchObject({ field: "allowedNetworks", ip: "10.99.0.1" });
    expect((await putSettings(accessToken, { allowedNetworks: networks })).statusCode).toBe(200);
    try {
      for (const ip of ["192.0.2.10", "2001:db8::7", "198.51.100.200", "::ffff:198.51.100.9", "::ffff:192.0.2.10"])
        expect((await login(ADMIN, ip)).statusCode, ip).toBe(200);
      for (const ip of ["192.0.2.11", "2001:db9::1", "198.51.101.1", "::ffff:10.0.0.1"]) {
        const refused = await login(ADMIN, ip);
        // The right password from a blocked address: the same answer as a wrong one.
        expectError(refused, 401, "invalid_credentials");
        expect(refused.json()).toEqual((await login({ ...ADMIN, password: "wrong-password" }, ip)).json());
      }
      // Tokens are refused from outside too.
      const s = await session(ADMIN.username, ADMIN.password, "192.0.2.10");
      expectError(await me(s.accessToken, "203.0.113.1"), 401, "unauthenticated");
      expect((await me(s.accessToken, "192.0.2.10")).statusCode).toBe(200);

      // Saving a list without the caller's own address: 409 without confirmLockout, applied with it.
      const s2 = await session(ADMIN.username, ADMIN.password, "192.0.2.10");
      expectError(await putSettings(s2.accessToken, { allowedNetworks: ["10.1.1.1"] }, "192.0.2.10"), 409, "conflict");
      const confirmed = await putSettings(
        s2.accessToken,
        { allowedNetworks: ["127.0.0.1", "10.1.1.1"], confirmLockout: true },
        "192.0.2.10",
      );
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      expectError(await me(s2.accessToken, "192.0.2.10"), 401, "unauthenticated");
    } finally {
      expect((await putSettings(accessToken, { allowedNetworks: [] })).statusCode).toBe(200);
    }
  });

  it("allow-list in the netmask form (a.b.c.d/255.255.255.0) as routers print it; a mask with holes is a 400", async () => {
    const { accessToken } = await session(ADMIN.username, ADMIN.password, "127.0.0.1");
    const bad = await putSettings(accessToken, { allowedNetworks: ["127.0.0.1", "10.20.0.0/255.0.255.0"] });
    expectError(bad, 400, "validation_failed");
    expect(bad.body).toContain("10.20.0.0/255.0.255.0");
    const saved = await putSettings(accessToken, { allowedNetworks: ["127.0.0.1", "10.20.0.0/255.255.0.0"] });
    expect(saved.statusCode, saved.body).toBe(200);
    try {
      for (const ip of ["10.20.0.1", "10.20.255.254", "::ffff:10.20.7.7"])
        expect((await login(ADMIN, ip)).statusCode, ip).toBe(200);
      for (const ip of ["10.21.0.1", "10.2.0.1"]) expectError(await login(ADMIN, ip), 401, "invalid_credentials");
    } finally {
      expect((await putSettings(accessToken, { allowedNetworks: [] })).statusCode).toBe(200);
    }
  });

  it("passkey login: the allow-list applies first; an unknown challenge or credential is a plain 401", async () => {
    const { accessToken } = await session(ADMIN.username, ADMIN.password, "127.0.0.1");
    const fake = (challenge: string) => ({
      response: {
        id: "AAAA",
        rawId: "AAAA",
        type: "public-key",
        response: {
          clientDataJSON: Buffer.from(JSON.stringify({ type: "webauthn.get", challenge })).toString("base64url"),
          authenticatorData: "AAAA",
          signature: "AAAA",
        },
        clientExtensionResults: {},
      },
    });
    const options = await call({
      method: "POST",
      url: "/api/v1/auth/passkeys/login-options",
      remoteAddress: "192.0.2.50",
    });
    expect(options.statusCode, options.body).toBe(200);
    expect(options.json().rpId).toBe("localhost");
    const challenge = options.json().challenge as string;
    expect((await putSettings(accessToken, { allowedNetworks: ["127.0.0.1"] })).statusCode).toBe(200);
    try {
      const blocked = await call({
        method: "POST",
        url: "/api/v1/auth/passkeys/login",
        payload: fake(challenge),
        remoteAddress: "192.0.2.50",
      });
      expectError(blocked, 401, "invalid_credentials");
    } finally {
      await putSettings(accessToken, { allowedNetworks: [] });
    }
    // Allowed now, but no passkey has that id: 401, and the challenge is used up.
    for (let i = 0; i < 2; i++)
      expectError(
        await call({
          method: "POST",
          url: "/api/v1/auth/passkeys/login",
          payload: fake(challenge),
          remoteAddress: "192.0.2.50",
        }),
        401,
        "invalid_credentials",
      );
    const log = await call({
      method: "GET",
      url: "/api/v1/auth/sign-ins?ip=192.0.2.50",
      headers: bearer(accessToken),
    });
    expect(
      (log.json().data as Array<{ result: string; method: string }>).map((r) => `${r.method}:${r.result}`),
    ).toEqual(["passkey:bad_passkey", "passkey:bad_passkey", "passkey:not_allowed_network"]);
    // A challenge is refused where a registration is expected, and a registration needs a login.
    expectError(
      await call({ method: "POST", url: "/api/v1/auth/passkeys", payload: fake(challenge) }),
      401,
      "unauthenticated",
    );
    expectError(
      await call({
        method: "POST",
        url: "/api/v1/auth/passkeys",
        headers: bearer(accessToken),
        payload: fake(challenge),
      }),
      400,
      "validation_failed",
    );
  });

  it("X-Forwarded-For is ignored from an untrusted peer and believed from a trusted proxy", async () => {
    const { accessToken } = await session(ADMIN.username, ADMIN.password, "127.0.0.1");
    const saved = await putSettings(accessToken, {
      trustedProxies: ["10.55.0.1"],
      allowedNetworks: ["127.0.0.1", "192.0.2.77"],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    try {
      const spoofed = await login(ADMIN, "10.66.0.1", { "x-forwarded-for": "192.0.2.77" });
      expectError(spoofed, 401, "invalid_credentials");
      const proxied = await login(ADMIN, "10.55.0.1", { "x-forwarded-for": "192.0.2.77" });
      expect(proxied.statusCode, proxied.body).toBe(200);
      const tokens = await call({
        method: "GET",
        url: "/api/v1/auth/tokens",
        headers: { ...bearer(proxied.json().accessToken), "x-forwarded-for": "192.0.2.77" },
        remoteAddress: "10.55.0.1",
      });
      expect(tokens.json().data.find((r: { current: boolean }) => r.current).ip).toBe("192.0.2.77");
    } finally {
      await putSettings(accessToken, { trustedProxies: [], allowedNetworks: [] });
    }
  });

  it("API Basic: off answers 401 without a Basic challenge; on accepts the admin's credentials", async () => {
    const { accessToken } = await session(ADMIN.username, ADMIN.password, "127.0.0.1");
    const basic = (user: string, pass: string) => ({
      authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`,
    });
    const off = await call({ method: "GET", url: "/api/v1/users", headers: basic(ADMIN.username, ADMIN.password) });
    expectError(off, 401, "unauthenticated");
    expect(off.headers["www-authenticate"]).toBeUndefined();

    expect((await putSettings(accessToken, { apiBasicAuth: true })).json().apiBasicAuth).toBe(true);
    try {
      const on = await call({ method: "GET", url: "/api/v1/users", headers: basic(ADMIN.username, ADMIN.password) });
      expect(on.statusCode, on.body).toBe(200);
      const wrong = await call({ method: "GET", url: "/api/v1/users", headers: basic(ADMIN.username, "nope-nope") });
      expectError(wrong, 401, "invalid_credentials");
      expect(wrong.headers["www-authenticate"]).toMatch(/^Basic realm="cisisk"/);
      // Not to the console (whose calls carry the CSRF header), so browsers never pop up a password dialog.
      const fromConsole = await call({
        method: "GET",
        url: "/api/v1/users",
        headers: { authorization: "Bearer expired.token.here", "x-cisisk-csrf": "1" },
      });
      expectError(fromConsole, 401, "unauthenticated");
      expect(fromConsole.headers["www-authenticate"]).toBeUndefined();
      // A level-1 user's right password does not open the API either.
      await createUser("basic-op", 1, "basic-op-password");
      expectError(
        await call({ method: "GET", url: "/api/v1/users", headers: basic("basic-op", "basic-op-password") }),
        401,
        "invalid_credentials",
      );

      // An API client calling again and again: every call is checked, the sign-in log keeps one line a minute,
      // and a changed password stops the old one on the very next call (however recently it was verified).
      const apiAdmin = await createUser("basic-admin", 0, "basic-admin-pass-1");
      const asClient = (pass: string) =>
        call({
          method: "GET",
          url: "/api/v1/users?pageSize=1",
          headers: basic("basic-admin", pass),
          remoteAddress: "192.0.2.61",
        });
      for (let i = 0; i < 4; i++) expect((await asClient("basic-admin-pass-1")).statusCode).toBe(200);
      const log = await call({
        method: "GET",
        url: "/api/v1/auth/sign-ins?ip=192.0.2.61",
        headers: bearer(accessToken),
      });
      expect(
        (log.json().data as Array<{ method: string; result: string }>).map((r) => `${r.method}:${r.result}`),
      ).toEqual(["basic:ok"]);
      const changed = await call({
        method: "PATCH",
        url: `/api/v1/users/${apiAdmin.id}`,
        headers: bearer(accessToken),
        payload: { password: "basic-admin-pass-2" },
      });
      expect(changed.statusCode, changed.body).toBe(200);
      expectError(await asClient("basic-admin-pass-1"), 401, "invalid_credentials");
      expect((await asClient("basic-admin-pass-2")).statusCode).toBe(200);
    } finally {
      await putSettings(accessToken, { apiBasicAuth: false });
    }
  });

  it("every server sees a change on its next request after at most the cache time", async () => {
    const other = await buildTestApp({
      db: await connectDatabase(t.databaseUrl),
      toml: { security: { settings_cache_ms: 1000 } },
    });
    try {
      const { accessToken } = await session(ADMIN.username, ADMIN.password, "127.0.0.1");
      const before = await other.app.inject({ method: "GET", url: "/api/v1/users", headers: basicHeader() });
      expectError(before, 401, "unauthenticated");
      expect((await putSettings(accessToken, { apiBasicAuth: true })).statusCode).toBe(200);
      const seen = await eventually(
        async () => {
          const r = await other.app.inject({ method: "GET", url: "/api/v1/users", headers: basicHeader() });
          return r.statusCode === 200 ? Date.now() : undefined;
        },
        2_500,
        "the other server to see the setting",
      );
      expect(seen).toBeGreaterThan(0);
    } finally {
      await putSettings((await session(ADMIN.username, ADMIN.password, "127.0.0.1")).accessToken, {
        apiBasicAuth: false,
      });
      await other.close();
    }
  });
});

const basicHeader = () => ({
  authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}`,
});

describe("security notices and the sign-in log", () => {
  it("mails the admin addresses on a sign-in from a new address and on a lockout", async () => {
    const { accessToken } = await session(ADMIN.username, ADMIN.password, "127.0.0.1");
    expect(
      (await putSettings(accessToken, { adminEmails: "sec@example.com; boss@example.com" })).json().adminEmails,
    ).toBe("sec@example.com;boss@example.com");
    try {
      mails.splice(0);
      expect((await login(ADMIN, "198.18.0.5", { "user-agent": "Notice Browser/2" })).statusCode).toBe(200);
      const notice = await eventually(
        async () => mails.find((m) => m.data.includes("new address") && m.to.includes("boss@example.com")),
        10_000,
        "the new-address notice",
      );
      expect(notice.data).toContain("198.18.0.5");
      expect(notice.data).not.toContain(ADMIN.password);
      // The same address again: no second notice.
      expect((await login(ADMIN, "198.18.0.5")).statusCode).toBe(200);

      await createUser("locked", 0, "locked-password-1");
      for (let i = 0; i < 6; i++) await login({ username: "locked", password: `l-${i}` }, "198.18.0.9");
      const lockout = await eventually(
        async () => mails.find((m) => m.data.includes("blocked") && m.to.includes("sec@example.com")),
        10_000,
        "the lockout notice",
      );
      expect(lockout.data).toContain("198.18.0.9");
      await new Promise((r) => setTimeout(r, 300));
      // One mail per admin address for the first sign-in, none for the second.
      expect(mails.filter((m) => m.data.includes("new address") && m.data.includes("198.18.0.5"))).toHaveLength(2);
      // One lockout notice per address and account, however long the attack.
      expect(mails.filter((m) => m.data.includes("blocked") && m.to.includes("sec@example.com"))).toHaveLength(1);
    } finally {
      await putSettings(accessToken, { adminEmails: "" });
    }
  });

  it("keeps every attempt with time, user, address, User-Agent and result, filterable", async () => {
    await login({ username: "admin", password: "log-wrong" }, "198.18.1.1", { "user-agent": "Log Agent/1" });
    await login(ADMIN, "198.18.1.1", { "user-agent": "Log Agent/1" });
    const { accessToken } = await session(ADMIN.username, ADMIN.password, "127.0.0.1");
    const list = await call({
      method: "GET",
      url: "/api/v1/auth/sign-ins?ip=198.18.1.1",
      headers: bearer(accessToken),
    });
    expect(list.statusCode, list.body).toBe(200);
    const rows = list.json().data as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.result)).toEqual(["ok", "bad_credentials"]);
    expect(rows[0]).toMatchObject({
      username: "admin",
      ip: "198.18.1.1",
      userAgent: "Log Agent/1",
      method: "password",
    });
    expect(typeof rows[0]!.at).toBe("string");
    const failed = await call({
      method: "GET",
      url: "/api/v1/auth/sign-ins?result=bad_credentials&username=admin&ip=198.18.1.1",
      headers: bearer(accessToken),
    });
    expect(failed.json().total).toBe(1);
    expect(JSON.stringify(failed.json())).not.toContain("log-wrong");
    expectError(
      await call({ method: "GET", url: "/api/v1/auth/sign-ins?result=maybe", headers: bearer(accessToken) }),
      400,
      "validation_failed",
    );
  });
});
