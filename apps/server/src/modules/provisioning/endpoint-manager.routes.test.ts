import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";
import { startSipPhone, type TestSipPhone } from "../../test/phone-peers.js";

let t: TestApp;
let phone: TestSipPhone;
let h: Record<string, string>;

const em = (method: "GET" | "POST", url: string, payload?: object, headers = h) =>
  t.app.inject({ method, url: `/console/endpoint-manager${url}`, headers, ...(payload && { payload }) });

beforeAll(async () => {
  phone = await startSipPhone();
  t = await buildTestApp({
    toml: {
      restart: { sip_method: "notify", sip_port: phone.port, timeout_ms: 1500 },
      provisioning: { provision_url_base: "http://192.0.2.5:8080/provision" },
    },
  });
  h = await t.adminHeaders();
});
afterAll(async () => {
  await t?.close();
  await phone?.close();
});
afterEach(() => {
  phone.behaviour = "ok";
});

describe("endpoint manager console API (/console/endpoint-manager)", () => {
  it("needs the console's superadmin session", async () => {
    expectError(await em("GET", "/devices", undefined, {}), 401, "unauthenticated");
    expectError(
      await em("POST", "/devices", { mac: "805ec0111111", brand: "yealink", model: "T46S" }, {}),
      401,
      "unauthenticated",
    );
    expectError(await em("GET", "/settings", undefined, { authorization: "Bearer nope" }), 401, "unauthenticated");
  });

  it("adds, lists, edits and deletes devices by MAC in any spelling; the password is write-only", async () => {
    const add = await em("POST", "/devices", {
      mac: "80:5E:C0:11:11:11",
      brand: "yealink",
      model: "T54W",
      label: "John's extension 1001",
      username: "1001",
      password: "pw-1001",
      server: "203.0.113.10:5060",
    });
    expect(add.statusCode, add.body).toBe(201);
    expect(add.json()).toMatchObject({
      mac: "805EC0111111",
      brand: "yealink",
      model: "T54W",
      username: "1001",
      hasPassword: true,
      server: "203.0.113.10:5060",
      enabled: true,
      accounts: 16,
      fileName: "805ec0111111.cfg",
      provisionedAt: null,
    });
    expect(add.body).not.toContain("pw-1001");
    expectError(await em("POST", "/devices", { mac: "805ec0111111", brand: "fanvil", model: "X4U" }), 409, "conflict");
    expectError(
      await em("POST", "/devices", { mac: "805ec0111112", brand: "yealink", model: "X4U" }),
      400,
      "validation_failed",
    );
    expectError(
      await em("POST", "/devices", { mac: "805ec0111112", brand: "acme", model: "T46S" }),
      400,
      "validation_failed",
    );
    expectError(
      await em("POST", "/devices", { mac: "805ec0111112", brand: "yealink", model: "T46S", server: "a b:99999" }),
      400,
      "validation_failed",
    );

    const edit = await em("POST", "/devices/80-5e-c0-11-11-11/edit", { enabled: false, label: "Desk 2" });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json()).toMatchObject({ enabled: false, label: "Desk 2", hasPassword: true });
    const disabled = await t.app.inject({
      method: "GET",
      url: "/provision/805ec0111111.cfg",
      remoteAddress: "10.3.0.1",
    });
    expect(disabled.statusCode).toBe(404);
    expect((await em("POST", "/devices/805ec0111111/edit", { enabled: true })).statusCode).toBe(200);
    const served = await t.app.inject({ method: "GET", url: "/provision/805ec0111111.cfg", remoteAddress: "10.3.0.1" });
    expect(served.statusCode).toBe(200);
    expect(served.body).toContain("account.1.password = pw-1001");

    // The same device is a phone of /api/v1/phones, with its brand.
    const phones = await t.app.inject({ method: "GET", url: "/api/v1/phones?brand=yealink", headers: h });
    expect(phones.json().data.map((p: { mac: string }) => p.mac)).toContain("805EC0111111");

    const list = await em("GET", "/devices?brand=yealink");
    expect(list.json().data.map((d: { mac: string }) => d.mac)).toEqual(["805EC0111111"]);
    expectError(await em("POST", "/devices/805ec0999999/edit", { enabled: true }), 404, "not_found");
    expectError(await em("POST", "/devices/not-a-mac/delete"), 400, "validation_failed");
    expect((await em("POST", "/devices/805EC0111111/delete")).json()).toEqual({ deleted: true });
    expectError(await em("POST", "/devices/805EC0111111/delete"), 404, "not_found");
  });

  it("shows the settings with the catalogue and DHCP snippets for options 66, 160 and 150", async () => {
    const res = await em("GET", "/settings");
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({
      provisionUrlBase: "http://192.0.2.5:8080/provision",
      auth: "none",
      missLimitPerMinute: 30,
    });
    expect(s.brands.map((b: { brand: string }) => b.brand)).toEqual([
      "cisco",
      "yealink",
      "fanvil",
      "grandstream",
      "snom",
      "polycom",
    ]);
    // Each model with its accounts, as the console's model pickers offer them (Cisco: line keys).
    const modelsOf = (brand: string) => s.brands.find((b: { brand: string }) => b.brand === brand).models;
    expect(modelsOf("yealink")).toContainEqual({ model: "T46S", accounts: 16 });
    expect(modelsOf("snom")).toContainEqual({ model: "D785", accounts: 12 });
    expect(modelsOf("cisco")).toContainEqual({ model: "8851", accounts: 10 });
    expect(modelsOf("polycom").some((m: { model: string }) => m.model === "T46S")).toBe(false);
    expect(s.dhcp.iscDhcpd).toContain('option tftp-server-name "http://192.0.2.5:8080/provision/";');
    expect(s.dhcp.iscDhcpd).toContain("option cisco-tftp-150 192.0.2.5;");
    expect(s.dhcp.dnsmasq).toContain('dhcp-option=66,"http://192.0.2.5:8080/provision/"');
    expect(s.dhcp.dnsmasq).toContain("dhcp-option=150,192.0.2.5");
    const kea = JSON.parse(s.dhcp.kea);
    expect(kea.Dhcp4["option-data"]).toContainEqual({
      name: "provisioning-url-160",
      code: 160,
      data: "http://192.0.2.5:8080/provision/",
    });
    const api = await t.app.inject({ method: "GET", url: "/api/v1/provisioning/settings", headers: h });
    expect(api.json()).toEqual(s);
  });
});

