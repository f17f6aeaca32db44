import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";
import { inventory } from "../../test/inventory-fixtures.js";
import { SCCP_TEMPLATE, SIP_TEMPLATE } from "../../vendors/cisco/builtin-templates.js";

let t: TestApp;
let h: Record<string, string>;
let owner: string;
let inv: ReturnType<typeof inventory>;

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (name) => ["line", "addOnModule"].includes(name),
});
type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed XML

beforeAll(async () => {
  t = await buildTestApp({
    toml: {
      asterisk: { host: "192.0.2.5" },
      sip: { transport: "tcp" },
      phone_services: { base_url: "http://cisisk.example:3000/" },
    },
  });
  h = await t.adminHeaders();
  inv = inventory(t);
  owner = await inv.user("alice");
  await inv.extension(owner, "1001", "Alice & Co <Sales>", "pa$$/word=1");
  await inv.extension(owner, "1002", "Alice 2", "second-secret");
  await inv.extension(owner, "1003", "Alice 3", "third-secret");
});
afterAll(() => t.close());

async function render(profileId: string, phoneId: string, showSecrets = true): Promise<{ text: string; device: Node }> {
  const res = await t.app.inject({
    method: "GET",
    url: `/api/v1/profiles/${profileId}/render?phoneId=${phoneId}${showSecrets ? "&showSecrets=true" : ""}`,
    headers: h,
  });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^text\/xml/);
  return { text: res.body, device: parser.parse(res.body).device as Node };
}

function expectCommon(device: Node, mac: string) {
  expect(device.fullConfig).toBe("true");
  const cm = device.devicePool.callManagerGroup.members.member.callManager;
  expect(cm.processNodeName).toBe("192.0.2.5");
  expect(cm.ports.ethernetPhonePort).toBe("2000");
  expect(device.devicePool.dateTimeSetting.ntps.ntp.name).toBe("192.0.2.5");
  expect(device.vendorConfig.webAccess).toBe("0");
  expect(device.authenticationURL).toBe("http://cisisk.example:3000/cisco/authenticate");
  expect(device.directoryURL).toBe(`http://cisisk.example:3000/cisco/directory?mac=${mac}`);
  expect(device.servicesURL).toBe(`http://cisisk.example:3000/cisco/services?mac=${mac}`);
  expect(device.versionStamp).toMatch(/^\d+$/);
}

function expectSipLines(device: Node, buttons: number[]) {
  expect(device.deviceProtocol).toBe("SIP");
  expect(device.transportLayerProtocol).toBe("1");
  expect(device.devicePool.callManagerGroup.members.member.callManager.ports.sipPort).toBe("5060");
  const lines = device.sipProfile.sipLines.line as Node[];
  expect(lines.map((l) => Number(l["@_button"]))).toEqual(buttons);
  expect(lines.map((l) => l["@_lineIndex"])).toEqual(buttons.map((_b, i) => String(i + 1)));
  for (const l of lines) {
    expect(l.featureID).toBe("9");
    expect(l.proxy).toBe("USECALLMANAGER");
    expect(l.port).toBe("5060");
  }
  expect(lines[0]).toMatchObject({
    name: "1001",
    displayName: "Alice & Co <Sales>",
    authName: "1001",
    authPassword: "pa$$/word=1",
    contact: "1001",
  });
  // Only the primary line carries credentials (stock Asterisk registers only it).
  for (const l of lines.slice(1)) expect(l.authPassword).toBeUndefined();
}

