import { createHash } from "node:crypto";
import type { Account, AccountLoginResponse, CreatedApiKey, User } from "@cisisk/contract";
import { XMLParser } from "fast-xml-parser";
import jsQRModule from "jsqr";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";
import { startSmsPeer, startSmtpPeer } from "../../test/message-peers.js";
import { eventually } from "../../test/server-process.js";

// Every flow through HTTP, with a real SMTP server and a loopback SMS provider: links and PINs are read
// from what they received. The digests are checked against node:crypto, the lpconfig is parsed.
const DOMAIN = "sip.example.test";
const PUBLIC = "https://accounts.example.test";
const md5 = (s: string) => createHash("md5").update(s).digest("hex");
// jsqr is CommonJS with an ES default export in its types: take whichever the loader gives.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsQRModule as unknown as { default?: Decode }).default ?? jsQRModule) as unknown as Decode;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let sms: Awaited<ReturnType<typeof startSmsPeer>>;
let nowMs = Date.now();
const advance = (ms: number) => (nowMs += ms);

beforeAll(async () => {
  smtp = await startSmtpPeer();
  sms = await startSmsPeer();
  t = await buildTestApp({
    clock: () => new Date(nowMs),
    toml: {
      sip: { domain: DOMAIN, realm: DOMAIN, proxy: "proxy.example.test:5062", transport: "tcp" },
      mail: { smtp_url: `smtp://127.0.0.1:${smtp.port}`, from: "Cisisk <noreply@example.test>" },
      sms: { url: sms.url },
      registration: { public_registration: true, phone_registration: true, public_url: PUBLIC },
    },
  });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
  await sms?.close();
});

const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "POST", url: `/api/v1${url}`, payload, headers });
const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url: `/api/v1${url}`, headers });
const admin = async (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, payload, headers: await t.adminHeaders() });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function mailTo(address: string, count: number) {
  return eventually(
    async () => {
      const mine = smtp.mails.filter((m) => m.to.includes(address));
      return mine.length >= count ? mine[count - 1] : undefined;
    },
    10_000,
    `mail ${count} to ${address}`,
  );
}
async function smsTo(phone: string, count: number) {
  return eventually(
    async () => {
      const mine = sms.sms.filter((m) => m.to === phone);
      return mine.length >= count ? mine[count - 1] : undefined;
    },
    10_000,
    `SMS ${count} to ${phone}`,
  );
}
const linkIn = (text: string, path: string) => {
  const m = new RegExp(`${PUBLIC.replace(/\./g, "\\.")}/account/${path}/([A-Za-z0-9_-]+)`).exec(text);
  expect(m, text).not.toBeNull();
  return m![1]!;
};
const pinIn = (text: string) => /\b([0-9]{6})\b/.exec(text)![1]!;

async function findUser(username: string): Promise<User | undefined> {
  const res = await admin("GET", `/users?q=${encodeURIComponent(username)}`);
  return res.json<{ data: User[] }>().data.find((u) => u.username === username);
}

async function registerByEmail(username: string, email: string, password: string) {
  const before = smtp.mails.filter((m) => m.to.includes(email)).length;
  const res = await post("/account/register", { username, email });
  expect(res.statusCode, res.body).toBe(202);
  const token = linkIn((await mailTo(email, before + 1)).text, "confirm");
  const confirmed = await post("/account/confirm", { token, password });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { token, account: confirmed.json<Account>() };
}

async function login(identifier: string, password: string) {
  const res = await post("/account/login", { identifier, password });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<AccountLoginResponse>();
}

async function lpconfigOf(userId: string) {
  const link = await admin("POST", `/users/${userId}/provisioning`);
  expect(link.statusCode, link.body).toBe(201);
  const { url } = link.json<{ url: string }>();
  const res = await t.app.inject({
    method: "GET",
    url: new URL(url).pathname,
    headers: { "x-linphone-provisioning": "true" },
  });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^application\/xml/);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", parseTagValue: false }).parse(
    res.body,
  ) as { config: { section: Array<{ name: string; entry: Array<{ name: string; "#text": string }> }> } };
  const sections = Object.fromEntries(
    parsed.config.section.map((s) => [s.name, Object.fromEntries(s.entry.map((e) => [e.name, e["#text"]]))]),
  );
  return { sections, body: res.body };
}

