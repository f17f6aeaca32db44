import { XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILT_IN_SERVICE_IDS } from "../../db/migrations/0005-directory.js";
import { buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";
import { insertPhone, parseCiscoPage } from "../../test/cisco-xml.js";

let t: TestApp;
let h: Record<string, string>;
let phoneA: string;
let phoneB: string;
const MAC_A = "AA0000000001";
const MAC_B = "AA0000000002";
const MAC_C = "AA0000000003";

beforeAll(async () => {
  t = await buildTestApp();
  h = await t.adminHeaders();
  phoneA = await insertPhone(t.db.kysely, { mac: MAC_A });
  phoneB = await insertPhone(t.db.kysely, { mac: MAC_B, currentProfileId: "profile-sales" });
  await insertPhone(t.db.kysely, { mac: MAC_C, model: "CP-7945G" });
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
  const res = await api("POST", "/services", body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const menuNames = async (mac: string) =>
  parseCiscoPage(await t.app.inject({ method: "GET", url: `/cisco/services?mac=${mac}` })).body.MenuItem.map(
    (i: { Name: string }) => i.Name,
  );

describe("services API", () => {
  it("lists the built-ins first, read-only", async () => {
    const res = await api("GET", "/services");
    expect(res.statusCode).toBe(200);
    const list = res.json().data;
    expect(list.map((s: { kind: string }) => s.kind)).toEqual([
      "corporate_directory",
      "personal_directory",
      "login",
      "logout",
    ]);
    expect(list.every((s: { builtIn: boolean }) => s.builtIn)).toBe(true);
    expect(list[1]).toMatchObject({ name: "Personal Directory", requiresLogin: true, url: "/cisco/personal" });
  });

  it("refuses to change or delete a built-in (403)", async () => {
    const id = BUILT_IN_SERVICE_IDS.corporate_directory;
    expectError(await api("PATCH", `/services/${id}`, { name: "Mine" }), 403, "forbidden");
    expectError(await api("DELETE", `/services/${id}`), 403, "forbidden");
    expect((await api("GET", `/services/${id}`)).json().name).toBe("Corporate Directory");
  });

  it("creates, updates and deletes a custom service; names are unique case-insensitively", async () => {
    const s = await create({
      name: "Weather",
      url: "http://svc.example/weather.xml?city=Z%C3%BCrich&days=3",
      description: "Forecast",
    });
    expect(s).toMatchObject({
      builtIn: false,
      kind: "custom",
      enabled: true,
      requiresLogin: false,
      phoneIds: [],
      profileIds: [],
    });
    expectError(await api("POST", "/services", { name: "WEATHER", url: "http://x.example/" }), 409, "conflict");
    const patched = await api("PATCH", `/services/${s.id}`, { enabled: false, description: "" });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ enabled: false, description: null });
    expect((await api("DELETE", `/services/${s.id}`)).statusCode).toBe(204);
    expectError(await api("GET", `/services/${s.id}`), 404, "not_found");
    expectError(await api("DELETE", `/services/${s.id}`), 404, "not_found");
  });

  it.each([
    [{ url: "http://x.example/" }, "no name"],
    [{ name: "x", url: "ftp://x.example/" }, "not http"],
    [{ name: "x", url: "not a url" }, "not a URL"],
    [{ name: "x", url: `http://x.example/${"a".repeat(240)}` }, "URL over 256"],
    [{ name: "x".repeat(65), url: "http://x.example/" }, "name too long"],
    [{ name: "x", url: "http://x.example/", phoneIds: ["nope"] }, "bad phone id"],
    [{ name: "x", url: "http://x.example/", enabled: "yes" }, "string boolean"],
  ])("answers 400 for %j (%s)", async (body, _why) => {
    expectError(await api("POST", "/services", body), 400, "validation_failed");
  });

  it("answers 400 when a phone id names no phone", async () => {
    const res = await api("POST", "/services", {
      name: "Ghost",
      url: "http://x.example/",
      phoneIds: ["00000000-0000-4000-8000-000000000009"],
    });
    expectError(res, 400, "validation_failed");
  });
});

describe("services menu on the phones", () => {
  it("offers a service to every phone when unassigned, else only to its phones and the phones of its profiles", async () => {
    await create({ name: "Everyone", url: "http://svc.example/all" });
    await create({ name: "Only A", url: "http://svc.example/a", phoneIds: [phoneA] });
    await create({ name: "Sales", url: "http://svc.example/sales", profileIds: ["profile-sales"] });
    await create({ name: "Off", url: "http://svc.example/off", enabled: false });
    expect(await menuNames(MAC_A)).toEqual([
      "Corporate Directory",
      "Personal Directory",
      "Log in",
      "Everyone",
      "Only A",
    ]);
    expect(await menuNames(MAC_B)).toEqual([
      "Corporate Directory",
      "Personal Directory",
      "Log in",
      "Everyone",
      "Sales",
    ]);
    expect(phoneB).toBeTruthy();
  });

  it("puts a login-protected service behind the login gate, then sends the phone on with a Refresh header", async () => {
    const s = await create({ name: "Voicemail", url: "http://vm.example/menu.xml?a=1&b=2", requiresLogin: true });
    const menu = parseCiscoPage(await t.app.inject({ method: "GET", url: `/cisco/services?mac=${MAC_A}` }), 4);
    const item = menu.body.MenuItem.find((i: { Name: string }) => i.Name === "Voicemail");
    expect(item.URL).toMatch(new RegExp(`/cisco/services/open\\?mac=${MAC_A}&id=${s.id}$`));
    const gate = parseCiscoPage(
      await t.app.inject({ method: "GET", url: `/cisco/services/open?mac=${MAC_A}&id=${s.id}` }),
    );
    expect(gate.type).toBe("CiscoIPPhoneInput");
    const user = await api("POST", "/users", { username: "vmuser", pin: "13579" });
    await t.deps.phoneSessions.open(MAC_A, user.json().id);
    const open = await t.app.inject({ method: "GET", url: `/cisco/services/open?mac=${MAC_A}&id=${s.id}` });
    const opening = parseCiscoPage(open);
    // Not 0, which the firmware reads as "manual": the phone would stay on "Opening..." for ever.
    expect(open.headers.refresh).toBe("1; url=http://vm.example/menu.xml?a=1&b=2");
    expect(opening.body.Text).toBe("Opening Voicemail...");
    expect(opening.body.SoftKeyItem[0]).toMatchObject({ Name: "Open", URL: "http://vm.example/menu.xml?a=1&b=2" });
  });
});

describe("phone preview", () => {
  it("renders the first screen for a 79xx and an 88xx: same XML object, soft keys laid out per family", async () => {
    const id = BUILT_IN_SERVICE_IDS.corporate_directory;
    const p79 = (await api("GET", `/services/${id}/preview?family=79xx`)).json();
    const p88 = (await api("GET", `/services/${id}/preview?family=88xx`)).json();
    for (const p of [p79, p88]) {
      expect(p.contentType).toBe("text/xml; charset=utf-8");
      expect(XMLValidator.validate(p.xml)).toBe(true);
      expect(p.object).toBe("CiscoIPPhoneMenu");
      expect(p.title).toBe("Corporate Directory");
      expect(p.lines).toEqual(["Search", "All entries", "Personal Directory"]);
      expect(p.softKeys).toEqual([
        { position: 1, name: "Select", url: "SoftKey:Select" },
        { position: 2, name: "Exit", url: "SoftKey:Exit" },
      ]);
    }
    const login = (await api("GET", `/services/${BUILT_IN_SERVICE_IDS.personal_directory}/preview?family=79xx`)).json();
    expect(login.object).toBe("CiscoIPPhoneInput");
    expect(login.lines).toEqual(["User: ____", "PIN: ****"]);
    expectError(await api("GET", `/services/${id}/preview?family=99xx`), 400, "validation_failed");
    expectError(await api("GET", "/services/00000000-0000-4000-8000-000000000000/preview"), 404, "not_found");
  });
});
