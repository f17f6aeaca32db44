import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";

let t: TestApp;
let h: Record<string, string>;
beforeAll(async () => {
  t = await buildTestApp();
  h = await t.adminHeaders();
});
afterAll(() => t.close());

async function create(body: Record<string, unknown>) {
  return t.app.inject({ method: "POST", url: "/api/v1/phones", headers: h, payload: body });
}

describe("phones", () => {
  it("stores a MAC given in any spelling as 12 uppercase hex and answers 409 on a duplicate", async () => {
    const res = await create({ mac: "80-5e-c0-12-34-56", model: "8845", softwareType: "SIPE", ip: "192.0.2.45" });
    expect(res.statusCode, res.body).toBe(201);
    const phone = res.json();
    expect(phone).toMatchObject({
      mac: "805EC0123456",
      brand: "cisco",
      model: "8845",
      softwareType: "SIPE",
      kems: [],
      currentProfileName: null,
    });
    expectError(await create({ mac: "80:5E:C0:12:34:56", model: "8845" }), 409, "conflict");
    expectError(await create({ mac: "805e.c012.3456", model: "8851" }), 409, "conflict");
  });

  it("rejects all-zero, broadcast, multicast and malformed MACs", async () => {
    for (const mac of ["000000000000", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "12345", "80:5E:C0:12:34:5G"]) {
      const res = await create({ mac, model: "7965" });
      expectError(res, 400, "validation_failed");
      expect(res.json().error.details[0].path).toBe("body.mac");
    }
  });

  it("validates the model and its firmware", async () => {
    expectError(await create({ mac: "00112233AA01", model: "9999" }), 400, "validation_failed");
    const res = await create({ mac: "00112233AA02", model: "8845", softwareType: "SCCP" });
    expectError(res, 400, "validation_failed");
    expect(res.json().error.message).toMatch(/cannot run SCCP/);
    expectError(await create({ mac: "00112233AA03", model: "7960", softwareType: "SIP" }), 400, "validation_failed");
    expect((await create({ mac: "00112233AA04", model: "CP-7965G", softwareType: "SCCP" })).json().model).toBe("7965");
    expect((await create({ mac: "00112233AA05", model: "CP-8851NR-K9", softwareType: "SIPE" })).json().model).toBe(
      "8851NR",
    );
    expect((await create({ mac: "00112233AA06", model: "Cisco 8845" })).json().model).toBe("8845");
  });

  it("maps KEM names to Cisco's and refuses what the phone cannot take", async () => {
    const p7965 = (await create({ mac: "00112233BB01", model: "7965", softwareType: "SCCP" })).json();
    const p8845 = (await create({ mac: "00112233BB02", model: "8845", softwareType: "SIPE" })).json();
    const p8851 = (await create({ mac: "00112233BB03", model: "8851", softwareType: "SIPE" })).json();
    const p8865 = (await create({ mac: "00112233BB04", model: "8865", softwareType: "SIPE" })).json();
    const put = (id: string, kems: string[]) =>
      t.app.inject({
        method: "PUT",
        url: `/api/v1/phones/${id}/kems`,
        headers: h,
        payload: { kems: kems.map((model) => ({ model })) },
      });

    let res = await put(p7965.id, ["KEM-30"]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().kems).toEqual([{ position: 1, model: "7916", buttons: 24 }]);
    res = await put(p7965.id, ["7914", "7914"]);
    expect(res.json().kems.map((k: { model: string }) => k.model)).toEqual(["7914", "7914"]);

    res = await put(p8845.id, ["KEM-80"]);
    expectError(res, 400, "validation_failed");
    expect(res.json().error.message).toMatch(/no KEM port/);

    res = await put(p8851.id, ["KEM-80", "KEM-80"]);
    expect(res.json().kems).toEqual([
      { position: 1, model: "CP-8800-Audio", buttons: 28 },
      { position: 2, model: "CP-8800-Audio", buttons: 28 },
    ]);
    res = await put(p8851.id, ["KEM-80", "KEM-80", "KEM-80"]);
    expectError(res, 400, "validation_failed");
    expect(res.json().error.message).toMatch(/at most 2/);
    res = await put(p8851.id, ["CP-8800-Audio", "BEKEM"]);
    expectError(res, 400, "validation_failed");
    expect(res.json().error.message).toMatch(/same type/);
    expectError(await put(p8851.id, ["KEM-30"]), 400, "validation_failed");

    res = await put(p8865.id, ["KEM-80", "KEM-80", "KEM-80"]);
    expect(res.json().kems.map((k: { model: string }) => k.model)).toEqual([
      "CP-8800-Video",
      "CP-8800-Video",
      "CP-8800-Video",
    ]);
    res = await put(p8865.id, []);
    expect(res.json().kems).toEqual([]);
  });

  it("adds a Cisco phone with its KEMs in one request, checked as PUT /kems checks them", async () => {
    let res = await create({
      mac: "00112233CC01",
      model: "8861",
      softwareType: "SIPE",
      kems: [{ model: "KEM-80" }, { model: "KEM-80" }],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().kems).toEqual([
      { position: 1, model: "CP-8800-Audio", buttons: 28 },
      { position: 2, model: "CP-8800-Audio", buttons: 28 },
    ]);
    const stored = await t.app.inject({ method: "GET", url: `/api/v1/phones/${res.json().id}`, headers: h });
    expect(stored.json().kems.map((k: { model: string }) => k.model)).toEqual(["CP-8800-Audio", "CP-8800-Audio"]);

    // The modules' keys count for the lines: button 30 exists only on a 7965 with its module.
    const ext = await t.app.inject({
      method: "POST",
      url: "/api/v1/extensions",
      headers: h,
      payload: { technology: "SCCP", number: "7730", displayName: "Side car" },
    });
    expect(ext.statusCode, ext.body).toBe(201);
    const line = { button: 30, extensionId: ext.json().id };
    res = await create({ mac: "00112233CC02", model: "7965", softwareType: "SCCP", lines: [line] });
    expectError(res, 400, "validation_failed");
    expect(res.json().error.details[0].path).toBe("body.lines.0.button");
    res = await create({
      mac: "00112233CC02",
      model: "7965",
      softwareType: "SCCP",
      kems: [{ model: "KEM-30" }],
      lines: [line],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ kems: [{ position: 1, model: "7916", buttons: 24 }], lines: [line] });

    const refused: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ mac: "00112233CC03", model: "8845", kems: [{ model: "KEM-80" }] }, "body.kems", /no KEM port/],
      [
        { mac: "00112233CC03", model: "8851", kems: [{ model: "BEKEM" }, { model: "CP-8800-Audio" }] },
        "body.kems",
        /same type/,
      ],
      [{ mac: "00112233CC03", model: "8851", kems: [{ model: "KEM-30" }] }, "body.kems.0.model", /does not fit/],
      [{ mac: "00112233CC03", model: "8865", kems: Array(4).fill({ model: "KEM-80" }) }, "body.kems", /at most 3/],
      [
        { mac: "00112233CC03", brand: "yealink", model: "T46S", kems: [{ model: "KEM-80" }] },
        "body.kems",
        /only Cisco/,
      ],
    ];
    for (const [body, path, message] of refused) {
      res = await create(body);
      expectError(res, 400, "validation_failed");
      expect(res.json().error.details[0].path, JSON.stringify(body)).toBe(path);
      expect(JSON.stringify(res.json().error)).toMatch(message);
    }
    const none = await t.app.inject({ method: "GET", url: "/api/v1/phones?q=00112233CC03", headers: h });
    expect(none.json().total).toBe(0);
  });

  it("lists with filters, updates and deletes", async () => {
    const list = await t.app.inject({ method: "GET", url: "/api/v1/phones?model=8851&pageSize=10", headers: h });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.every((p: { model: string }) => p.model === "8851")).toBe(true);
    expect(list.json().total).toBe(1);
    const sccp = await t.app.inject({ method: "GET", url: "/api/v1/phones?softwareType=SCCP", headers: h });
    expect(sccp.json().data.every((p: { softwareType: string }) => p.softwareType === "SCCP")).toBe(true);

    const id = list.json().data[0].id;
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/phones/${id}`,
      headers: h,
      payload: { label: "Reception", ip: "10.0.0.9" },
    });
    expect(patched.json()).toMatchObject({ label: "Reception", ip: "10.0.0.9" });
    expectError(
      await t.app.inject({ method: "PATCH", url: `/api/v1/phones/${id}`, headers: h, payload: { ip: "10.0.0" } }),
      400,
      "validation_failed",
    );
    // Changing to a model without a KEM port while modules are attached is refused.
    expectError(
      await t.app.inject({ method: "PATCH", url: `/api/v1/phones/${id}`, headers: h, payload: { model: "8845" } }),
      400,
      "validation_failed",
    );

    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/phones/${id}`, headers: h })).statusCode).toBe(204);
    expectError(await t.app.inject({ method: "GET", url: `/api/v1/phones/${id}`, headers: h }), 404, "not_found");
  });

  it("requires authentication", async () => {
    expectError(await t.app.inject({ method: "GET", url: "/api/v1/phones" }), 401, "unauthenticated");
  });
});