describe("registration by email", () => {
  it("creates an inactive account, mails a single-use link, and the link activates it with its password", async () => {
    const res = await post("/account/register", { username: "alice", email: "Alice@Example.test" });
    expect(res.statusCode, res.body).toBe(202);
    const mail = await mailTo("alice@example.test", 1);
    const token = linkIn(mail.text, "confirm");
    const user = (await findUser("alice"))!;
    expect(user.activated).toBe(false);
    expectError(
      await post("/account/login", { identifier: "alice", password: "alice-password-1" }),
      401,
      "invalid_credentials",
    );

    const confirmed = await post("/account/confirm", { token, password: "alice-password-1" });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json<Account>()).toMatchObject({
      username: "alice",
      sipAddress: `alice@${DOMAIN}`,
      activated: true,
      algorithms: ["MD5"],
    });
    expectError(await post("/account/confirm", { token, password: "other-password-2" }), 400, "validation_failed");

    const session = await login("alice", "alice-password-1");
    expect(session.tokenType).toBe("Bearer");
    expect(session.account.email).toBe("alice@example.test");
    const me = await get("/account/me", bearer(session.accessToken));
    expect(me.json<Account>().username).toBe("alice");
    // A self-service token is not a console token.
    expectError(await get("/users", bearer(session.accessToken)), 401, "unauthenticated");
    // And a console token is not a self-service token.
    expectError(await get("/account/me", await t.adminHeaders()), 401, "unauthenticated");
  });

  it("answers an email already in use exactly like a new one, and only notifies that address", async () => {
    const fresh = await post("/account/register", { username: "bob", email: "bob@example.test" });
    const reused = await post("/account/register", { username: "mallory", email: "ALICE@example.test" });
    expect(reused.statusCode).toBe(202);
    expect(reused.body).toBe(fresh.body);
    const notice = await mailTo("alice@example.test", 2);
    expect(notice.text).not.toMatch(/account\/confirm\//);
    expect(await findUser("mallory")).toBeUndefined();
  });

  it("refuses a taken username (409) and usernames against the rules (400)", async () => {
    expectError(await post("/account/register", { username: "alice", email: "x@example.test" }), 409, "conflict");
    for (const username of ["Alice", "admin", "+33612345678", "0612345678", "a b", "x"]) {
      expectError(await post("/account/register", { username, email: "y@example.test" }), 400, "validation_failed");
    }
  });

  it("refuses an expired link", async () => {
    await post("/account/register", { username: "carol", email: "carol@example.test" });
    const token = linkIn((await mailTo("carol@example.test", 1)).text, "confirm");
    advance(24 * 3600_000 + 1000);
    expectError(await post("/account/confirm", { token, password: "carol-password-1" }), 400, "validation_failed");
    expect((await findUser("carol"))!.activated).toBe(false);
  });

  it("stores MD5(username:realm:password), checked through the Linphone provisioning", async () => {
    const user = (await findUser("alice"))!;
    const { sections, body } = await lpconfigOf(user.id);
    expect(body).not.toContain("alice-password-1");
    expect(sections.auth_info_0).toMatchObject({
      username: "alice",
      realm: DOMAIN,
      domain: DOMAIN,
      algorithm: "MD5",
      ha1: md5(`alice:${DOMAIN}:alice-password-1`),
    });
    expect(sections.proxy_0!.reg_identity).toBe(`"alice" <sip:alice@${DOMAIN}>`);
    expect(sections.proxy_0!.reg_proxy).toBe("<sip:proxy.example.test:5062;transport=tcp>");
  });
});