describe("profiles: built-in templates rendered per phone", () => {
  it("SCCP 7965 + 7916: no lines or credentials, one addOnModule with the 7916 load", async () => {
    const phone = await inv.phone({ mac: "00:1E:4A:79:65:01", model: "7965", softwareType: "SCCP", ip: "192.0.2.65" }, [
      "KEM-30",
    ]);
    const profile = await inv.profile({ name: "sccp-79", softwareType: "SCCP", userId: owner });
    expect(profile.cnfXml).toBe(SCCP_TEMPLATE);
    const { text, device } = await render(profile.id, phone.id);
    expectCommon(device, "001E4A796501");
    expect(device.deviceProtocol).toBe("SCCP");
    expect(device.sipProfile).toBeUndefined();
    expect(text).not.toMatch(/authPassword|pa\$\$\/word/);
    const modules = device.addOnModules.addOnModule as Node[];
    expect(modules).toHaveLength(1);
    expect(modules[0]).toEqual({ "@_idx": "1", loadInformation: "B016-1-0-4-2" });
    expect(text).toContain('<addOnModule idx="1">');
  });

  it("SIP 7965 + 7916 renders sipLines and the 79xx module block", async () => {
    const phone = await inv.phone({ mac: "001E4A796502", model: "7965", softwareType: "SIP", ip: "192.0.2.66" }, [
      "7916",
    ]);
    const profile = await inv.profile({ name: "sip-79", softwareType: "SIP", userId: owner });
    const { device } = await render(profile.id, phone.id);
    expectCommon(device, "001E4A796502");
    expectSipLines(device, [1, 2, 3]);
    expect(device.addOnModules.addOnModule).toEqual([{ "@_idx": "1", loadInformation: "B016-1-0-4-2" }]);
  });

  it("8845 (no KEM port): SIP file without addOnModules, phoneLabel at most 12 characters", async () => {
    const phone = await inv.phone({
      mac: "0c-11-67-88-45-01",
      model: "8845",
      softwareType: "SIPE",
      ip: "192.0.2.88",
      label: "Front desk north",
    });
    const profile = await inv.profile({
      name: "sipe-8845",
      softwareType: "SIPE",
      userId: owner,
      compatibleModels: ["8845"],
    });
    const { device } = await render(profile.id, phone.id);
    expectCommon(device, "0C1167884501");
    expectSipLines(device, [1, 2, 3]);
    expect(device.addOnModules).toBeUndefined();
    expect(device.sipProfile.phoneLabel).toBe("Frontdesknor");
  });

  it("8851 + 2 KEMs and 8861 + 3 KEMs: deviceType + deviceLine per module, no loadInformation", async () => {
    const profile = await inv.profile({ name: "sipe-88", softwareType: "SIPE", userId: owner });
    const p8851 = await inv.phone({ mac: "0C1167885101", model: "8851", softwareType: "SIPE", ip: "192.0.2.51" }, [
      "KEM-80",
      "KEM-80",
    ]);
    const p8861 = await inv.phone({ mac: "0C1167886101", model: "8861", softwareType: "SIPE", ip: "192.0.2.61" }, [
      "BEKEM",
      "BEKEM",
      "BEKEM",
    ]);

    const a = (await render(profile.id, p8851.id)).device;
    expectCommon(a, "0C1167885101");
    expectSipLines(a, [1, 2, 3]);
    expect(a.addOnModules.addOnModule).toEqual([
      { "@_idx": "1", deviceType: "CP-8800-Audio", deviceLine: "28" },
      { "@_idx": "2", deviceType: "CP-8800-Audio", deviceLine: "28" },
    ]);

    const b = (await render(profile.id, p8861.id)).device;
    expectCommon(b, "0C1167886101");
    expect(b.addOnModules.addOnModule).toEqual([
      { "@_idx": "1", deviceType: "BEKEM", deviceLine: "36" },
      { "@_idx": "2", deviceType: "BEKEM", deviceLine: "36" },
      { "@_idx": "3", deviceType: "BEKEM", deviceLine: "36" },
    ]);
  });

  it("explicit line buttons put extensions on KEM keys", async () => {
    const ext = await inv.extension(null, "2001", "Reception", "r-secret");
    const other = await inv.extension(null, "2002", "Lobby", "l-secret");
    const phone = await inv.phone(
      {
        mac: "0C1167886102",
        model: "8861",
        softwareType: "SIPE",
        ip: "192.0.2.62",
      },
      ["KEM-80"],
    );
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/phones/${phone.id}`,
      headers: h,
      payload: {
        lines: [
          { button: 1, extensionId: ext },
          { button: 12, extensionId: other },
        ],
      },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const tooFar = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/phones/${phone.id}`,
      headers: h,
      payload: { lines: [{ button: 39, extensionId: ext }] },
    });
    expectError(tooFar, 400, "validation_failed");
    const profile = await inv.profile({ name: "sipe-lines", softwareType: "SIPE" });
    const lines = (await render(profile.id, phone.id)).device.sipProfile.sipLines.line as Node[];
    expect(lines.map((l) => [l["@_button"], l.name])).toEqual([
      ["1", "2001"],
      ["12", "2002"],
    ]);
  });

  it("masks passwords in the preview unless showSecrets=true", async () => {
    const phone = await inv.phone({ mac: "0C1167884502", model: "8845", softwareType: "SIPE", ip: "192.0.2.89" });
    const profile = await inv.profile({ name: "masked", softwareType: "SIPE", userId: owner });
    const { text, device } = await render(profile.id, phone.id, false);
    expect(device.sipProfile.sipLines.line[0].authPassword).toBe("********");
    expect(text).not.toContain("pa$$/word");
  });

  it("lists the built-in templates", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/profiles/templates", headers: h });
    expect(res.json().data.map((d: { softwareType: string }) => d.softwareType)).toEqual(["SCCP", "SIP", "SIPE"]);
    expect(res.json().data[1].cnfXml).toBe(SIP_TEMPLATE);
  });
});

