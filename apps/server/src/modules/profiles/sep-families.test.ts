import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { inventory } from "../../test/inventory-fixtures.js";

// One built-in-template file per family, parsed and checked element by element, and kept as a golden file
// (`UPDATE_GOLDEN=1` rewrites them after an intended change; review the diff).
let t: TestApp;
let h: Record<string, string>;
let inv: ReturnType<typeof inventory>;
let owner: string;
const NOW = new Date("2026-03-01T08:00:00Z");

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (name) => ["line", "addOnModule"].includes(name),
});
type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed XML

beforeAll(async () => {
  t = await buildTestApp({
    clock: () => NOW,
    toml: {
      asterisk: { host: "192.0.2.5" },
      sip: { transport: "tcp" },
      phone_services: { base_url: "http://cisisk.example:3000" },
    },
  });
  h = await t.adminHeaders();
  inv = inventory(t);
  owner = await inv.user("golden");
  await inv.extension(owner, "3001", "Golden One", "golden-secret-1");
  await inv.extension(owner, "3002", "Golden Two", "golden-secret-2");
  const put = await t.app.inject({
    method: "PUT",
    url: "/api/v1/settings/firmware",
    headers: h,
    payload: {
      loads: {
        "7965": "SCCP45.9-4-2SR4-3S",
        "7975": "SIP75.9-4-2SR4-3S",
        "7841": "sip78xx.14-2-1-0001-14",
        "8851": "sip8845_65.14-2-1-0001-14",
        "8945": "SIP894x.9-4-2SR3-2",
      },
    },
  });
  expect(put.statusCode, put.body).toBe(200);
});
afterAll(() => t.close());

async function family(
  name: string,
  phone: Record<string, unknown>,
  kems: string[],
  softwareType: "SCCP" | "SIP" | "SIPE",
): Promise<{ device: Node; report: Node }> {
  const p = await inv.phone({ ...phone, softwareType }, kems);
  const profile = await inv.profile({ name: `golden-${name}`, softwareType, userId: owner });
  const res = await t.app.inject({
    method: "GET",
    url: `/api/v1/profiles/${profile.id}/render?phoneId=${p.id}`,
    headers: h,
  });
  expect(res.statusCode, res.body).toBe(200);
  expect(XMLValidator.validate(res.body)).toBe(true);
  const file = path.join(import.meta.dirname, "__golden__", `${name}.cnf.xml`);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, res.body);
  expect(res.body).toBe(readFileSync(file, "utf8"));
  const report = await t.app.inject({
    method: "GET",
    url: `/api/v1/profiles/${profile.id}/render/report?phoneId=${p.id}`,
    headers: h,
  });
  expect(report.statusCode, report.body).toBe(200);
  return { device: parser.parse(res.body).device as Node, report: report.json() };
}

function expectSip(device: Node, keys: { buttons: number[] }) {
  expect(device.deviceProtocol).toBe("SIP");
  expect(device.transportLayerProtocol).toBe("1"); // [sip] transport tcp
  expect(device.deviceSecurityMode).toBe("1");
  expect(device.sipProfile.dialTemplate).toBeUndefined(); // never referenced: Cisisk uploads no dialplan.xml
  const lines = device.sipProfile.sipLines.line as Node[];
  expect(lines.map((l) => Number(l["@_button"]))).toEqual(keys.buttons);
  expect(lines.map((l) => l["@_lineIndex"])).toEqual(keys.buttons.map((_b, i) => String(i + 1)));
  for (const l of lines) expect([l.featureID, l.proxy, l.port]).toEqual(["9", "USECALLMANAGER", "5060"]);
  expect(lines[0]).toMatchObject({ name: "3001", authName: "3001", authPassword: "********" });
  for (const l of lines.slice(1)) expect([l.authName, l.authPassword]).toEqual([undefined, undefined]);
}