describe("registration by phone", () => {
  const phone = "+33611223344";
  it("sends a 6-digit PIN; three wrong tries kill it; resending is throttled", async () => {
    expect((await post("/account/register/phone", { phone })).statusCode).toBe(202);
    const pin = pinIn((await smsTo(phone, 1)).text);
    expectError(await post("/account/register/phone", { phone }), 429, "rate_limited");
    const wrong = pin === "000000" ? "111111" : "000000";
    for (let i = 0; i < 3; i++) {
      expectError(
        await post("/account/register/phone/confirm", { phone, pin: wrong, password: "phone-password-1" }),
        400,
        "validation_failed",
      );
    }
    expectError(
      await post("/account/register/phone/confirm", { phone, pin, password: "phone-password-1" }),
      400,
      "validation_failed",
    );
    advance(61_000);
    expect((await post("/account/register/phone", { phone })).statusCode).toBe(202);
    const second = pinIn((await smsTo(phone, 2)).text);
    const ok = await post("/account/register/phone/confirm", { phone, pin: second, password: "phone-password-1" });
    expect(ok.statusCode, ok.body).toBe(200);
    // No username given: the number is the username.
    expect(ok.json<Account>()).toMatchObject({ username: phone, phone, activated: true });
    expect((await login(phone, "phone-password-1")).account.username).toBe(phone);
  });

  it("expires a PIN after 10 minutes", async () => {
    const other = "+33655667788";
    await post("/account/register/phone", { phone: other, username: "dave" });
    const pin = pinIn((await smsTo(other, 1)).text);
    advance(10 * 60_000 + 1000);
    expectError(
      await post("/account/register/phone/confirm", { phone: other, pin, password: "dave-password-1" }),
      400,
      "validation_failed",
    );
  });
});

