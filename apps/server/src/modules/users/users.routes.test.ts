import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";

let t: TestApp;
let h: Record<string, string>;
beforeAll(async () => {
  t = await buildTestApp();
  h = await t.adminHeaders();
});
afterAll(async () => t?.close());

const api = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: h,
    ...(payload !== undefined && { payload: payload as object }),
  });

async function create(body: Record<string, unknown>) {
  const res = await api("POST", "/users", body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe("users CRUD", () => {
  it("creates a user and never returns the password", async () => {
    const res = await api("POST", "/users", {
      username: "jdoe",
      displayName: "Jane Doe",
      email: "jane@example.com",
      phone: "+41 44 123 45 67",
      password: "jane-password-1",
    });
    expect(res.statusCode).toBe(201);
    const user = res.json();
    expect(user).toMatchObject({
      username: "jdoe",
      displayName: "Jane Doe",
      level: 1,
      activated: true,
      hasPassword: true,
    });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(user)).not.toContain("jane-password-1");
    expect(JSON.stringify(user)).not.toContain("argon2");
    const got = await api("GET", `/users/${user.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(user);
  });

  it("defaults displayName to the username and stores empty optional fields as null", async () => {
    const u = await create({ username: "bare", email: "", phone: "" });
    expect(u).toMatchObject({ displayName: "bare", email: null, phone: null, hasPassword: false });
  });

  it("answers 409 conflict for a taken username, whatever its case, and keeps the original", async () => {
    await create({ username: "taken" });
    expectError(await api("POST", "/users", { username: "taken" }), 409, "conflict");
    expectError(await api("POST", "/users", { username: "TAKEN" }), 409, "conflict");
    const list = (await api("GET", "/users?q=taken")).json();
    expect(list.total).toBe(1);
  });

  it.each([
    [{ username: "a" }, "username too short"],
    [{ username: "has space" }, "username with a space"],
    [{ username: "x@y" }, "username with @"],
    [{ username: "okname", email: "not-an-email" }, "bad email"],
    [{ username: "okname", level: -1 }, "negative level"],
    [{ username: "okname", level: 1.5 }, "fractional level"],
    [{ username: "okname", password: "short" }, "short password"],
    [{ username: "okname", phone: "call me" }, "bad phone"],
    [{ username: "okname", activated: "yes" }, "boolean as string"],
  ])("answers 400 validation_failed for %j (%s) and creates nothing", async (body, _why) => {
    const before = (await api("GET", "/users")).json().total;
    const res = await api("POST", "/users", body);
    expectError(res, 400, "validation_failed");
    expect(Array.isArray(res.json().error.details)).toBe(true);
    expect(res.json().error.details[0].path).toMatch(/^body\./);
    expect((await api("GET", "/users")).json().total).toBe(before);
  });

  it("updates with PATCH and answers 404 for an unknown id, 400 for a malformed id or empty patch", async () => {
    const u = await create({ username: "patchme" });
    const res = await api("PATCH", `/users/${u.id}`, { displayName: "Patched", level: 3 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ displayName: "Patched", level: 3, username: "patchme" });
    expect(res.json().updatedAt >= u.updatedAt).toBe(true);
    expectError(
      await api("PATCH", "/users/00000000-0000-4000-8000-000000000000", { displayName: "x" }),
      404,
      "not_found",
    );
    expectError(await api("PATCH", "/users/not-a-uuid", { displayName: "x" }), 400, "validation_failed");
    expectError(await api("PATCH", `/users/${u.id}`, {}), 400, "validation_failed");
  });

  it("renaming onto a taken username answers 409 and changes nothing", async () => {
    const a = await create({ username: "rename-a" });
    await create({ username: "rename-b" });
    expectError(
      await api("PATCH", `/users/${a.id}`, { username: "rename-b", displayName: "Changed" }),
      409,
      "conflict",
    );
    expect((await api("GET", `/users/${a.id}`)).json()).toMatchObject({
      username: "rename-a",
      displayName: "rename-a",
    });
  });

  it("deletes with 204, then 404", async () => {
    const u = await create({ username: "deleteme" });
    expect((await api("DELETE", `/users/${u.id}`)).statusCode).toBe(204);
    expectError(await api("GET", `/users/${u.id}`), 404, "not_found");
    expectError(await api("DELETE", `/users/${u.id}`), 404, "not_found");
  });

  it("requires a superadmin token for every users route", async () => {
    const anon = await t.app.inject({ method: "GET", url: "/api/v1/users" });
    expectError(anon, 401, "unauthenticated");
    const bad = await t.app.inject({ method: "GET", url: "/api/v1/users", headers: { authorization: "Bearer x.y.z" } });
    expectError(bad, 401, "unauthenticated");
  });
});

describe("list: paging, search, sort", () => {
  beforeAll(async () => {
    for (const [i, name] of ["zed", "amy", "Bob", "carla", "dave"].entries()) {
      await create({
        username: `list-${name}`,
        displayName: `${name} Listed`,
        level: i % 2 === 0 ? 2 : 5,
        email: `${name}@corp.example`,
      });
    }
  });

  it("pages with total, page and pageSize", async () => {
    const res = (await api("GET", "/users?q=listed&pageSize=2&page=2&sort=username")).json();
    expect(res.total).toBe(5);
    expect(res.page).toBe(2);
    expect(res.pageSize).toBe(2);
    // Sorted by username case-insensitively: amy, Bob | carla, dave | zed.
    expect(res.data.map((u: { username: string }) => u.username)).toEqual(["list-carla", "list-dave"]);
  });

  it("searches case-insensitively over username, display name and email", async () => {
    expect((await api("GET", "/users?q=CORP.EXAMPLE")).json().total).toBe(5);
    expect((await api("GET", "/users?q=bob")).json().data[0].username).toBe("list-Bob");
    // LIKE wildcards in the search are literal characters.
    expect((await api("GET", "/users?q=%25")).json().total).toBe(0);
  });

  it("sorts descending with -field and filters by level", async () => {
    const names = (await api("GET", "/users?q=listed&sort=-username"))
      .json()
      .data.map((u: { username: string }) => u.username);
    expect(names).toEqual(["list-zed", "list-dave", "list-carla", "list-Bob", "list-amy"]);
    expect((await api("GET", "/users?q=listed&level=5")).json().total).toBe(2);
  });

  it.each(["page=0", "pageSize=501", "pageSize=abc", "sort=password", "sort=-", "level=10"])(
    "rejects ?%s with 400",
    async (qs) => {
      expectError(await api("GET", `/users?${qs}`), 400, "validation_failed");
    },
  );
});

describe("last superadmin protection", () => {
  it("refuses to demote, deactivate or delete the last active superadmin (409)", async () => {
    const admins = (await api("GET", "/users?level=0")).json();
    expect(admins.total).toBe(1);
    const admin = admins.data[0];
    expectError(await api("PATCH", `/users/${admin.id}`, { level: 1 }), 409, "conflict");
    expectError(await api("PATCH", `/users/${admin.id}`, { activated: false }), 409, "conflict");
    expect((await api("GET", `/users/${admin.id}`)).json()).toMatchObject({ level: 0, activated: true });
  });

  it("allows demoting a superadmin while another one remains, and forbids deleting yourself", async () => {
    const second = await create({ username: "second-root", level: 0, password: "second-root-pass" });
    const demoted = await api("PATCH", `/users/${second.id}`, { level: 2 });
    expect(demoted.statusCode).toBe(200);
    const me = (await api("GET", "/users?level=0"))
      .json()
      .data.find((u: { username: string }) => u.username === ADMIN.username);
    expectError(await api("DELETE", `/users/${me.id}`), 409, "conflict");
  });

  it("refuses to delete the last superadmin when another admin asks", async () => {
    const other = await create({ username: "other-root", level: 0, password: "other-root-pass" });
    const login = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { username: "other-root", password: "other-root-pass" },
    });
    const otherHeaders = { authorization: `Bearer ${login.json().accessToken}` };
    const admin = (await api("GET", "/users?level=0"))
      .json()
      .data.find((u: { username: string }) => u.username === ADMIN.username);
    // Two superadmins: other-root may delete admin…
    const del = await t.app.inject({ method: "DELETE", url: `/api/v1/users/${admin.id}`, headers: otherHeaders });
    expect(del.statusCode).toBe(204);
    // …and now other-root is the last one: demoting it is refused.
    const res = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/users/${other.id}`,
      headers: otherHeaders,
      payload: { level: 1 },
    });
    expectError(res, 409, "conflict");
  });
});