describe("remote reboot with the vendor's NOTIFY", () => {
  async function deviceAt(mac: string, brand: string, model: string, username: string, file = `${mac}.cfg`) {
    expect((await em("POST", "/devices", { mac, brand, model, username, password: "x" })).statusCode).toBe(201);
    // The phone fetched its file from the loopback address: that is where the NOTIFY goes (no Asterisk here).
    const res = await t.app.inject({ method: "GET", url: `/provision/${file}`, remoteAddress: "127.0.0.1" });
    expect(res.statusCode).toBe(200);
  }

  it("sends Yealink check-sync;reboot=true (reboot) and reboot=false (resync) and reports the phone's answer", async () => {
    await deviceAt("805ec0222222", "yealink", "T46S", "4001");
    const before = phone.received.length;
    const res = await em("POST", "/devices/805ec0222222/reboot");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, mode: "reboot", event: "check-sync;reboot=true" });
    expect(res.json().detail).toContain("200 OK");
    const got = phone.received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]!.message.startLine).toBe(`NOTIFY sip:4001@127.0.0.1:${phone.port} SIP/2.0`);
    expect(got[0]!.message.headers.event).toBe("check-sync;reboot=true");
    expect(got[0]!.message.headers["content-length"]).toBe("0");

    const resync = await t.app.inject({
      method: "POST",
      url: "/api/v1/provisioning/devices/805EC0222222/reboot",
      headers: h,
      payload: { mode: "resync" },
    });
    expect(resync.statusCode, resync.body).toBe(200);
    expect(phone.received.at(-1)!.message.headers.event).toBe("check-sync;reboot=false");
  });

  it("sends Fanvil check-sync;reboot=true and plain check-sync for a resync", async () => {
    await deviceAt("0c383e333333", "fanvil", "X3S", "4002");
    expect((await em("POST", "/devices/0c383e333333/reboot")).json().event).toBe("check-sync;reboot=true");
    expect(phone.received.at(-1)!.message.headers.event).toBe("check-sync;reboot=true");
    expect(phone.received.at(-1)!.message.startLine).toContain("sip:4002@");
    await em("POST", "/devices/0c383e333333/reboot", { mode: "resync" });
    expect(phone.received.at(-1)!.message.headers.event).toBe("check-sync");
  });

  it("sends Grandstream resync, Snom check-sync;reboot=false and Polycom check-sync (both modes) as each honours", async () => {
    const cases = [
      ["000b82555555", "grandstream", "GXP2170", "4003", "cfg000b82555555.xml", "check-sync;reboot=true", "resync"],
      ["000413666666", "snom", "D785", "4004", "000413666666.xml", "check-sync;reboot=true", "check-sync;reboot=false"],
      ["0004f2777777", "polycom", "VVX450", "4005", "0004f2777777.cfg", "check-sync", "check-sync"],
    ] as const;
    for (const [mac, brand, model, user, file, reboot, resync] of cases) {
      await deviceAt(mac, brand, model, user, file);
      const res = await em("POST", `/devices/${mac}/reboot`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ ok: true, mode: "reboot", event: reboot });
      expect(phone.received.at(-1)!.message.headers.event).toBe(reboot);
      expect(phone.received.at(-1)!.message.startLine).toContain(`sip:${user}@127.0.0.1`);
      expect((await em("POST", `/devices/${mac}/reboot`, { mode: "resync" })).json().event).toBe(resync);
      expect(phone.received.at(-1)!.message.headers.event).toBe(resync);
    }
  });

  it("reports a refusal and a timeout as errors (502), never as success", async () => {
    phone.behaviour = 481;
    const refused = await em("POST", "/devices/805ec0222222/reboot");
    expectError(refused, 502, "upstream_failed");
    expect(refused.json().error.message).toContain("481");
    phone.behaviour = "silent";
    const silent = await em("POST", "/devices/805ec0222222/reboot");
    expectError(silent, 502, "upstream_failed");
    expect(silent.json().error.details.ok).toBe(false);
  });

  it("refuses a reboot of an unknown device (404) or one with no known address (502)", async () => {
    expectError(await em("POST", "/devices/805ec0999998/reboot"), 404, "not_found");
    expect((await em("POST", "/devices", { mac: "805ec0444444", brand: "yealink", model: "T46S" })).statusCode).toBe(
      201,
    );
    const res = await em("POST", "/devices/805ec0444444/reboot");
    expectError(res, 502, "upstream_failed");
    expect(res.json().error.message).toContain("no known address");
  });
});