describe("login, recovery and the panel", () => {
  it("throttles wrong passwords per account with one generic error", async () => {
    advance(3600_000);
    const unknown = await post("/account/login", { identifier: "nobody", password: "whatever-1" });
    expectError(unknown, 401, "invalid_credentials");
    const wrong = await post("/account/login", { identifier: "alice", password: "whatever-1" });
    expect(wrong.body).toBe(unknown.body);
    for (let i = 0; i < 4; i++) await post("/account/login", { identifier: "alice", password: "whatever-1" });
    const limited = await post("/account/login", { identifier: "alice", password: "alice-password-1" });
    expectError(limited, 429, "rate_limited");
    expect(limited.headers["retry-after"]).toBeDefined();
    advance(3600_000);
  });

  it("recovers by email link and by phone PIN; unknown addresses get the same answer and nothing is sent", async () => {
    const mailsBefore = smtp.mails.length;
    const unknown = await post("/account/recover", { email: "nobody@example.test" });
    const known = await post("/account/recover", { email: "alice@example.test" });
    expect(unknown.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    const token = linkIn((await mailTo("alice@example.test", 3)).text, "reset");
    expect(smtp.mails.filter((m) => m.to.includes("nobody@example.test"))).toHaveLength(0);
    expect(smtp.mails.length).toBe(mailsBefore + 1);
    const reset = await post("/account/reset", { token, password: "alice-password-2" });
    expect(reset.statusCode, reset.body).toBe(200);
    expectError(await post("/account/reset", { token, password: "alice-password-3" }), 400, "validation_failed");
    await login("alice", "alice-password-2");

    const phone = "+33611223344";
    expect((await post("/account/recover", { phone })).statusCode).toBe(202);
    const pin = pinIn((await smsTo(phone, 3)).text);
    const byPin = await post("/account/reset", { phone, pin, password: "phone-password-2" });
    expect(byPin.statusCode, byPin.body).toBe(200);
    await login(phone, "phone-password-2");
  });

  it("changes the email only when the link sent to the new address is opened, and tells the old one", async () => {
    const s = await login("alice", "alice-password-2");
    const res = await post("/account/email", { email: "alice.new@example.test" }, bearer(s.accessToken));
    expect(res.statusCode).toBe(202);
    const token = linkIn((await mailTo("alice.new@example.test", 1)).text, "email");
    expect((await get("/account/me", bearer(s.accessToken))).json<Account>().email).toBe("alice@example.test");
    const done = await post("/account/email/confirm", { token });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json<Account>().email).toBe("alice.new@example.test");
    const notice = await mailTo("alice@example.test", 4);
    expect(notice.text).toContain("alice.new@example.test");
  });

  it("changes the password with the current one, optionally with SHA-256, and ends the other sessions", async () => {
    const other = await login("alice", "alice-password-2");
    const mine = await login("alice", "alice-password-2");
    expectError(
      await post(
        "/account/password",
        { currentPassword: "wrong-password", newPassword: "alice-password-3", sha256: true },
        bearer(mine.accessToken),
      ),
      401,
      "invalid_credentials",
    );
    const res = await post(
      "/account/password",
      { currentPassword: "alice-password-2", newPassword: "alice-password-3", sha256: true },
      bearer(mine.accessToken),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Account>().algorithms).toEqual(["MD5", "SHA-256"]);
    expectError(await get("/account/me", bearer(other.accessToken)), 401, "unauthenticated");
    expectError(await post("/account/refresh", { refreshToken: other.refreshToken }), 401, "invalid_credentials");
    expect((await get("/account/me", bearer(mine.accessToken))).statusCode).toBe(200);

    const { sections } = await lpconfigOf(res.json<Account>().id);
    expect(sections.auth_info_0).toMatchObject({
      algorithm: "SHA-256",
      ha1: sha256(`alice:${DOMAIN}:alice-password-3`),
    });
  });

  it("a refresh token presented twice ends the session for both holders (the thief's successor dies too)", async () => {
    const s = await login("alice", "alice-password-3");
    const rotated = await post("/account/refresh", { refreshToken: s.refreshToken });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const successor = rotated.json<{ accessToken: string; refreshToken: string }>();
    expect((await get("/account/me", bearer(successor.accessToken))).statusCode).toBe(200);
    expectError(await post("/account/refresh", { refreshToken: s.refreshToken }), 401, "invalid_credentials");
    expectError(await get("/account/me", bearer(successor.accessToken)), 401, "unauthenticated");
    expectError(await post("/account/refresh", { refreshToken: successor.refreshToken }), 401, "invalid_credentials");
    // Another login of the same person is untouched.
    const other = await login("alice", "alice-password-3");
    expect((await get("/account/me", bearer(other.accessToken))).statusCode).toBe(200);
  });

  it("deletes the account only with the full SIP address retyped; the username is never given again", async () => {
    const s = await login("bob-never", "x").catch(() => null);
    expect(s).toBeNull();
    const { account } = await registerByEmail("erin", "erin@example.test", "erin-password-1");
    const session = await login("erin", "erin-password-1");
    expectError(
      await post("/account/delete", { sipAddress: "erin" }, bearer(session.accessToken)),
      400,
      "validation_failed",
    );
    expectError(
      await post("/account/delete", { sipAddress: `erin@other.test` }, bearer(session.accessToken)),
      400,
      "validation_failed",
    );
    expect((await findUser("erin"))?.id).toBe(account.id);
    const del = await post("/account/delete", { sipAddress: `sip:erin@${DOMAIN}` }, bearer(session.accessToken));
    expect(del.statusCode, del.body).toBe(204);
    expect(await findUser("erin")).toBeUndefined();
    expectError(await get("/account/me", bearer(session.accessToken)), 401, "unauthenticated");
    expectError(
      await post("/account/login", { identifier: "erin", password: "erin-password-1" }),
      401,
      "invalid_credentials",
    );
    expectError(await post("/account/register", { username: "erin", email: "erin2@example.test" }), 409, "conflict");
  });
});