describe("profiles: templates are checked at save time", () => {
  const save = (body: Record<string, unknown>) =>
    t.app.inject({ method: "POST", url: "/api/v1/profiles", headers: h, payload: body });

  it("rejects a template that is not well-formed, with its line", async () => {
    const broken = SIP_TEMPLATE.replace("<kpml>3</kpml>", "<kpml>3</kmpl>");
    const line = broken.split("\n").findIndex((l) => l.includes("</kmpl>")) + 1;
    const res = await save({ name: "broken", softwareType: "SIP", cnfXml: broken });
    expectError(res, 400, "validation_failed");
    expect(res.json().error.message).toMatch(new RegExp(`^cnfXml line ${line}: not well-formed`));
    expect(res.json().error.details[0]).toMatchObject({ path: "body.cnfXml", line });
  });

  it("rejects unknown placeholders and an unescaped & with their lines", async () => {
    let res = await save({
      name: "x1",
      softwareType: "SCCP",
      cnfXml: SCCP_TEMPLATE.replace("{{versionStamp}}", "{{versionstamp}}"),
    });
    expectError(res, 400, "validation_failed");
    expect(res.json().error.message).toMatch(/unknown placeholder \{\{versionstamp\}\}/);
    const tpl = SCCP_TEMPLATE.replace(
      "<servicesURL>{{servicesUrl}}</servicesURL>",
      "<servicesURL>http://x/s?a=1&b=2</servicesURL>",
    );
    res = await save({ name: "x2", softwareType: "SCCP", cnfXml: tpl });
    expectError(res, 400, "validation_failed");
    expect(res.json().error.details[0].line).toBe(tpl.split("\n").findIndex((l) => l.includes("a=1&b")) + 1);
  });

  it("rejects Cisco limit violations: on/off booleans, long phoneLabel, SIP lines in SCCP, wrong protocol", async () => {
    let res = await save({
      name: "y1",
      softwareType: "SIP",
      cnfXml: SIP_TEMPLATE.replace("<remotePartyID>true<", "<remotePartyID>on<"),
    });
    expectError(res, 400, "validation_failed");
    expect(res.json().error.message).toMatch(/remotePartyID.*numeric or true\/false/);
    res = await save({
      name: "y2",
      softwareType: "SIP",
      cnfXml: SIP_TEMPLATE.replace("{{phoneLabel}}", "A very long label"),
    });
    expect(res.json().error.message).toMatch(/phoneLabel/);
    res = await save({
      name: "y3",
      softwareType: "SCCP",
      cnfXml: SIP_TEMPLATE.replace("<deviceProtocol>SIP", "<deviceProtocol>SCCP"),
    });
    expect(res.json().error.message).toMatch(/SCCP file carries no <sipProfile>/);
    res = await save({ name: "y4", softwareType: "SCCP", cnfXml: SIP_TEMPLATE });
    expect(res.json().error.message).toMatch(/deviceProtocol> is SIP but the profile is for SCCP/);
    res = await save({ name: "y5", softwareType: "SIP", cnfXml: SIP_TEMPLATE.replace("{{@sipLines}}", "") });
    expect(res.json().error.message).toMatch(/needs <sipProfile><sipLines>/);
    res = await save({ name: "y6", cnfXml: "<phone></phone>" });
    expect(res.json().error.message).toMatch(/root element must be <device>/);
  });

  it("creates with the built-in template, enforces unique names, updates and deletes", async () => {
    const created = await save({ name: "plain", compatibleModels: ["cp-8845", "8851"] });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      softwareType: null,
      compatibleModels: ["8845", "8851"],
      cnfXml: SIP_TEMPLATE,
    });
    expectError(await save({ name: "plain" }), 409, "conflict");
    const id = created.json().id;
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/profiles/${id}`,
      headers: h,
      payload: { description: "desk phones" },
    });
    expect(patched.json().description).toBe("desk phones");
    expectError(
      await t.app.inject({
        method: "PATCH",
        url: `/api/v1/profiles/${id}`,
        headers: h,
        payload: { cnfXml: "<device>" },
      }),
      400,
      "validation_failed",
    );
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/profiles/${id}`, headers: h })).statusCode).toBe(204);
    expectError(await t.app.inject({ method: "GET", url: `/api/v1/profiles/${id}`, headers: h }), 404, "not_found");
  });
});
