import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";
import { inventory } from "../../test/inventory-fixtures.js";

let t: TestApp;
let h: Record<string, string>;
let inv: ReturnType<typeof inventory>;
let owner: string;
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (n) => n === "addOnModule" });

beforeAll(async () => {
  t = await buildTestApp({ toml: { sip: { transport: "tcp" } } });
  h = await t.adminHeaders();
  inv = inventory(t);
  owner = await inv.user("fw-owner");
  await inv.extension(owner, "2001", "Firmware", "firmware-secret-1");
});
afterAll(() => t.close());

const api = (method: "GET" | "PUT" | "PATCH" | "POST", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: h,
    ...(payload !== undefined && { payload: payload as object }),
  });

describe("firmware loads: GET|PUT /api/v1/settings/firmware", () => {
  it("starts empty, replaces the whole map, and normalises model spellings to the catalogue's", async () => {
    expect((await api("GET", "/settings/firmware")).json()).toEqual({ loads: {} });
    const put = await api("PUT", "/settings/firmware", {
      loads: {
        "8845": "sip88xx.14-2-1-0001-14",
        "CP-7965G": "SCCP45.9-4-2SR3-1S",
        "Cisco 8945": "SCCP894x.9-4-2SR3-2",
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    const expected = {
      loads: { "7965": "SCCP45.9-4-2SR3-1S", "8845": "sip88xx.14-2-1-0001-14", "8945": "SCCP894x.9-4-2SR3-2" },
    };
    expect(put.json()).toEqual(expected);
    expect((await api("GET", "/settings/firmware")).json()).toEqual(expected);
    // Models left out lose their load.
    expect((await api("PUT", "/settings/firmware", { loads: { "8845": "sip88xx.14-2-1-0001-14" } })).json()).toEqual({
      loads: { "8845": "sip88xx.14-2-1-0001-14" },
    });
  });

  it.each<[unknown, string]>([
    [{ loads: { "9999": "sip88xx.14-2-1-0001-14" } }, "unknown model"],
    [{ loads: { "8845": "sip88xx.14-2-1-0001-14.loads" } }, ".loads suffix"],
    [{ loads: { "8845": "../../etc/passwd" } }, "path"],
    [{ loads: { "8845": "a b" } }, "space"],
    [{ loads: { "8845": "" } }, "empty"],
    [{ loads: { "8845": "x".repeat(65) } }, "too long"],
    [{ loads: { "8845": "sip88xx.1", "CP-8845": "sip88xx.2" } }, "same model twice"],
    [{ loads: ["sip88xx"] }, "not a map"],
    [{}, "no loads"],
  ])("answers 400 and changes nothing for %j (%s)", async (body, _why) => {
    const before = (await api("GET", "/settings/firmware")).json();
    expectError(await api("PUT", "/settings/firmware", body), 400, "validation_failed");
    expect((await api("GET", "/settings/firmware")).json()).toEqual(before);
  });

  it("needs a console login", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/settings/firmware" });
    expectError(res, 401, "unauthenticated");
  });
});

describe("loadInformation in the SEP file: the phone's load, else its model's, else empty", () => {
  it("writes the load and the report says where it came from", async () => {
    await api("PUT", "/settings/firmware", { loads: { "8845": "sip88xx.14-2-1-0001-14" } });
    const profile = await inv.profile({ name: "fw-88", softwareType: "SIP", userId: owner });
    const p8845 = await inv.phone({ mac: "0C1167884599", model: "8845", softwareType: "SIP" });
    const p8865 = await inv.phone({ mac: "0C1167886599", model: "8865", softwareType: "SIP" }, ["KEM-80"]);
    const load = async (phoneId: string) => {
      const res = await api("GET", `/profiles/${profile.id}/render?phoneId=${phoneId}`);
      expect(res.statusCode, res.body).toBe(200);
      return parser.parse(res.body).device;
    };
    const report = async (phoneId: string) =>
      (await api("GET", `/profiles/${profile.id}/render/report?phoneId=${phoneId}`)).json();

    expect((await load(p8845.id)).loadInformation).toBe("sip88xx.14-2-1-0001-14");
    expect((await report(p8845.id)).loadInformation).toEqual({
      load: "sip88xx.14-2-1-0001-14",
      source: "model",
      model: "8845",
      description: "from model 8845",
    });

    // No load for the 8865 model: an empty element, and its KEM block has no load of its own.
    const d8865 = await load(p8865.id);
    expect(d8865.loadInformation).toBe("");
    expect(d8865.addOnModules.addOnModule[0]).toEqual({ "@_idx": "1", deviceType: "CP-8800-Video", deviceLine: "28" });
    expect((await report(p8865.id)).loadInformation).toMatchObject({ load: null, source: "none", description: "none" });

    // A phone's own load wins; null gives the model's back.
    const patched = await api("PATCH", `/phones/${p8845.id}`, { firmwareLoad: "sip88xx.12-8-1-0001-455" });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().firmwareLoad).toBe("sip88xx.12-8-1-0001-455");
    expect((await load(p8845.id)).loadInformation).toBe("sip88xx.12-8-1-0001-455");
    expect((await report(p8845.id)).loadInformation).toMatchObject({ source: "phone", description: "load from phone" });
    expectError(await api("PATCH", `/phones/${p8845.id}`, { firmwareLoad: "bad load" }), 400, "validation_failed");
    expect((await api("GET", `/phones/${p8845.id}`)).json().firmwareLoad).toBe("sip88xx.12-8-1-0001-455");
    await api("PATCH", `/phones/${p8845.id}`, { firmwareLoad: null });
    expect((await load(p8845.id)).loadInformation).toBe("sip88xx.14-2-1-0001-14");
  });

  it("fills the empty loadInformation of a template written before the placeholder existed", async () => {
    await api("PUT", "/settings/firmware", { loads: { "7965": "SCCP45.9-4-2SR3-1S" } });
    const builtin = (await api("GET", "/profiles/templates"))
      .json()
      .data.find((x: { softwareType: string }) => x.softwareType === "SCCP").cnfXml as string;
    const old = builtin.replace("<loadInformation>{{loadInformation}}</loadInformation>", "<loadInformation/>");
    expect(old).not.toContain("{{loadInformation}}");
    const profile = await inv.profile({ name: "fw-old", softwareType: "SCCP", userId: owner, cnfXml: old });
    const phone = await inv.phone({ mac: "001E4A796599", model: "7965", softwareType: "SCCP" }, ["7916"]);
    const res = await api("GET", `/profiles/${profile.id}/render?phoneId=${phone.id}`);
    const device = parser.parse(res.body).device;
    expect(device.loadInformation).toBe("SCCP45.9-4-2SR3-1S");
    // The 7916's own load is untouched.
    expect(device.addOnModules.addOnModule[0].loadInformation).toBe("B016-1-0-4-2");
  });

  it("creates a phone with its own load and refuses a load name with .loads", async () => {
    const phone = await inv.phone({ mac: "0C1167884598", model: "8845", firmwareLoad: "sip88xx.14-1-1-0001-125" });
    expect(phone.firmwareLoad).toBe("sip88xx.14-1-1-0001-125");
    const bad = await api("POST", "/phones", { mac: "0C1167884597", model: "8845", firmwareLoad: "x.loads" });
    expectError(bad, 400, "validation_failed");
    expect((await api("GET", "/phones?q=0C1167884597")).json().total).toBe(0);
  });
});
