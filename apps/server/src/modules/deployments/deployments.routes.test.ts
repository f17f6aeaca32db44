import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import type { Phone, Profile } from "@cisisk/contract";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";
import { inventory } from "../../test/inventory-fixtures.js";
import {
  startCgiPhone,
  startFtpServer,
  startSipPhone,
  type TestCgiPhone,
  type TestFtpServer,
  type TestSipPhone,
} from "../../test/phone-peers.js";

let t: TestApp;
let h: Record<string, string>;
let ftp: TestFtpServer;
let sip: TestSipPhone;
let cgi: TestCgiPhone;
let inv: ReturnType<typeof inventory>;
let owner: string;
/** The phone's authenticationURL check; a test flips it to simulate a phone whose check fails. */
let tamperAuth = false;

const CGI_PASSWORD = "cgi-password-1";
const tftp = () => path.join(ftp.root, "tftp");
const liveFile = (mac: string) => path.join(tftp(), `SEP${mac}.cnf.xml`);
const backupsOf = (mac: string) => {
  const dir = path.join(ftp.root, "backups", `SEP${mac}.cnf.xml`);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};
const readBackup = (mac: string, name: string) =>
  readFileSync(path.join(ftp.root, "backups", `SEP${mac}.cnf.xml`, name));

beforeAll(async () => {
  [ftp, sip] = await Promise.all([startFtpServer(), startSipPhone()]);
  cgi = await startCgiPhone(async (user, password) => {
    // Like a phone: ask the server's authenticationURL, accept only an exact "AUTHORIZED".
    const res = await t.app.inject({
      method: "GET",
      url: `/cisco/authenticate?UserID=${encodeURIComponent(user)}&Password=${encodeURIComponent(tamperAuth ? `${password}x` : password)}&devicename=SEP001E4A796599`,
    });
    return res.body === "AUTHORIZED";
  });
  mkdirSync(path.join(ftp.root, "tftp"));
  t = await buildTestApp({
    toml: {
      asterisk: { host: "127.0.0.1" },
      ftp: {
        host: "127.0.0.1",
        port: ftp.port,
        username: ftp.credentials.username,
        password: ftp.credentials.password,
        directory: "/tftp",
        backup_directory: "/backups",
        keep_backups: 2,
        pool_size: 2,
      },
      restart: {
        sip_port: sip.port,
        cgi_port: cgi.port,
        cgi_username: "cisisk",
        cgi_password: CGI_PASSWORD,
        cgi_key_delay_ms: 0,
        timeout_ms: 1500,
        concurrency: 3,
      },
      phone_services: { base_url: "http://127.0.0.1:3000" },
    },
  });
  h = await t.adminHeaders();
  inv = inventory(t);
  owner = await inv.user("bob");
  await inv.extension(owner, "3001", "Bob", "b0b$secret#1");
});
afterAll(async () => {
  await t?.close();
  await Promise.all([ftp?.close(), sip?.close(), cgi?.close()]);
});
beforeEach(() => {
  ftp.fault = "none";
  sip.behaviour = "ok";
  cgi.behaviour = "authenticate";
  tamperAuth = false;
});

const deploy = (profileId: string, phoneId: string) =>
  t.app.inject({ method: "POST", url: `/api/v1/profiles/${profileId}/deploy`, headers: h, payload: { phoneId } });
const getPhone = async (id: string): Promise<Phone> =>
  (await t.app.inject({ method: "GET", url: `/api/v1/phones/${id}`, headers: h })).json();
const stamp = (xml: string) => xml.replace(/<versionStamp>\d+<\/versionStamp>/, "<versionStamp/>");

