import { afterAll, beforeAll, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { inventory } from "../../test/inventory-fixtures.js";
import { startSipPhone, type TestSipPhone } from "../../test/phone-peers.js";
import {
  describeWithAsterisk,
  freePort,
  sippRegister,
  startAsterisk,
  type RealAsterisk,
  filesModeOf,
} from "../../test/real-asterisk.js";

// The endpoint manager's reboot as a Yealink/Fanvil registered with the real Asterisk 22 sees it: SIPp registers
// the device's account with a Contact pointing at a loopback phone, which records (and parses) each NOTIFY.
describeWithAsterisk("rebooting a registered Yealink/Fanvil through a real Asterisk 22", () => {
  let asterisk: RealAsterisk;
  let phone: TestSipPhone;
  /** Where a NOTIFY would go if Asterisk's contact were ignored: nobody listens there. */
  let deadPort: number;
  beforeAll(async () => {
    [asterisk, phone, deadPort] = await Promise.all([startAsterisk(), startSipPhone(), freePort()]);
  });
  afterAll(async () => {
    await Promise.all([asterisk?.stop(), phone?.close()]);
  });

  async function setup(method: "notify" | "ami", number: string, brand: "yealink" | "fanvil") {
    const t: TestApp = await buildTestApp({
      toml: {
        asterisk: filesModeOf(asterisk),
        restart: { sip_method: method, sip_port: deadPort, timeout_ms: 3000 },
      },
    });
    const inv = inventory(t);
    const extensionId = await inv.extension(null, number, `Line ${number}`, `secret-${number}-x`);
    const mac = brand === "yealink" ? `805ec000${number}` : `0c383e00${number}`;
    const add = await t.app.inject({
      method: "POST",
      url: "/console/endpoint-manager/devices",
      headers: await t.adminHeaders(),
      payload: { mac, brand, model: brand === "yealink" ? "T46S" : "X4U", extensionId },
    });
    expect(add.statusCode, add.body).toBe(201);
    const r = await sippRegister({
      sipPort: asterisk.sipPort,
      user: number,
      password: `secret-${number}-x`,
      contactPort: phone.port,
      callId: `reg-${number}@192.0.2.60`,
    });
    expect(r.ok, r.output).toBe(true);
    return { t, mac };
  }

  const received = (number: string) =>
    phone.received.filter((r) => r.message.startLine.startsWith(`NOTIFY sip:${number}@127.0.0.1:${phone.port}`));

  for (const method of ["notify", "ami"] as const) {
    it(`${method}: Yealink reboot and resync NOTIFYs reach the contact Asterisk registered`, async () => {
      const number = method === "notify" ? "7511" : "7512";
      const { t, mac } = await setup(method, number, "yealink");
      try {
        const h = await t.adminHeaders();
        const res = await t.app.inject({
          method: "POST",
          url: `/console/endpoint-manager/devices/${mac}/reboot`,
          headers: h,
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({ ok: true, mode: "reboot", event: "check-sync;reboot=true" });
        await expect.poll(() => received(number).length, { timeout: 3000 }).toBe(1);
        const notify = received(number)[0]!.message;
        expect(notify.headers.event).toBe("check-sync;reboot=true");
        // Asterisk's own transport sends the AMI one; Cisisk's socket the direct one.
        if (method === "ami") expect(notify.headers.via).toContain(`127.0.0.1:${asterisk.sipPort}`);
        else expect(notify.headers.via).not.toContain(`:${asterisk.sipPort}`);
        const resync = await t.app.inject({
          method: "POST",
          url: `/console/endpoint-manager/devices/${mac}/reboot`,
          headers: h,
          payload: { mode: "resync" },
        });
        expect(resync.statusCode, resync.body).toBe(200);
        await expect.poll(() => received(number).length, { timeout: 3000 }).toBe(2);
        expect(received(number)[1]!.message.headers.event).toBe("check-sync;reboot=false");
      } finally {
        await t.close();
      }
    });
  }

  it("ami: a Fanvil reboot goes out as check-sync;reboot=true through PJSIPNotify", async () => {
    const { t, mac } = await setup("ami", "7521", "fanvil");
    try {
      const res = await t.app.inject({
        method: "POST",
        url: `/console/endpoint-manager/devices/${mac}/reboot`,
        headers: await t.adminHeaders(),
      });
      expect(res.statusCode, res.body).toBe(200);
      await expect.poll(() => received("7521").length, { timeout: 3000 }).toBe(1);
      expect(received("7521")[0]!.message.headers.event).toBe("check-sync;reboot=true");
    } finally {
      await t.close();
    }
  });
});
