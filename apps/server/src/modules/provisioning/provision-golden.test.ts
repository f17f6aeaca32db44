import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { inventory } from "../../test/inventory-fixtures.js";

// Golden files per vendor, fetched through GET /provision over the real app: any change to what a phone
// receives shows up as a diff of these files (UPDATE_GOLDEN=1 rewrites them after a deliberate change).

let t: TestApp;
let inv: ReturnType<typeof inventory>;

function golden(name: string, body: string) {
  const file = path.join(import.meta.dirname, "__golden__", name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, body);
  expect(body).toBe(readFileSync(file, "utf8"));
}

async function fetchFile(name: string) {
  const res = await t.app.inject({ method: "GET", url: `/provision/${name}`, remoteAddress: "10.20.0.1" });
  expect(res.statusCode, `${name}: ${res.body}`).toBe(200);
  return res;
}

beforeAll(async () => {
  t = await buildTestApp({
    toml: {
      asterisk: { host: "pbx.example.net" },
      sip: { transport: "udp" },
      provisioning: {
        provision_url_base: "http://203.0.113.10:8080/provision",
        model_keys: {
          "yealink:T46S": { "local_time.ntp_server1": "pool.ntp.org" },
          X4U: { "phone.MenuPassword": "4321" },
          "grandstream:GXP2170": { P30: "pool.ntp.org" },
        },
      },
    },
  });
  inv = inventory(t);
  const owner = await inv.user("golden-owner");
  const ext = [
    await inv.extension(owner, "2101", "Anna Line", "ext-secret-2101"),
    await inv.extension(owner, "2102", "Bert & Co", "ext-secret-2102"),
  ];
  // Explicit account 1 plus two linked extensions on accounts 2 and 3.
  await inv.phone({
    mac: "805ec0000046",
    brand: "yealink",
    model: "T46S",
    label: "Reception",
    sipUsername: "1001",
    sipPassword: "golden-1001",
    sipServer: "sip.example.net:5070",
    transport: "tcp",
    lines: [
      { button: 2, extensionId: ext[0] },
      { button: 3, extensionId: ext[1] },
    ],
    extraKeys: { "features.intercom.allow": "1" },
  });
  await inv.phone({
    mac: "001565000028",
    brand: "yealink",
    model: "T28P",
    sipUsername: "1002",
    sipPassword: "golden-1002",
  });
  await inv.phone({
    mac: "0c383e000004",
    brand: "fanvil",
    model: "X4U",
    label: "Fanvil <desk>",
    sipUsername: "1003",
    sipPassword: "golden&1003",
    lines: [{ button: 2, extensionId: ext[0] }],
    extraKeys: { "sip.DTMFMode": "1" },
  });
  // Three accounts of six: account 1 explicit, 2 linked, 5 linked (P17xx); a model key and a device P-value.
  await inv.phone({
    mac: "000b82000070",
    brand: "grandstream",
    model: "GXP2170",
    label: "GS <lobby>",
    sipUsername: "1004",
    sipPassword: "golden<1004>",
    lines: [
      { button: 2, extensionId: ext[0] },
      { button: 5, extensionId: ext[1] },
    ],
    extraKeys: { P1362: "de", "not.a.pvalue": "left out" },
  });
  await inv.phone({
    mac: "000413000785",
    brand: "snom",
    model: "D785",
    sipUsername: "1005",
    sipPassword: "golden-1005",
    sipServer: "sip.example.net:5070",
    transport: "tcp",
    lines: [{ button: 3, extensionId: ext[1] }],
    extraKeys: { user_dp_str$1: "!([^#]%2b)#!sip:\\1@\\d;user=phone", language: "Deutsch" },
  });
  await inv.phone({
    mac: "0004f2000450",
    brand: "polycom",
    model: "VVX450",
    label: "Poly & Co",
    sipUsername: "1006",
    sipPassword: 'golden"1006',
    transport: "tls",
    lines: [{ button: 2, extensionId: ext[0] }],
    extraKeys: { "voIpProt.SIP.specialEvent.checkSync.alwaysReboot": "1" },
  });
});
afterAll(() => t?.close());