describe("deploy to a SIP phone (FTP backup + upload, SIP NOTIFY, session reset)", () => {
  let phone: Phone;
  let profile: Profile;
  let other: Profile;

  beforeAll(async () => {
    phone = await inv.phone({ mac: "0C:11:67:88:45:AA", model: "8845", softwareType: "SIPE", ip: "127.0.0.1" });
    profile = await inv.profile({ name: "desk", softwareType: "SIPE", userId: owner });
    other = await inv.profile({ name: "desk-2", softwareType: "SIPE", userId: owner, description: "second" });
  });

  it("answers 404 for the current config while the phone has none", async () => {
    expectError(
      await t.app.inject({ method: "GET", url: `/api/v1/phones/${phone.id}/config`, headers: h }),
      404,
      "not_found",
    );
  });

  it("backs up the old file outside the served folder, uploads, sends check-sync and ends the service session", async () => {
    const old = Buffer.from('<?xml version="1.0"?><device><deviceProtocol>SIP</deviceProtocol></device>\n');
    writeFileSync(liveFile(phone.mac), old);
    await t.deps.phoneSessions.open(phone.mac, owner);

    const res = await deploy(profile.id, phone.id);
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json();
    expect(d.status).toBe("succeeded");
    expect(d.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      "backup:succeeded",
      "upload:succeeded",
      "restart:succeeded",
      "clear_session:succeeded",
    ]);
    expect(d.steps[2].detail).toMatch(/200 OK/);
    expect(d.steps[3].detail).toBe("service session ended");

    // The backup holds the old bytes, outside /tftp; /tftp holds only the new file (no temporary leftovers).
    const backups = backupsOf(phone.mac);
    expect(backups).toHaveLength(1);
    expect(readBackup(phone.mac, backups[0]!).equals(old)).toBe(true);
    expect(readdirSync(tftp())).toEqual([`SEP${phone.mac}.cnf.xml`]);

    // Byte for byte: what the API reports as deployed is what is on disk, and it is the rendered file with secrets.
    const onDisk = readFileSync(liveFile(phone.mac));
    const config = await t.app.inject({ method: "GET", url: `/api/v1/phones/${phone.id}/config`, headers: h });
    expect(config.statusCode).toBe(200);
    expect(Buffer.from(config.rawPayload).equals(onDisk)).toBe(true);
    const preview = await t.app.inject({
      method: "GET",
      url: `/api/v1/profiles/${profile.id}/render?phoneId=${phone.id}&showSecrets=true`,
      headers: h,
    });
    expect(stamp(onDisk.toString())).toBe(stamp(preview.body));
    expect(onDisk.toString()).toContain("<authPassword>b0b$secret#1</authPassword>");

    // The NOTIFY, as the phone parsed it.
    expect(sip.received).toHaveLength(1);
    const n = sip.received[0]!;
    expect(n.transport).toBe("udp");
    expect(n.message.startLine).toBe(`NOTIFY sip:3001@127.0.0.1:${sip.port} SIP/2.0`);
    expect(n.message.headers.via).toMatch(/^SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=z9hG4bK[0-9a-f]+;rport$/);
    expect(n.message.headers.from).toMatch(/^<sip:cisisk@127\.0\.0\.1:\d+>;tag=[0-9a-f]+$/);
    expect(n.message.headers.to).toBe(`<sip:3001@127.0.0.1:${sip.port}>`);
    expect(n.message.headers["call-id"]).toMatch(/^[0-9a-f]+@cisisk$/);
    expect(n.message.headers.cseq).toBe("1 NOTIFY");
    expect(n.message.headers["max-forwards"]).toBe("70");
    expect(n.message.headers.event).toBe("check-sync");
    expect(n.message.headers["content-length"]).toBe("0");

    expect(await t.deps.phoneSessions.current(phone.mac)).toBeNull();
    expect(await getPhone(phone.id)).toMatchObject({ currentProfileId: profile.id, currentProfileName: "desk" });

    const dashboard = await t.app.inject({ method: "GET", url: "/api/v1/dashboard", headers: h });
    expect(dashboard.json().components.ftp.status).toBe("ok");
    expect(dashboard.json().counts).toMatchObject({ phones: 1, profiles: 2 });
    expect(dashboard.json().recentDeployments[0]).toMatchObject({
      id: d.id,
      status: "succeeded",
      profileName: "desk",
      phoneMac: phone.mac,
      failedStep: null,
    });

    const listed = await t.app.inject({ method: "GET", url: `/api/v1/deployments?phoneId=${phone.id}`, headers: h });
    expect(listed.json().data[0]).toMatchObject({
      id: d.id,
      status: "succeeded",
      profileName: "desk",
      phoneMac: phone.mac,
    });
  });

  it("keeps only the newest keep_backups backups", async () => {
    for (let i = 0; i < 3; i++) expect((await deploy(profile.id, phone.id)).json().status).toBe("succeeded");
    expect(backupsOf(phone.mac)).toHaveLength(2);
  });

  it("FTP refusing the upload: the step fails, the old file is back and the current profile is unchanged", async () => {
    const before = readFileSync(liveFile(phone.mac));
    const backupsBefore = backupsOf(phone.mac);
    ftp.fault = "refuse-upload";
    const res = await deploy(other.id, phone.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "failed", failedStep: "upload" });
    expect(res.json().steps.at(-1).detail).toMatch(/FTP 550.*previous SEP0C11678845AA\.cnf\.xml was restored/);
    expect(readFileSync(liveFile(phone.mac)).equals(before)).toBe(true);
    expect(backupsOf(phone.mac)).toEqual(backupsBefore);
    expect((await getPhone(phone.id)).currentProfileName).toBe("desk");
  });

  it("FTP dropping the connection mid-transfer: the old file is restored over a new connection", async () => {
    const before = readFileSync(liveFile(phone.mac));
    ftp.fault = "drop-upload";
    const res = await deploy(other.id, phone.id);
    expect(res.json()).toMatchObject({ status: "failed", failedStep: "upload" });
    expect(res.json().steps.at(-1).detail).toMatch(/restored/);
    ftp.fault = "none";
    expect(readFileSync(liveFile(phone.mac)).equals(before)).toBe(true);
    // The half-written temporary file was cleaned up on the new connection.
    expect(readdirSync(tftp())).toEqual([`SEP${phone.mac}.cnf.xml`]);
    expect((await getPhone(phone.id)).currentProfileName).toBe("desk");
    // The pool recovers: the next deploy works.
    expect((await deploy(profile.id, phone.id)).json().status).toBe("succeeded");
  });

  it("a phone that never answers the NOTIFY: failed at restart after the timeout, the new file stays deployed", async () => {
    sip.behaviour = "silent";
    const res = await deploy(other.id, phone.id);
    expect(res.json()).toMatchObject({ status: "failed", failedStep: "restart" });
    expect(res.json().steps.map((s: { name: string }) => s.name)).toEqual(["backup", "upload", "restart"]);
    expect(res.json().steps[2].detail).toMatch(/no answer from 127\.0\.0\.1:\d+ within 1500 ms/);
    expect(readFileSync(liveFile(phone.mac), "utf8")).toContain("<device>");
    expect((await getPhone(phone.id)).currentProfileName).toBe("desk");
  });

  it("a phone rejecting the NOTIFY: the peer's answer is the step's detail", async () => {
    sip.behaviour = 400;
    const res = await deploy(other.id, phone.id);
    expect(res.json()).toMatchObject({ status: "failed", failedStep: "restart" });
    expect(res.json().steps[2].detail).toMatch(/400 Rejected/);
  });

  it("rollback restores the newest backup byte for byte", async () => {
    const newest = backupsOf(phone.mac).at(-1)!;
    const expected = readBackup(phone.mac, newest);
    const res = await t.app.inject({ method: "POST", url: `/api/v1/phones/${phone.id}/rollback`, headers: h });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ kind: "rollback", status: "succeeded" });
    expect(res.json().steps.map((s: { name: string }) => s.name)).toEqual(["restore", "restart", "clear_session"]);
    expect(readFileSync(liveFile(phone.mac)).equals(expected)).toBe(true);
    expect(backupsOf(phone.mac)).not.toContain(newest);
  });

  it("answers 409 to a rollback when the phone has no backup", async () => {
    const fresh = await inv.phone({ mac: "0C11678845AB", model: "8845", softwareType: "SIPE", ip: "127.0.0.1" });
    const res = await t.app.inject({ method: "POST", url: `/api/v1/phones/${fresh.id}/rollback`, headers: h });
    expectError(res, 409, "conflict");
    expect(res.json().error.message).toMatch(/no backup of SEP0C11678845AB\.cnf\.xml/);
  });

  it("refuses an incompatible phone with 409 and the reason, touching nothing", async () => {
    const sccp = await inv.profile({ name: "sccp-only", softwareType: "SCCP" });
    const res = await deploy(sccp.id, phone.id);
    expectError(res, 409, "conflict");
    expect(res.json().error.message).toMatch(/SCCP firmware, the phone runs SIPE/);
    const narrow = await inv.profile({ name: "8851-only", compatibleModels: ["8851"], userId: owner });
    expect((await deploy(narrow.id, phone.id)).json().error.message).toMatch(/not a 8845/);
  });
});