describe("SEP files per family (built-in templates)", () => {
  it("79xx SCCP (7965 + 7916): no sipProfile, device load and the module's own load", async () => {
    const { device, report } = await family("7965-sccp-7916", { mac: "001E4A796510", model: "7965" }, ["7916"], "SCCP");
    expect(device.deviceProtocol).toBe("SCCP");
    expect(device.sipProfile).toBeUndefined();
    expect(device.transportLayerProtocol).toBeUndefined();
    expect(device.deviceSecurityMode).toBe("1"); // chan_sccp has no TLS, whatever [sip] transport says
    expect(device.devicePool.callManagerGroup.members.member.callManager.ports).toEqual({ ethernetPhonePort: "2000" });
    expect(device.loadInformation).toBe("SCCP45.9-4-2SR4-3S");
    expect(device.addOnModules.addOnModule).toEqual([{ "@_idx": "1", loadInformation: "B016-1-0-4-2" }]);
    expect(device.vendorConfig.lineMode).toBeUndefined();
    expect(report.warnings).toEqual([]);
    expect(report.lines).toEqual([
      { button: 1, number: "3001", registers: true },
      { button: 2, number: "3002", registers: true },
    ]);
  });

  it("79xx SIP (7975 + 2 x 7915): lines, 79xx module blocks, no line mode", async () => {
    const { device, report } = await family(
      "7975-sip-7915x2",
      { mac: "001E4A797510", model: "7975" },
      ["7915", "7915"],
      "SIP",
    );
    expectSip(device, { buttons: [1, 2] });
    expect(device.loadInformation).toBe("SIP75.9-4-2SR4-3S");
    expect(device.addOnModules.addOnModule).toEqual([
      { "@_idx": "1", loadInformation: "B015-1-0-4-2" },
      { "@_idx": "2", loadInformation: "B015-1-0-4-2" },
    ]);
    expect(device.vendorConfig.lineMode).toBeUndefined();
    expect(report.warnings.map((w: { code: string }) => w.code)).toEqual(["secondary_lines_unregistered"]);
    expect(report.lines.map((l: { registers: boolean }) => l.registers)).toEqual([true, false]);
  });

  it("78xx (7841): SIP file without modules or line mode", async () => {
    const { device } = await family("7841-sip", { mac: "00EBD5784110", model: "7841" }, [], "SIPE");
    expectSip(device, { buttons: [1, 2] });
    expect(device.loadInformation).toBe("sip78xx.14-2-1-0001-14");
    expect(device.addOnModules).toBeUndefined();
    expect(device.vendorConfig.lineMode).toBeUndefined();
  });

  it.each([
    ["8851-cp8800audio", "8851", "0C1167885110", ["CP-8800-Audio", "CP-8800-Audio"], "CP-8800-Audio", 28],
    ["8865-cp8800video", "8865", "0C1167886510", ["CP-8800-Video"], "CP-8800-Video", 28],
    ["8861-bekem", "8861", "0C1167886110", ["BEKEM", "BEKEM", "BEKEM"], "BEKEM", 36],
  ] as const)("88xx %s: lineMode 1, deviceType + deviceLine per module", async (name, model, mac, kems, type, keys) => {
    const { device, report } = await family(name, { mac, model }, [...kems], "SIPE");
    expectSip(device, { buttons: [1, 2] });
    // Enhanced line mode: the 5 keys right of the display are line keys, so the catalogue's 10 hold.
    expect(device.vendorConfig.lineMode).toBe("1");
    expect(device.loadInformation).toBe(model === "8851" ? "sip8845_65.14-2-1-0001-14" : "");
    expect(device.addOnModules.addOnModule).toEqual(
      kems.map((_k, i) => ({ "@_idx": String(i + 1), deviceType: type, deviceLine: String(keys) })),
    );
    expect(report.loadInformation.source).toBe(model === "8851" ? "model" : "none");
  });

  it("8945 SIP: no modules, no line mode", async () => {
    const { device } = await family("8945-sip", { mac: "0C1167894510", model: "8945" }, [], "SIP");
    expectSip(device, { buttons: [1, 2] });
    expect(device.loadInformation).toBe("SIP894x.9-4-2SR3-2");
    expect(device.vendorConfig.lineMode).toBeUndefined();
    expect(device.addOnModules).toBeUndefined();
  });
});

