import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { startAmiPeer, type AmiPeer } from "../../test/ami-peer.js";
import { inventory } from "../../test/inventory-fixtures.js";
import { startFtpServer, type TestFtpServer } from "../../test/phone-peers.js";

// The deploy pipeline restarting phones through Asterisk (`[restart] sip_method/sccp_method = "ami"`),
// against the loopback AMI peer: the deployments module and the AMI adapter of the extensions module together.
let t: TestApp;
let ftp: TestFtpServer;
let ami: AmiPeer;
let inv: ReturnType<typeof inventory>;

beforeAll(async () => {
  [ftp, ami] = await Promise.all([startFtpServer(), startAmiPeer()]);
  mkdirSync(path.join(ftp.root, "tftp"));
  t = await buildTestApp({
    toml: {
      asterisk: {
        host: "127.0.0.1",
        ami_host: "127.0.0.1",
        ami_port: ami.port,
        ami_username: ami.username,
        ami_secret: ami.secret,
      },
      ftp: {
        host: "127.0.0.1",
        port: ftp.port,
        username: ftp.credentials.username,
        password: ftp.credentials.password,
        directory: "/tftp",
        backup_directory: "/backups",
      },
      restart: { sip_method: "ami", sccp_method: "ami", timeout_ms: 2000 },
    },
  });
  inv = inventory(t);
});
afterAll(async () => {
  await t?.close();
  await Promise.all([ftp?.close(), ami?.stop()]);
});

const deploy = async (profileId: string, phoneId: string) =>
  t.app.inject({
    method: "POST",
    url: `/api/v1/profiles/${profileId}/deploy`,
    headers: await t.adminHeaders(),
    payload: { phoneId },
  });

describe("deploy with the restart sent through Asterisk's AMI", () => {
  // chan_sip is gone from Asterisk 21+, so the real Asterisk 22 of the other restart tests cannot play it.
  it("chan_sip line: SIPnotify (not PJSIPNotify) to the registered peer with Event check-sync; the phone's service login is ended", async () => {
    const owner = await inv.user("dora");
    const created = await t.app.inject({
      method: "POST",
      url: "/api/v1/extensions",
      headers: await t.adminHeaders(),
      payload: { technology: "SIP", number: "5001", displayName: "Dora", userId: owner, secret: "dora-secret-1" },
    });
    expect(created.statusCode, created.body).toBe(201);
    ami.chanSip.sipPeers = [{ name: "5001", ip: "192.0.2.51" }];
    const pinSet = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/users/${owner}`,
      headers: await t.adminHeaders(),
      payload: { pin: "2468" },
    });
    expect(pinSet.statusCode, pinSet.body).toBe(200);
    // No IP: through Asterisk the phone is reached by its registration, not its address.
    const phone = await inv.phone({ mac: "0C1167884501", model: "8845", softwareType: "SIPE" });
    const profile = await inv.profile({ name: "ami-sip", softwareType: "SIPE", userId: owner });

    // Dora logs in to the phone's services, as the phone does it: a GET with user and PIN.
    const personal = `/cisco/personal?mac=${phone.mac}`;
    const login = await t.app.inject(`/cisco/login/submit?mac=${phone.mac}&user=dora&pin=2468&next=personal`);
    expect(login.body).toContain("Logged in as dora");
    // Logged in: the personal directory itself (empty), not the login form.
    expect((await t.app.inject(personal)).body).toContain("<Title>Personal</Title>");

    const res = await deploy(profile.id, phone.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe("succeeded");
    expect(res.json().steps[2]).toMatchObject({ name: "restart", status: "succeeded" });

    expect(res.json().steps[2].detail).toContain("SIPnotify 5001 check-sync queued");
    expect(ami.actions.some((a) => a.action.toLowerCase() === "pjsipnotify")).toBe(false);
    const notify = ami.actions.find((a) => a.action.toLowerCase() === "sipnotify");
    expect(notify?.get("Channel")).toBe("5001");
    expect(notify?.all("Variable")).toEqual(["Event=check-sync"]);

    // The deployed file sends the phone to this server's pages for this phone, and they ask for login again.
    const file = readFileSync(path.join(ftp.root, "tftp", `SEP${phone.mac}.cnf.xml`), "utf8");
    expect(file).toContain("<authName>5001</authName>");
    const servicesUrl = new URL(/<servicesURL>([^<]+)<\/servicesURL>/.exec(file)![1]!);
    expect(servicesUrl.pathname + servicesUrl.search).toBe(`/cisco/services?mac=${phone.mac}`);
    expect((await t.app.inject(personal)).body).toContain("<CiscoIPPhoneInput>");
  });

  it("SCCP phone: SCCPDeviceRestart for SEP<MAC>", async () => {
    const phone = await inv.phone({ mac: "00:1E:4A:79:65:01", model: "7965", softwareType: "SCCP" });
    const profile = await inv.profile({ name: "ami-sccp", softwareType: "SCCP" });

    const res = await deploy(profile.id, phone.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe("succeeded");
    const restart = ami.actions.find((a) => a.action.toLowerCase() === "sccpdevicerestart");
    expect(restart?.get("Devicename")).toBe("SEP001E4A796501");
    expect(restart?.get("Type")).toBe("restart");
  });

  it("Asterisk unreachable: the restart step fails with the reason and the new file stays deployed", async () => {
    const owner = await inv.user("eve");
    await inv.extension(owner, "5002", "Eve", "eve-secret-12");
    const phone = await inv.phone({ mac: "0C1167884502", model: "8845", softwareType: "SIPE" });
    const profile = await inv.profile({ name: "ami-down", softwareType: "SIPE", userId: owner });
    await ami.stop();
    try {
      const res = await deploy(profile.id, phone.id);
      expect(res.statusCode, res.body).toBe(200);
      const d = res.json();
      expect(d.status).toBe("failed");
      expect(d.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
        "backup:succeeded",
        "upload:succeeded",
        "restart:failed",
      ]);
      expect(d.steps[2].detail).toBeTruthy();
      expect(readFileSync(path.join(ftp.root, "tftp", `SEP${phone.mac}.cnf.xml`), "utf8")).toContain("5002");
    } finally {
      await ami.start();
    }
  });
});