describe("deploy to an SCCP phone (CGI/Execute restart)", () => {
  let phone: Phone;
  let profile: Profile;
  beforeAll(async () => {
    phone = await inv.phone({ mac: "001E4A796599", model: "7965", softwareType: "SCCP", ip: "127.0.0.1" }, ["KEM-30"]);
    profile = await inv.profile({ name: "sccp", softwareType: "SCCP", userId: owner });
  });

  it("pushes the key sequence with Basic auth in an XML= form field under 512 bytes", async () => {
    cgi.requests.length = 0;
    const res = await deploy(profile.id, phone.id);
    expect(res.json(), res.body).toMatchObject({ status: "succeeded" });
    expect(cgi.requests).toHaveLength(3);
    for (const r of cgi.requests) {
      expect(r.contentType).toBe("application/x-www-form-urlencoded");
      expect(r.authorization).toBe(`Basic ${Buffer.from(`cisisk:${CGI_PASSWORD}`).toString("base64")}`);
      expect(Buffer.byteLength(r.xml)).toBeLessThanOrEqual(512);
    }
    expect(cgi.requests[0]!.xml).toBe(
      '<CiscoIPPhoneExecute><ExecuteItem Priority="0" URL="Key:Settings"/></CiscoIPPhoneExecute>',
    );
    const onDisk = readFileSync(liveFile(phone.mac), "utf8");
    expect(onDisk).toContain("<deviceProtocol>SCCP</deviceProtocol>");
    expect(onDisk).toContain("<loadInformation>B016-1-0-4-2</loadInformation>");
    expect(onDisk).not.toContain("authPassword");
  });

  it("CiscoIPPhoneError Number=4 (authentication) fails the restart with the phone's answer", async () => {
    tamperAuth = true;
    const res = await deploy(profile.id, phone.id);
    expect(res.json()).toMatchObject({ status: "failed", failedStep: "restart" });
    expect(res.json().steps[2].detail).toMatch(/CiscoIPPhoneError 4 \(authentication error\)/);
  });

  it("a phone web server that never answers times out", async () => {
    cgi.behaviour = "silent";
    const res = await deploy(profile.id, phone.id);
    expect(res.json()).toMatchObject({ status: "failed", failedStep: "restart" });
    expect(res.json().steps[2].detail).toMatch(/no answer .* within 1500 ms/);
  });
});

