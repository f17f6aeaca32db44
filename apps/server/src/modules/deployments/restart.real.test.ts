import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { inventory } from "../../test/inventory-fixtures.js";
import { startFtpServer, startSipPhone, type TestFtpServer, type TestSipPhone } from "../../test/phone-peers.js";
import {
  describeWithAsterisk,
  freePort,
  sippRegister,
  startAsterisk,
  type RealAsterisk,
  filesModeOf,
} from "../../test/real-asterisk.js";

// Restarts as a Cisco phone registered with the real Asterisk 22 sees them. SIPp registers the phone's line
// with a known Call-ID and a Contact pointing at a loopback phone, which records the NOTIFYs it gets.
describeWithAsterisk("restarting a registered SIP phone through a real Asterisk 22", () => {
  let asterisk: RealAsterisk;
  let ftp: TestFtpServer;
  let phone: TestSipPhone;
  /** Where a direct NOTIFY would go without Asterisk's answer: nobody listens there. */
  let deadPort: number;
  beforeAll(async () => {
    [asterisk, ftp, phone, deadPort] = await Promise.all([
      startAsterisk(),
      startFtpServer(),
      startSipPhone(),
      freePort(),
    ]);
    mkdirSync(path.join(ftp.root, "tftp"));
  });
  afterAll(async () => {
    await Promise.all([asterisk?.stop(), ftp?.close(), phone?.close()]);
  });

  /** A Cisisk (files mode) with this restart method, a SIP 8845 whose owner has line `number`. */
  async function setup(
    restart: { sip_method: "notify" | "ami"; sip_event: "check-sync" | "service-control" },
    number: string,
  ) {
    const t: TestApp = await buildTestApp({
      toml: {
        asterisk: filesModeOf(asterisk),
        ftp: {
          host: "127.0.0.1",
          port: ftp.port,
          username: ftp.credentials.username,
          password: ftp.credentials.password,
          directory: "/tftp",
          backup_directory: "/backups",
        },
        restart: { ...restart, sip_port: deadPort, timeout_ms: 3000 },
      },
    });
    const inv = inventory(t);
    const owner = await inv.user(`u${number}`);
    await inv.extension(owner, number, `Line ${number}`, `secret-${number}-x`);
    const mac = `0C11678845${number.slice(-2)}`;
    const p = await inv.phone({ mac, model: "8845", softwareType: "SIPE", ip: "127.0.0.1" });
    const profile = await inv.profile({ name: `restart-${number}`, softwareType: "SIPE", userId: owner });
    const deploy = async () => {
      const res = await t.app.inject({
        method: "POST",
        url: `/api/v1/profiles/${profile.id}/deploy`,
        headers: await t.adminHeaders(),
        payload: { phoneId: p.id },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ status: string; steps: Array<{ name: string; status: string; detail: string }> }>();
    };
    const register = async (callId: string) => {
      const r = await sippRegister({
        sipPort: asterisk.sipPort,
        user: number,
        password: `secret-${number}-x`,
        contactPort: phone.port,
        callId,
      });
      expect(r.ok, r.output).toBe(true);
    };
    return { t, deploy, register };
  }

  const received = (number: string) =>
    phone.received.filter((r) => r.message.startLine.startsWith(`NOTIFY sip:${number}@127.0.0.1:${phone.port}`));

  for (const method of ["notify", "ami"] as const) {
    it(`${method}: service-control with action=restart and the REGISTER's Call-ID reaches the registered contact`, async () => {
      const number = method === "notify" ? "7411" : "7412";
      const { t, deploy, register } = await setup({ sip_method: method, sip_event: "service-control" }, number);
      try {
        const callId = `reg-${number}-a1b2c3@192.0.2.45`;
        await register(callId);
        const d = await deploy();
        const restart = d.steps.find((s) => s.name === "restart")!;
        expect(restart.status, restart.detail).toBe("succeeded");
        expect(d.status).toBe("succeeded");
        await expect.poll(() => received(number).length, { timeout: 3000 }).toBe(1);
        const notify = received(number)[0]!.message;
        expect(notify.headers.event).toBe("service-control");
        expect(notify.headers["content-type"]).toBe("text/plain");
        const body = notify.body.split("\r\n");
        expect(body[0]).toBe("action=restart");
        expect(body).toContain(`RegisterCallId={${callId}}`);
        // Asterisk's own transport sends the AMI one; Cisisk's socket the direct one.
        expect(notify.headers.via).toContain(method === "ami" ? `127.0.0.1:${asterisk.sipPort}` : "SIP/2.0/UDP");
        if (method === "notify") expect(notify.headers.via).not.toContain(`:${asterisk.sipPort}`);
      } finally {
        await t.close();
      }
    });

    it(`${method}: check-sync goes to the registered contact, not <phone ip>:sip_port`, async () => {
      const number = method === "notify" ? "7421" : "7422";
      const { t, deploy, register } = await setup({ sip_method: method, sip_event: "check-sync" }, number);
      try {
        await register(`reg-${number}@192.0.2.46`);
        const d = await deploy();
        expect(d.steps.find((s) => s.name === "restart")).toMatchObject({ status: "succeeded" });
        await expect.poll(() => received(number).length, { timeout: 3000 }).toBe(1);
        expect(received(number)[0]!.message.headers.event).toBe("check-sync");
      } finally {
        await t.close();
      }
    });

    it(`${method}: a line that is not registered fails the restart step ("not registered"), nothing is sent`, async () => {
      const number = method === "notify" ? "7431" : "7432";
      const { t, deploy } = await setup({ sip_method: method, sip_event: "service-control" }, number);
      try {
        const d = await deploy();
        expect(d.status).toBe("failed");
        const restart = d.steps.find((s) => s.name === "restart")!;
        expect(restart.status).toBe("failed");
        expect(restart.detail).toContain(`line ${number} is not registered`);
        expect(received(number)).toHaveLength(0);
      } finally {
        await t.close();
      }
    });
  }
});
