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