describe("authenticationURL", () => {
  it("answers AUTHORIZED only for the configured CGI credentials", async () => {
    const ask = async (q: string) => (await t.app.inject({ method: "GET", url: `/cisco/authenticate?${q}` })).body;
    expect(await ask(`UserID=cisisk&Password=${CGI_PASSWORD}&devicename=SEP001122334455`)).toBe("AUTHORIZED");
    expect(await ask(`UserID=cisisk&Password=wrong`)).toBe("UN-AUTHORIZED");
    expect(await ask(`UserID=admin&Password=${CGI_PASSWORD}`)).toBe("UN-AUTHORIZED");
    expect(await ask("")).toBe("UN-AUTHORIZED");
  });
});

describe("bulk deploy", () => {
  it("deploys to many phones with per-phone results and progress over SSE; a failing phone does not stop the others", async () => {
    const profile = await inv.profile({ name: "bulk", softwareType: "SIPE", userId: owner });
    const phones = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        inv.phone({ mac: `0C11678851B${i}`, model: "8851", softwareType: "SIPE", ip: "127.0.0.1" }),
      ),
    );
    const sccp = await inv.phone({ mac: "001E4A7965B9", model: "7965", softwareType: "SCCP", ip: "127.0.0.1" });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/deployments",
      headers: h,
      payload: { profileId: profile.id, phoneIds: [...phones.map((p) => p.id), sccp.id] },
    });
    expect(res.statusCode, res.body).toBe(202);
    const batch = res.json();
    expect(batch).toMatchObject({ total: 5, status: "running", profileName: "bulk" });

    const events = await t.app.inject({
      method: "GET",
      url: `/api/v1/deployments/batches/${batch.id}/events`,
      headers: h,
    });
    expect(events.headers["content-type"]).toMatch(/^text\/event-stream/);
    const progress = [...events.body.matchAll(/event: progress\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1]!));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ total: 5, done: 5, succeeded: 4, failed: 1, status: "finished" });
    const done = JSON.parse(/event: done\ndata: (.*)\n\n/.exec(events.body)![1]!);
    const failed = done.results.filter((r: { status: string }) => r.status === "failed");
    expect(failed).toEqual([expect.objectContaining({ phoneId: sccp.id, failedStep: "compatibility" })]);
    for (const p of phones) {
      expect(existsSync(liveFile(p.mac))).toBe(true);
      expect((await getPhone(p.id)).currentProfileName).toBe("bulk");
    }
    expect(existsSync(liveFile(sccp.mac))).toBe(false);

    const recent = await t.deps.deployments.recent(3);
    expect(recent).toHaveLength(3);
    expect(recent[0]).toMatchObject({
      profileName: expect.any(String),
      status: expect.stringMatching(/succeeded|failed/),
    });
  });

  it("records each phone's steps, ends the service sessions that were open and keeps each previous profile", async () => {
    const before = await inv.profile({ name: "bulk-before", softwareType: "SIPE", userId: owner });
    const profile = await inv.profile({ name: "bulk-after", softwareType: "SIPE", userId: owner });
    const phones = await Promise.all(
      [1, 2, 3].map((i) => inv.phone({ mac: `0C11678852C${i}`, model: "8851", softwareType: "SIPE", ip: "127.0.0.1" })),
    );
    await t.deps.phones.setCurrentProfile(phones[0]!.id, before.id);
    await t.deps.phoneSessions.open(phones[0]!.mac, owner);
    await t.deps.phoneSessions.open(phones[2]!.mac, owner);
    const started = await t.deps.deployments.startBatch(
      profile.id,
      phones.map((p) => p.id),
    );
    let batch = started;
    while (batch.status === "running") {
      await new Promise((r) => setTimeout(r, 20));
      batch = await t.deps.deployments.batch(started.id);
    }
    expect(batch).toMatchObject({ status: "finished", total: 3, done: 3, succeeded: 3, failed: 0 });
    const rows = await t.db.kysely
      .selectFrom("deployments")
      .select(["phone_mac", "status", "current_step", "steps", "previous_profile_id", "finished_at"])
      .where("batch_id", "=", started.id)
      .orderBy("phone_mac")
      .execute();
    expect(rows.map((r) => [r.phone_mac, r.status, r.current_step, r.previous_profile_id])).toEqual([
      [phones[0]!.mac, "succeeded", null, before.id],
      [phones[1]!.mac, "succeeded", null, null],
      [phones[2]!.mac, "succeeded", null, null],
    ]);
    const steps = rows.map((r) => JSON.parse(r.steps) as { name: string; status: string; detail: string }[]);
    for (const s of steps)
      expect(s.map((x) => `${x.name}:${x.status}`)).toEqual([
        "backup:succeeded",
        "upload:succeeded",
        "restart:succeeded",
        "clear_session:succeeded",
      ]);
    expect(steps.map((s) => s[3]!.detail)).toEqual([
      "service session ended",
      "no service session was open",
      "service session ended",
    ]);
    for (const p of phones) {
      expect(await t.deps.phoneSessions.current(p.mac)).toBeNull();
      expect((await getPhone(p.id)).currentProfileName).toBe("bulk-after");
    }
  });

  it("refuses unknown phones with 400", async () => {
    const profile = await inv.profile({ name: "bulk-2", softwareType: "SIPE" });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/deployments",
      headers: h,
      payload: { profileId: profile.id, phoneIds: ["00000000-0000-4000-8000-000000000000"] },
    });
    expectError(res, 400, "validation_failed");
  });
});