describe("administration", () => {
  it("activates and deactivates an account", async () => {
    const user = (await findUser("alice"))!;
    const off = await admin("POST", `/users/${user.id}/deactivate`);
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json<Account>().activated).toBe(false);
    expectError(
      await post("/account/login", { identifier: "alice", password: "alice-password-3" }),
      401,
      "invalid_credentials",
    );
    const on = await admin("POST", `/users/${user.id}/activate`);
    expect(on.json<Account>().activated).toBe(true);
    await login("alice", "alice-password-3");
  });

  it("keeps the SIP side in step with the console's user edits: password, activation; the username is fixed", async () => {
    const { account } = await registerByEmail("gina", "gina@example.test", "gina-password-1");
    const lineOf = async () =>
      (await admin("GET", "/extensions?q=gina")).json<{ data: Array<{ number: string; technology: string }> }>().data;
    expect(await lineOf()).toEqual([expect.objectContaining({ number: "gina", technology: "PJSIP" })]);
    const patched = await admin("PATCH", `/users/${account.id}`, { password: "gina-password-2" });
    expect(patched.statusCode, patched.body).toBe(200);
    const { sections } = await lpconfigOf(account.id);
    expect(sections.auth_info_0!.ha1).toBe(md5(`gina:${DOMAIN}:gina-password-2`));
    expect((await admin("PATCH", `/users/${account.id}`, { activated: false })).statusCode).toBe(200);
    expect(await lineOf()).toEqual([]);
    expect((await admin("PATCH", `/users/${account.id}`, { activated: true })).statusCode).toBe(200);
    expect(await lineOf()).toHaveLength(1);
    expectError(await admin("PATCH", `/users/${account.id}`, { username: "gina2" }), 409, "conflict");
    // The console's delete removes the account's rows and Asterisk objects too, and the name is retired.
    expect((await admin("DELETE", `/users/${account.id}`)).statusCode).toBe(204);
    expect(await lineOf()).toEqual([]);
    expectError(await post("/account/register", { username: "gina", email: "gina2@example.test" }), 409, "conflict");
  });

  it("serves a provisioning link once, to Linphone only; a newer link kills the older; the QR code is the link", async () => {
    const { account } = await registerByEmail("frank", "frank@example.test", "frank-password-1");
    await admin("POST", `/users/${account.id}/deactivate`);
    const first = (await admin("POST", `/users/${account.id}/provisioning`)).json<{ url: string; expiresAt: string }>();
    const second = await admin("POST", `/users/${account.id}/provisioning`);
    expect(second.statusCode).toBe(201);
    const { url, expiresAt } = second.json<{ url: string; expiresAt: string }>();
    expect(url.startsWith(`${PUBLIC}/provisioning/`)).toBe(true);
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(nowMs);
    expectError(
      await t.app.inject({
        method: "GET",
        url: new URL(first.url).pathname,
        headers: { "x-linphone-provisioning": "1" },
      }),
      404,
      "not_found",
    );

    const qr = await admin("GET", `/users/${account.id}/provisioning/qr.png`);
    expect(qr.statusCode).toBe(200);
    expect(qr.headers["content-type"]).toBe("image/png");
    const png = PNG.sync.read(qr.rawPayload);
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(url);

    // A browser or a mail scanner does not burn it.
    expectError(await t.app.inject({ method: "GET", url: new URL(url).pathname }), 403, "forbidden");
    const linphone = await t.app.inject({
      method: "GET",
      url: new URL(url).pathname,
      headers: { "x-linphone-provisioning": "true" },
    });
    expect(linphone.statusCode, linphone.body).toBe(200);
    expect(linphone.body).toContain(md5(`frank:${DOMAIN}:frank-password-1`));
    expect((await admin("GET", `/users/${account.id}/account`)).json<Account>().activated).toBe(true);
    expectError(
      await t.app.inject({ method: "GET", url: new URL(url).pathname, headers: { "x-linphone-provisioning": "true" } }),
      404,
      "not_found",
    );
  });

  it("API keys: shown once, stored hashed, accepted as X-API-Key, bound to networks, expiring, deletable", async () => {
    const created = await admin("POST", "/api-keys", { name: "backup script" });
    expect(created.statusCode, created.body).toBe(201);
    const key = created.json<CreatedApiKey>();
    expect(key.key).toMatch(/^csk_/);
    const listed = await admin("GET", "/api-keys");
    expect(listed.body).not.toContain(key.key);
    const rows = await t.db.kysely.selectFrom("api_keys").selectAll().execute();
    expect(rows.map((r) => r.key_hash)).toContain(sha256(key.key));

    const used = await get("/users", { "x-api-key": key.key });
    expect(used.statusCode, used.body).toBe(200);
    const scripted = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: { "x-api-key": key.key },
      payload: { username: "scripted", password: "scripted-password-1" },
    });
    expect(scripted.statusCode, scripted.body).toBe(201);
    const edited = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/users/${scripted.json<User>().id}`,
      headers: { "x-api-key": key.key },
      payload: { displayName: "Made by a script" },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const after = (await admin("GET", "/api-keys")).json<{ data: Array<{ id: string; lastUsedAt: string | null }> }>();
    expect(after.data.find((k) => k.id === key.id)!.lastUsedAt).not.toBeNull();
    expectError(await get("/users", { "x-api-key": `${key.key}x` }), 401, "unauthenticated");
    // Self-service stays closed to API keys.
    expectError(await get("/account/me", { "x-api-key": key.key }), 401, "unauthenticated");

    const elsewhere = (
      await admin("POST", "/api-keys", { name: "remote", allowedNetworks: ["10.0.0.0/8"] })
    ).json<CreatedApiKey>();
    expectError(await get("/users", { "x-api-key": elsewhere.key }), 401, "unauthenticated");
    const local = (
      await admin("POST", "/api-keys", { name: "local", allowedNetworks: ["127.0.0.0/8"] })
    ).json<CreatedApiKey>();
    expect((await get("/users", { "x-api-key": local.key })).statusCode).toBe(200);

    const soon = (
      await admin("POST", "/api-keys", { name: "soon", expiresAt: new Date(nowMs + 60_000).toISOString() })
    ).json<CreatedApiKey>();
    expect((await get("/users", { "x-api-key": soon.key })).statusCode).toBe(200);
    advance(61_000);
    expectError(await get("/users", { "x-api-key": soon.key }), 401, "unauthenticated");

    expect((await admin("DELETE", `/api-keys/${key.id}`)).statusCode).toBe(204);
    expectError(await get("/users", { "x-api-key": key.key }), 401, "unauthenticated");
    expectError(
      await admin("POST", "/api-keys", { name: "bad", allowedNetworks: ["not-a-net"] }),
      400,
      "validation_failed",
    );
  });
});

describe("without mail or SMS configured", () => {
  it("refuses up front, the same way whoever the address or number belongs to", async () => {
    const bare = await buildTestApp({
      toml: { registration: { public_registration: true, phone_registration: true } },
    });
    try {
      await bare.app.inject({
        method: "POST",
        url: "/api/v1/users",
        headers: await bare.adminHeaders(),
        payload: { username: "known", email: "known@example.test", phone: "+41445550100" },
      });
      const call = (url: string, payload: object) => bare.app.inject({ method: "POST", url: `/api/v1${url}`, payload });
      const answers = [
        await call("/account/recover", { email: "known@example.test" }),
        await call("/account/recover", { email: "unknown@example.test" }),
        await call("/account/register", { username: "newbie", email: "known@example.test" }),
        await call("/account/register", { username: "newbie", email: "unknown@example.test" }),
      ];
      for (const res of answers) expectError(res, 403, "forbidden");
      expect(new Set(answers.map((r) => r.body)).size).toBe(1);
      expectError(await call("/account/recover", { phone: "+41445550100" }), 403, "forbidden");
      expectError(await call("/account/register/phone", { phone: "+41445550199" }), 403, "forbidden");
      const users = await bare.app.inject({ method: "GET", url: "/api/v1/users", headers: await bare.adminHeaders() });
      expect(users.json<{ total: number }>().total).toBe(2);
    } finally {
      await bare.close();
    }
  });
});