describe("provisioning golden files", () => {
  it("Yealink T46S (current keys, explicit account + linked extensions, model and device keys)", async () => {
    const res = await fetchFile("805ec0000046.cfg");
    golden("yealink-t46s.cfg", res.body);
    expect(res.body).toContain("account.2.user_name = 2101\n");
    expect(res.body).toContain("account.3.display_name = Bert & Co\n");
    expect(res.body).toContain("account.1.sip_server.1.transport_type = 1\n");
  });

  it("Yealink T28P (legacy keys)", async () => {
    golden("yealink-t28p.cfg", (await fetchFile("001565000028.cfg")).body);
  });

  it("Yealink common file y000000000066.cfg", async () => {
    golden("yealink-y000000000066.cfg", (await fetchFile("y000000000066.cfg")).body);
  });

  it("Fanvil X4U (sysConf XML, well-formed, escaped)", async () => {
    const res = await fetchFile("0c383e000004.xml");
    golden("fanvil-x4u.xml", res.body);
    expect(XMLValidator.validate(res.body)).toBe(true);
    const conf = new XMLParser({ ignoreAttributes: false }).parse(res.body).sysConf;
    const lines = conf.sip.line as Array<Record<string, unknown>>;
    expect(lines).toHaveLength(12);
    expect(lines[0]).toMatchObject({ "@_index": "1", RegisterUser: 1003, RegisterPswd: "golden&1003" });
    expect(lines[1]).toMatchObject({ "@_index": "2", RegisterUser: 2101, RegisterPswd: "ext-secret-2101" });
    expect(conf.phone.MenuPassword).toBe(4321);
    expect(conf.sip.DTMFMode).toBe(1);
  });

  it("Grandstream GXP2170 cfg<mac>.xml (gs_provision P-values, accounts 1, 2 and 5, escaped)", async () => {
    const res = await fetchFile("cfg000b82000070.xml");
    expect(res.headers["content-type"]).toBe("text/xml; charset=utf-8");
    golden("grandstream-gxp2170.xml", res.body);
    expect(XMLValidator.validate(res.body)).toBe(true);
    const gs = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(res.body).gs_provision;
    expect(gs.mac).toBe("000b82000070");
    const p = gs.config as Record<string, string>;
    // Account 1: P47 server, P35 user, P36 auth, P34 password, P3 display name, P270 account name, P271 on.
    expect(p).toMatchObject({ P271: "1", P47: "pbx.example.net:5060", P35: "1004", P36: "1004" });
    expect(p).toMatchObject({ P34: "golden<1004>", P3: "GS <lobby>", P270: "1004" });
    // Account 2 (P4xx) and 5 (P17xx) linked; 3, 4 and 6 off.
    expect(p).toMatchObject({ P401: "1", P404: "2101", P406: "ext-secret-2101", P407: "Anna Line" });
    expect(p).toMatchObject({ P1701: "1", P1704: "2102", P1706: "ext-secret-2102", P1707: "Bert & Co" });
    expect(p).toMatchObject({ P501: "0", P601: "0", P1801: "0" });
    expect(p).toMatchObject({ P212: "1", P237: "203.0.113.10:8080/provision", P30: "pool.ntp.org", P1362: "de" });
    expect(res.body).not.toContain("left out");
  });

  it("Snom D785 <mac>.xml (settings/phone-settings, identities by idx, TCP outbound, extra keys)", async () => {
    const res = await fetchFile("000413000785.xml");
    expect(res.headers["content-type"]).toBe("application/xml; charset=utf-8");
    golden("snom-d785.xml", res.body);
    expect(XMLValidator.validate(res.body)).toBe(true);
    const ps = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(res.body).settings[
      "phone-settings"
    ];
    const at = (name: string, idx: string) =>
      ([ps[name]].flat() as Array<Record<string, string>>).find((e) => e["@_idx"] === idx)?.["#text"];
    expect(ps.user_active).toHaveLength(12);
    expect([at("user_active", "1"), at("user_active", "2"), at("user_active", "3")]).toEqual(["on", "off", "on"]);
    expect(at("user_name", "1")).toBe("1005");
    expect(at("user_pass", "1")).toBe("golden-1005");
    expect(at("user_host", "1")).toBe("sip.example.net:5070");
    expect(at("user_outbound", "1")).toBe("sip.example.net:5070;transport=tcp");
    expect(at("user_realname", "3")).toBe("Bert & Co");
    expect(at("user_pass", "3")).toBe("ext-secret-2102");
    expect(at("user_dp_str", "1")).toBe("!([^#]%2b)#!sip:\\1@\\d;user=phone");
    expect(ps.setting_server["#text"]).toBe("http://203.0.113.10:8080/provision/{mac}.xml");
    // The same file whatever the MAC's spelling (Snom firmware substitutes {mac} upper or lower case).
    expect((await fetchFile("000413000785.XML")).body).toBe(res.body);
    expect((await fetchFile("000413000785.xml")).body).toBe(res.body);
  });

  it("Polycom VVX450: master <mac>.cfg names phone<mac>.cfg, which holds reg.N.*; 000000000000.cfg for any", async () => {
    const master = await fetchFile("0004f2000450.cfg");
    expect(master.headers["content-type"]).toBe("application/xml; charset=utf-8");
    golden("polycom-vvx450-master.cfg", master.body);
    expect(master.body).not.toContain("golden");
    const app = new XMLParser({ ignoreAttributes: false }).parse(master.body).APPLICATION;
    expect(app["@_CONFIG_FILES"]).toBe("phone0004f2000450.cfg");

    const res = await fetchFile(app["@_CONFIG_FILES"]);
    golden("polycom-vvx450.cfg", res.body);
    expect(XMLValidator.validate(res.body)).toBe(true);
    const conf = new XMLParser({ ignoreAttributes: false, parseAttributeValue: false }).parse(res.body).polycomConfig;
    expect(conf.reg).toMatchObject({
      "@_reg.1.address": "1006",
      "@_reg.1.auth.userId": "1006",
      "@_reg.1.auth.password": 'golden"1006',
      "@_reg.1.displayName": "Poly & Co",
      "@_reg.1.server.1.address": "pbx.example.net",
      "@_reg.1.server.1.port": "5060",
      "@_reg.1.server.1.transport": "TLS",
      "@_reg.2.address": "2101",
      "@_reg.2.auth.password": "ext-secret-2101",
      "@_reg.3.address": "",
      "@_reg.12.address": "",
    });
    expect(conf.cisisk["@_voIpProt.SIP.specialEvent.checkSync.alwaysReboot"]).toBe("1");
    expect((await fetchFile("PHONE0004F2000450.cfg")).body).toBe(res.body);

    const fallback = await fetchFile("000000000000.cfg");
    golden("polycom-000000000000.cfg", fallback.body);
    expect(fallback.body).toContain('CONFIG_FILES="phone[PHONE_MAC_ADDRESS].cfg"');
  });

  it("the generic names go by the phone's brand: <mac>.xml Fanvil or Snom, <mac>.cfg Yealink, Fanvil or Polycom", async () => {
    const status = async (name: string) =>
      (await t.app.inject({ method: "GET", url: `/provision/${name}`, remoteAddress: "10.20.0.3" })).statusCode;
    // Fanvil reads both; Snom only .xml; Polycom's .cfg is its master file, .xml nothing.
    expect((await fetchFile("0c383e000004.cfg")).body).toContain("<sysConf>");
    expect((await fetchFile("0C:38:3E:00:00:04.xml")).body).toContain("<sysConf>");
    expect((await fetchFile("00-04-13-00-07-85.xml")).body).toContain("<phone-settings");
    expect((await fetchFile("0004F2000450.cfg")).body).toContain("<APPLICATION");
    expect((await fetchFile("805EC0000046.cfg")).body).toContain("#!version:1.0.0.1");
    expect(await status("000413000785.cfg")).toBe(404);
    expect(await status("000413000785")).toBe(404);
    expect(await status("0004f2000450.xml")).toBe(404);
    // Grandstream: only cfg<mac>.xml; never a generic name, nor another vendor's name.
    expect(await status("000b82000070.cfg")).toBe(404);
    expect(await status("000b82000070.xml")).toBe(404);
    expect(await status("cfg805ec0000046.xml")).toBe(404);
    expect(await status("phone000b82000070.cfg")).toBe(404);
    expect(await status("CFG000B82000070.XML")).toBe(200);
    // Names the Grandstream firmware tries first are 404 without counting as misses (no 429 however many).
    for (let i = 0; i < 40; i++) expect(await status("cfg000b82000070")).toBe(404);
    expect(await status("cfg.xml")).toBe(404);
    expect(await status("cfggxp2170.xml")).toBe(404);
  });

  it("a disabled device of any of the new brands gets 404 for every one of its names", async () => {
    const h = await t.adminHeaders();
    for (const [mac, names] of [
      ["000B82000070", ["cfg000b82000070.xml"]],
      ["000413000785", ["000413000785.xml"]],
      ["0004F2000450", ["0004f2000450.cfg", "phone0004f2000450.cfg"]],
    ] as const) {
      const edit = await t.app.inject({
        method: "POST",
        url: `/console/endpoint-manager/devices/${mac}/edit`,
        headers: h,
        payload: { enabled: false },
      });
      expect(edit.statusCode, edit.body).toBe(200);
      for (const name of names) {
        const res = await t.app.inject({ method: "GET", url: `/provision/${name}`, remoteAddress: "10.20.0.4" });
        expect(res.statusCode, name).toBe(404);
      }
      await t.app.inject({
        method: "POST",
        url: `/console/endpoint-manager/devices/${mac}/edit`,
        headers: h,
        payload: { enabled: true },
      });
    }
  });

  it("Cisco SEP<MAC>.cnf.xml is the phone's current profile rendered by the cisco driver", async () => {
    const owner = await inv.user("cisco-owner");
    await inv.extension(owner, "2201", "Cisco Line", "ext-secret-2201");
    const phone = await inv.phone({ mac: "0023eb000045", model: "8845", softwareType: "SIP", userId: owner });
    const profile = await inv.profile({ name: "golden-8845", softwareType: "SIP", userId: owner });
    // Without a current profile there is nothing to serve.
    const none = await t.app.inject({
      method: "GET",
      url: "/provision/SEP0023EB000045.cnf.xml",
      remoteAddress: "10.20.0.2",
    });
    expect(none.statusCode).toBe(404);
    await t.deps.phones.setCurrentProfile(phone.id, profile.id);
    const res = await fetchFile("SEP0023EB000045.cnf.xml");
    expect(res.headers["content-type"]).toBe("text/xml; charset=utf-8");
    expect(XMLValidator.validate(res.body)).toBe(true);
    expect(res.body).toContain("ext-secret-2201");
    // The generic names are not a Cisco's file.
    const generic = await t.app.inject({
      method: "GET",
      url: "/provision/0023eb000045.cfg",
      remoteAddress: "10.20.0.2",
    });
    expect(generic.statusCode).toBe(404);
    // The console preview is the same file with the password masked.
    const preview = await t.app.inject({
      method: "GET",
      url: "/api/v1/provisioning/devices/0023EB000045/file",
      headers: await t.adminHeaders(),
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().fileName).toBe("SEP0023EB000045.cnf.xml");
    expect(preview.json().body).not.toContain("ext-secret-2201");
    // Line by line the same, but for the password and the per-render version stamp.
    const served = res.body.split("\n");
    const shown = (preview.json().body as string).split("\n");
    expect(shown).toHaveLength(served.length);
    const differing = served.filter((line, i) => line !== shown[i]);
    expect(differing.length).toBeGreaterThan(0);
    for (const line of differing) expect(line).toMatch(/authPassword|[Vv]ersion|[Ss]tamp/);
  });
});