describe("bad input to the deploy endpoints", () => {
  it("answers 4xx JSON errors and changes nothing: no deployment, no file, no current profile", async () => {
    const phone = await inv.phone({ mac: "0C1167884BAD", model: "8845", softwareType: "SIPE", ip: "127.0.0.1" });
    const profile = await inv.profile({ name: "bad-input", softwareType: "SIPE", userId: owner });
    const before = (await t.app.inject({ method: "GET", url: "/api/v1/deployments", headers: h })).json().total;
    const unknown = "00000000-0000-4000-8000-000000000000";
    const post = (url: string, payload: unknown) =>
      t.app.inject({ method: "POST", url, headers: h, payload: payload as object });

    expectError(await post(`/api/v1/profiles/${profile.id}/deploy`, {}), 400, "validation_failed");
    expectError(
      await post(`/api/v1/profiles/${profile.id}/deploy`, { phoneId: "not-a-uuid" }),
      400,
      "validation_failed",
    );
    expectError(await post(`/api/v1/profiles/${profile.id}/deploy`, { phoneId: unknown }), 404, "not_found");
    expectError(await post(`/api/v1/profiles/${unknown}/deploy`, { phoneId: phone.id }), 404, "not_found");
    expectError(await post("/api/v1/deployments", { profileId: profile.id, phoneIds: [] }), 400, "validation_failed");
    expectError(await post("/api/v1/deployments", { profileId: unknown, phoneIds: [phone.id] }), 404, "not_found");
    expectError(await post(`/api/v1/phones/${unknown}/rollback`, {}), 404, "not_found");
    expectError(
      await t.app.inject({ method: "GET", url: `/api/v1/deployments/${unknown}`, headers: h }),
      404,
      "not_found",
    );

    expect((await t.app.inject({ method: "GET", url: "/api/v1/deployments", headers: h })).json().total).toBe(before);
    expect(existsSync(liveFile(phone.mac))).toBe(false);
    expect((await getPhone(phone.id)).currentProfileId).toBeNull();
  });
});