describe("88xx key numbering: catalogue, template and KEM agree", () => {
  it("an 8851 has keys 1-10 on the phone (with line mode) and its first KEM key is 11", async () => {
    const ext = await inv.extension(null, "3101", "On the KEM", "kem-secret-1");
    const right = await inv.extension(null, "3102", "Right side", "kem-secret-2");
    const phone = await inv.phone({ mac: "0C1167885120", model: "8851", softwareType: "SIPE" }, ["CP-8800-Audio"]);
    const patch = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/phones/${phone.id}`,
      headers: h,
      payload: {
        lines: [
          { button: 1, extensionId: ext },
          { button: 6, extensionId: right },
          { button: 11, extensionId: ext },
        ],
      },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const beyond = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/phones/${phone.id}`,
      headers: h,
      payload: { lines: [{ button: 10 + 28 + 1, extensionId: ext }] },
    });
    expect(beyond.statusCode).toBe(400);

    const builtin = await inv.profile({ name: "keys-builtin", softwareType: "SIPE" });
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/profiles/${builtin.id}/render?phoneId=${phone.id}`,
      headers: h,
    });
    const device = parser.parse(res.body).device as Node;
    expect(device.vendorConfig.lineMode).toBe("1");
    expect(device.sipProfile.sipLines.line.map((l: Node) => l["@_button"])).toEqual(["1", "6", "11"]);

    // A template without line mode: button 6 is a session key, and the preview says so.
    const tpl = builtin.cnfXml.replace("{{@lineMode}}", "");
    const noMode = await inv.profile({ name: "keys-session-mode", softwareType: "SIPE", cnfXml: tpl });
    const report = await t.app.inject({
      method: "GET",
      url: `/api/v1/profiles/${noMode.id}/render/report?phoneId=${phone.id}`,
      headers: h,
    });
    const warning = report.json().warnings.find((w: { code: string }) => w.code === "no_line_mode");
    expect(warning.message).toContain("3102 on buttons 6 will not show");
    expect(report.json().linesFrom).toBe("phone");
  });
});

describe("a profile's lines: its owner's, else the phone owner's; the preview warns on a file with none", () => {
  it("a generic profile (no owner) renders the phone owner's lines; without any owner it warns no_line", async () => {
    const generic = await inv.profile({ name: "generic-sip", softwareType: "SIP" });
    const owned = await inv.phone({ mac: "0C1167884530", model: "8845", softwareType: "SIP", userId: owner });
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/profiles/${generic.id}/render?phoneId=${owned.id}`,
      headers: h,
    });
    const lines = (parser.parse(res.body).device as Node).sipProfile.sipLines.line as Node[];
    expect(lines.map((l) => l.name)).toEqual(["3001", "3002"]);
    const report = async (phoneId: string) =>
      (
        await t.app.inject({
          method: "GET",
          url: `/api/v1/profiles/${generic.id}/render/report?phoneId=${phoneId}`,
          headers: h,
        })
      ).json();
    expect((await report(owned.id)).linesFrom).toBe("phone_owner");

    const orphan = await inv.phone({ mac: "0C1167884531", model: "8845", softwareType: "SIP" });
    const r = await report(orphan.id);
    expect(r.linesFrom).toBe("none");
    expect(r.lines).toEqual([]);
    expect(r.warnings.map((w: { code: string }) => w.code)).toContain("no_line");
    expect(r.warnings.find((w: { code: string }) => w.code === "no_line").message).toMatch(/will not register/);
  });
});

describe("[sip] transport → transportLayerProtocol and deviceSecurityMode", () => {
  it.each([
    ["udp", "2", "1", true],
    ["tcp", "1", "1", false],
    ["tls", "3", "3", false],
  ] as const)(
    "%s gives transportLayerProtocol %s, deviceSecurityMode %s",
    async (transport, layer, security, warns) => {
      const app = await buildTestApp({ toml: { sip: { transport } } });
      try {
        const i = inventory(app);
        const user = await i.user("transport");
        await i.extension(user, "4001", "Transport", "transport-secret");
        const phone = await i.phone({ mac: "0C1167884540", model: "8845", softwareType: "SIP", userId: user });
        const profile = await i.profile({ name: "transport", softwareType: "SIP" });
        const headers = await app.adminHeaders();
        const res = await app.app.inject({
          method: "GET",
          url: `/api/v1/profiles/${profile.id}/render?phoneId=${phone.id}`,
          headers,
        });
        const device = parser.parse(res.body).device as Node;
        expect([device.transportLayerProtocol, device.deviceSecurityMode]).toEqual([layer, security]);
        const report = await app.app.inject({
          method: "GET",
          url: `/api/v1/profiles/${profile.id}/render/report?phoneId=${phone.id}`,
          headers,
        });
        const codes = report.json().warnings.map((w: { code: string }) => w.code);
        expect(codes.includes("udp_transport")).toBe(warns);
      } finally {
        await app.close();
      }
    },
  );
});
