import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";

let t: TestApp;
let h: Record<string, string>;
type Rec = Record<string, unknown>;

beforeAll(async () => {
  t = await buildTestApp();
  h = await t.adminHeaders();
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/users",
    headers: h,
    payload: { username: "imp-owner", displayName: "Import Owner", password: "imp-password-123" },
  });
  expect(res.statusCode, res.body).toBe(201);
  const phone = await t.app.inject({
    method: "POST",
    url: "/api/v1/phones",
    headers: h,
    payload: { mac: "00:1E:4A:00:00:01", model: "7965" },
  });
  expect(phone.statusCode, phone.body).toBe(201);
});
afterAll(async () => t?.close());

const importCsv = (csv: string, query = "") =>
  t.app.inject({
    method: "POST",
    url: `/api/v1/phones/import${query}`,
    headers: { ...h, "content-type": "text/csv" },
    payload: csv,
  });
const total = async () =>
  (await t.app.inject({ method: "GET", url: "/api/v1/phones?pageSize=1", headers: h })).json().total as number;

describe("POST /phones/import (CSV, all or nothing)", () => {
  it("dry run: answers what would be created (MAC in any spelling, model names, owner, KEMs) and writes nothing", async () => {
    const before = await total();
    const csv = [
      "mac,model,softwareType,label,location,ip,username,kems",
      "00-1e-4a-00-00-10,Cisco 8845,SIP,Reception,Floor 1,10.0.0.10,imp-owner,",
      "001e.4a00.0011,CP-7965G,sccp,Desk 11,,,,7915;7915",
      "001E4A000012,8861,,,,,,CP-8800-Audio",
    ].join("\n");
    const res = await importCsv(csv, "?dryRun=true");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ dryRun: true, created: 0 });
    expect(body.phones).toEqual([
      {
        row: 1,
        mac: "001E4A000010",
        brand: "cisco",
        model: "8845",
        softwareType: "SIP",
        label: "Reception",
        location: "Floor 1",
        ip: "10.0.0.10",
        username: "imp-owner",
        kems: [],
      },
      expect.objectContaining({ row: 2, mac: "001E4A000011", model: "7965", softwareType: "SCCP" }),
      expect.objectContaining({ row: 3, mac: "001E4A000012", model: "8861", kems: [expect.any(String)] }),
    ]);
    expect(body.phones[1].kems).toHaveLength(2);
    expect(await total()).toBe(before);

    // The same file for real: created with owner and modules.
    const real = await importCsv(csv);
    expect(real.statusCode, real.body).toBe(200);
    expect(real.json()).toMatchObject({ dryRun: false, created: 3 });
    expect(await total()).toBe(before + 3);
    const listed = (
      await t.app.inject({ method: "GET", url: "/api/v1/phones?q=001E4A00001&sort=mac", headers: h })
    ).json().data as Rec[];
    expect(listed.map((p) => p.mac)).toEqual(["001E4A000010", "001E4A000011", "001E4A000012"]);
    expect(listed[0]!.userId).toEqual(expect.any(String));
    expect((listed[1]!.kems as Rec[]).map((k) => k.position)).toEqual([1, 2]);
  });

  it("reports every bad row (dry run and real alike) and writes nothing", async () => {
    const before = await total();
    const csv = [
      "mac,model,softwareType,username,kems",
      "00:1E:4A:00:00:20,7965,,,", // fine
      "not-a-mac,7965,,,", // bad MAC
      "00:1E:4A:00:00:21,9999,,,", // unknown model
      "00:1E:4A:00:00:22,8845,SCCP,,", // 8845 runs no SCCP
      "00:1E:4A:00:00:23,7965,,nobody,", // unknown owner
      "00:1E:4A:00:00:24,7942,,,KEM-30", // 7942 has no KEM port
      "00-1e-4a-00-00-20,7965,,,", // duplicate of row 1 in another spelling
      "00:1E:4A:00:00:01,7965,,,", // already in the database
      "01:1E:4A:00:00:25,7965,,,", // multicast
    ].join("\n");
    for (const query of ["?dryRun=true", ""]) {
      const res = await importCsv(csv, query);
      expectError(res, 400, "validation_failed");
      const details = res.json().error.details as Array<{ row: number; field: string | null }>;
      expect(details.map((d) => [d.row, d.field])).toEqual([
        [2, "mac"],
        [3, "model"],
        [4, "softwareType"],
        [5, "username"],
        [6, "kems"],
        [7, "mac"],
        [8, "mac"],
        [9, "mac"],
      ]);
    }
    expect(await total()).toBe(before);
  });

  it("takes an optional brand column: each model checked against its brand's catalogue, cisco by default", async () => {
    const before = await total();
    const csv = [
      "mac,brand,model,label",
      "000b82000101,Grandstream,gxp-2170,GS desk",
      "00:04:13:00:01:02,snom,snomD785,",
      "0004f2000103,polycom,Poly VVX 450,",
      "805ec0000104,yealink,SIP-T46S,",
      "001e4a000105,,8845,", // empty brand: cisco
    ].join("\n");
    const res = await importCsv(csv);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json().phones as Rec[]).map((p) => [p.mac, p.brand, p.model, p.softwareType, p.kems])).toEqual([
      ["000B82000101", "grandstream", "GXP2170", null, []],
      ["000413000102", "snom", "D785", null, []],
      ["0004F2000103", "polycom", "VVX450", null, []],
      ["805EC0000104", "yealink", "T46S", null, []],
      ["001E4A000105", "cisco", "8845", null, []],
    ]);
    expect(await total()).toBe(before + 5);
    const stored = await t.app.inject({ method: "GET", url: "/api/v1/phones?q=000B82000101", headers: h });
    expect(stored.json().data[0]).toMatchObject({ brand: "grandstream", model: "GXP2170", label: "GS desk" });

    const bad = [
      "mac,brand,model,softwareType,kems",
      "000b82000201,grandstream,8845,,", // a Cisco model is no Grandstream's
      "000413000202,snom,D785,SIP,", // software type is Cisco's
      "0004f2000203,polycom,VVX450,,KEM-30", // so are KEMs
      "000413000204,nokia,D785,,", // unknown brand
      "001e4a000205,cisco,VVX450,,", // a Polycom model is no Cisco's
    ].join("\n");
    const refused = await importCsv(bad, "?dryRun=true");
    expectError(refused, 400, "validation_failed");
    expect((refused.json().error.details as Rec[]).map((d) => [d.row, d.field])).toEqual([
      [1, "model"],
      [2, "softwareType"],
      [3, "kems"],
      [4, "brand"],
      [5, "model"],
    ]);
    expect(await total()).toBe(before + 5);
  });

  it("refuses files it cannot read, without writing", async () => {
    const before = await total();
    expectError(await importCsv("model,label\n7965,x"), 400, "validation_failed");
    expectError(await importCsv("mac,model,colour\n001E4A000030,7965,red"), 400, "validation_failed");
    expectError(await importCsv("mac,model\n"), 400, "validation_failed");
    expectError(await importCsv('mac,model\n"001E4A000031,7965'), 400, "validation_failed");
    expectError(await importCsv("mac,model\n001E4A000032,7965", "?dryRun=maybe"), 400, "validation_failed");
    expect(await total()).toBe(before);
  });

  it("imports 1,000 phones in one go", async () => {
    const lines = ["mac,model,label"];
    for (let i = 0; i < 1000; i++) lines.push(`02AA00${i.toString(16).toUpperCase().padStart(6, "0")},8845,Bulk ${i}`);
    const before = await total();
    const res = await importCsv(lines.join("\n"));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().created).toBe(1000);
    expect(await total()).toBe(before + 1000);
    // A second time every row is a duplicate of the database.
    const again = await importCsv(lines.join("\n"), "?dryRun=true");
    expectError(again, 400, "validation_failed");
    expect(again.json().error.details).toHaveLength(1000);
  });
});
