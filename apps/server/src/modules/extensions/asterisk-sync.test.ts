import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAmiClient } from "../../adapters/ami/ami-client.js";
import { createAsteriskManager } from "../../adapters/ami/asterisk-manager.js";
import { connectDatabase, type Db } from "../../db/connect.js";
import { startAmiPeer, type AmiPeer } from "../../test/ami-peer.js";
import { createAsteriskRealtimeTables } from "../../test/asterisk-realtime-tables.js";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { createAsteriskChangesRepository } from "./asterisk-changes.repository.js";
import { createAsteriskSync } from "./asterisk-sync.service.js";
import { createExtensionsRepository } from "./extensions.repository.js";

type Api = (
  method: "GET" | "POST" | "PATCH" | "DELETE",
  url: string,
  payload?: unknown,
) => Promise<LightMyRequestResponse>;

function apiOf(t: TestApp, h: Record<string, string>): Api {
  return (method, url, payload) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: h,
      ...(payload !== undefined && { payload: payload as object }),
    });
}

/** A CSV import of `count` extensions from `first` on, the technology of each chosen by `technology(i)`. */
async function importCsv(t: TestApp, first: number, count: number, technology: (i: number) => string) {
  const lines = ["number,technology,displayName,username"];
  for (let i = 0; i < count; i++) lines.push(`${first + i},${technology(i)},Imported ${i},`);
  return t.app.inject({
    method: "POST",
    url: "/api/v1/extensions/import",
    headers: { ...(await t.adminHeaders()), "content-type": "text/csv" },
    payload: lines.join("\n"),
  });
}

/** Parses an Asterisk .conf file back into its sections, in order (the same name may repeat). */
function parseConf(text: string): Array<{ name: string; values: Record<string, string[]> }> {
  const sections: Array<{ name: string; values: Record<string, string[]> }> = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/(^|[^\\]);.*$/, "$1").trim();
    if (!line) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      sections.push({ name: header[1]!, values: {} });
      continue;
    }
    const eq = line.indexOf("=");
    const s = sections.at(-1)!;
    const key = line.slice(0, eq).trim();
    (s.values[key] ??= []).push(line.slice(eq + 1).trim());
  }
  return sections;
}
const section = (sections: ReturnType<typeof parseConf>, name: string, type: string) =>
  sections.find((s) => s.name === name && s.values.type?.[0] === type)?.values;

describe("realtime mode, Asterisk's tables in our own database", () => {
  let t: TestApp;
  let api: Api;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Asterisk's tables
  let rt: any;
  beforeAll(async () => {
    t = await buildTestApp({ toml: { asterisk: { mode: "realtime" } } });
    await createAsteriskRealtimeTables(t.db.kysely, t.db.dialect);
    api = apiOf(t, await t.adminHeaders());
    rt = t.db.kysely;
  });
  afterAll(async () => t?.close());

  it("writes ps_endpoints, ps_auths (md5_cred) and ps_aors with the extension, and rewrites them on change", async () => {
    const res = await api("POST", "/extensions", {
      number: "1001",
      technology: "PJSIP",
      displayName: "Jane Doe",
      secret: "Realtime-Secret-1",
      voicemail: "1001@default",
      codecs: ["g722", "ulaw"],
      pjsip: { transport: "transport-tcp", maxContacts: 2, qualifyFrequency: 30 },
    });
    expect(res.statusCode, res.body).toBe(201);
    const ext = res.json();
    expect(ext.asterisk).toMatchObject({ status: "applied", lastError: null });
    const endpoint = await rt.selectFrom("ps_endpoints").selectAll().where("id", "=", "1001").executeTakeFirstOrThrow();
    expect(endpoint).toMatchObject({
      transport: "transport-tcp",
      aors: "1001",
      auth: "1001",
      context: "from-internal",
      disallow: "all",
      allow: "g722,ulaw",
      direct_media: "no",
      dtmf_mode: "rfc4733",
      callerid: '"Jane Doe" <1001>',
      mailboxes: "1001@default",
    });
    const auth = await rt.selectFrom("ps_auths").selectAll().where("id", "=", "1001").executeTakeFirstOrThrow();
    const row = await t.db.kysely
      .selectFrom("extensions")
      .selectAll()
      .where("id", "=", ext.id)
      .executeTakeFirstOrThrow();
    expect(auth).toMatchObject({
      auth_type: "md5",
      username: "1001",
      realm: "asterisk",
      md5_cred: row.ha1_md5,
      password: null,
    });
    const aor = await rt.selectFrom("ps_aors").selectAll().where("id", "=", "1001").executeTakeFirstOrThrow();
    expect(aor).toMatchObject({
      max_contacts: 2,
      remove_existing: "yes",
      qualify_frequency: 30,
      mailboxes: "1001@default",
    });

    // Renumber + userpass: the old objects go, the new ones carry the password Asterisk then needs.
    const patched = await api("PATCH", `/extensions/${ext.id}`, {
      number: "1011",
      pjsip: { authType: "userpass", maxContacts: 1 },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(await rt.selectFrom("ps_endpoints").select("id").where("id", "=", "1001").execute()).toEqual([]);
    expect(await rt.selectFrom("ps_aors").select("id").where("id", "=", "1001").execute()).toEqual([]);
    expect(
      await rt.selectFrom("ps_auths").selectAll().where("id", "=", "1011").executeTakeFirstOrThrow(),
    ).toMatchObject({
      auth_type: "userpass",
      username: "1011",
      password: "Realtime-Secret-1",
      md5_cred: null,
    });

    // Another technology: PJSIP objects removed, a chan_sip peer appears with the MD5 digest only.
    await api("PATCH", `/extensions/${ext.id}`, { technology: "SIP", sip: { transport: "tcp" } });
    for (const table of ["ps_endpoints", "ps_auths", "ps_aors"]) {
      expect(await rt.selectFrom(table).select("id").where("id", "=", "1011").execute()).toEqual([]);
    }
    const peer = await rt.selectFrom("sippeers").selectAll().where("name", "=", "1011").executeTakeFirstOrThrow();
    const after = await t.db.kysely
      .selectFrom("extensions")
      .selectAll()
      .where("id", "=", ext.id)
      .executeTakeFirstOrThrow();
    expect(peer).toMatchObject({
      type: "friend",
      host: "dynamic",
      defaultuser: "1011",
      md5secret: after.ha1_md5,
      secret: null,
      transport: "tcp",
      context: "from-internal",
      dtmfmode: "rfc2833",
      directmedia: "no",
    });

    expect((await api("DELETE", `/extensions/${ext.id}`)).statusCode).toBe(204);
    expect(await rt.selectFrom("sippeers").select("name").where("name", "=", "1011").execute()).toEqual([]);
    const changes = await t.db.kysely.selectFrom("asterisk_changes").selectAll().orderBy("id").execute();
    expect(changes.map((c) => [c.operation, c.status])).toEqual([
      ["upsert", "applied"],
      ["upsert", "applied"],
      ["upsert", "applied"],
      ["delete", "applied"],
    ]);
  });

  it("writes chan_sccp sccpline only: devices belong to the phones' side, not to a device named on the line", async () => {
    const res = await api("POST", "/extensions", {
      number: "2001",
      technology: "SCCP",
      displayName: "Reception",
      voicemail: "2001",
      sccp: {
        label: "Recept",
        cidName: "Front desk",
        deviceName: "SEP001122334455",
        deviceType: "7960",
        lineInstance: 1,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(
      await rt.selectFrom("sccpline").selectAll().where("name", "=", "2001").executeTakeFirstOrThrow(),
    ).toMatchObject({
      id: "2001",
      label: "Recept",
      description: "Reception",
      context: "from-internal",
      cid_name: "Front desk",
      cid_num: "2001",
      mailbox: "2001",
    });
    expect(await rt.selectFrom("sccpdevice").select("name").execute()).toEqual([]);
    expect(await rt.selectFrom("buttonconfig").select("name").execute()).toEqual([]);
    await api("DELETE", `/extensions/${res.json().id}`);
    expect(await rt.selectFrom("sccpline").select("name").execute()).toEqual([]);
    expect(await rt.selectFrom("buttonconfig").select("name").execute()).toEqual([]);
  });

  it("reads registrations from ps_contacts", async () => {
    const res = await api("POST", "/extensions", { number: "3001", technology: "PJSIP", displayName: "Reg" });
    await api("POST", "/extensions", { number: "3002", technology: "PJSIP", displayName: "Not reg" });
    await rt
      .insertInto("ps_contacts")
      .values({
        id: "3001^3B@abc123",
        uri: "sip:3001@10.0.0.5:5060;transport=tcp",
        expiration_time: Math.floor(Date.now() / 1000) + 3600,
        endpoint: "3001",
        user_agent: "Cisco-CP8845/14.2.1",
        via_addr: "10.0.0.5",
        via_port: 5060,
      })
      .execute();
    const got = (await api("GET", `/extensions/${res.json().id}`)).json();
    expect(got.registration.state).toBe("registered");
    expect(got.registration.contacts[0]).toMatchObject({ userAgent: "Cisco-CP8845/14.2.1", ip: "10.0.0.5" });
    const list = (await api("GET", "/extensions?q=300&sort=number")).json();
    expect(list.data.map((e: { registration: { state: string } }) => e.registration.state)).toEqual([
      "registered",
      "unregistered",
    ]);
    const dash = (await api("GET", "/dashboard")).json();
    expect(dash.extensions).toEqual({ configured: 2, registered: 1 });
    expect(dash.asterisk).toMatchObject({ mode: "realtime", pendingChanges: 0, failedChanges: 0 });
    // chan_sip writes its registrations into sippeers (ipaddr, regseconds, useragent).
    const sipExt = (
      await api("POST", "/extensions", { number: "3003", technology: "SIP", displayName: "Sip reg" })
    ).json();
    expect((await api("GET", `/extensions/${sipExt.id}`)).json().registration.state).toBe("unregistered");
    await rt
      .updateTable("sippeers")
      .set({
        ipaddr: "10.0.0.7",
        port: 5060,
        regseconds: Math.floor(Date.now() / 1000) + 600,
        useragent: "Cisco-CP7975G/9.4",
      })
      .where("name", "=", "3003")
      .execute();
    expect((await api("GET", `/extensions/${sipExt.id}`)).json().registration).toMatchObject({
      state: "registered",
      contacts: [{ ip: "10.0.0.7", userAgent: "Cisco-CP7975G/9.4" }],
    });
    expect((await api("GET", "/dashboard")).json().extensions).toEqual({ configured: 3, registered: 2 });
  });

  it("writes a CSV import's lines with its rows, a few statements per 500 lines, every change recorded applied", async () => {
    const techs = ["PJSIP", "SIP", "SCCP"];
    const res = await importCsv(t, 5000, 1100, (i) => techs[i % 3]!);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: false, created: 1100 });
    const ids = async (table: string, key: string) =>
      (await rt.selectFrom(table).select(key).where(key, ">=", "5000").where(key, "<", "6100").execute()).map(
        (r: Record<string, string>) => r[key],
      );
    expect(await ids("ps_endpoints", "id")).toHaveLength(367);
    expect(await ids("ps_auths", "id")).toHaveLength(367);
    expect(await ids("ps_aors", "id")).toHaveLength(367);
    expect(await ids("sippeers", "name")).toHaveLength(367);
    expect((await ids("sccpline", "name")).sort()).toEqual(
      Array.from({ length: 366 }, (_, i) => String(5002 + 3 * i)).sort(),
    );
    const auth = await rt.selectFrom("ps_auths").selectAll().where("id", "=", "5999").executeTakeFirstOrThrow();
    const row = await t.db.kysely
      .selectFrom("extensions")
      .select("ha1_md5")
      .where("number", "=", "5999")
      .executeTakeFirstOrThrow();
    expect(auth).toMatchObject({ auth_type: "md5", username: "5999", md5_cred: row.ha1_md5, password: null });
    const outbox = await t.db.kysely
      .selectFrom("asterisk_changes")
      .select(["status", (eb) => eb.fn.countAll().as("n")])
      .where("extension_number", ">=", "5000")
      .where("extension_number", "<", "6100")
      .groupBy("status")
      .execute();
    expect(outbox.map((r) => [r.status, Number(r.n)])).toEqual([["applied", 1100]]);
  });
});

describe("realtime mode in our database without Asterisk's tables", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ toml: { asterisk: { mode: "realtime" } } });
  });
  afterAll(async () => t?.close());

  it("answers 502 upstream_failed and keeps neither row (they change together or not at all)", async () => {
    const api = apiOf(t, await t.adminHeaders());
    const res = await api("POST", "/extensions", { number: "5001", technology: "PJSIP", displayName: "No tables" });
    expect(res.statusCode, res.body).toBe(502);
    expect(res.json().error.code).toBe("upstream_failed");
    expect((await api("GET", "/extensions")).json().total).toBe(0);
    expect(await t.db.kysely.selectFrom("asterisk_changes").selectAll().execute()).toEqual([]);
  });
});

describe("realtime mode, Asterisk's tables in another database", () => {
  let t: TestApp;
  let dir: string;
  let other: Db;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "cisisk-rt-"));
    const url = `sqlite:${path.join(dir, "asterisk.db")}`;
    other = await connectDatabase(url);
    await createAsteriskRealtimeTables(other.kysely, other.dialect);
    // No backoff: the test retries by hand as soon as the tables exist.
    t = await buildTestApp({
      toml: { asterisk: { mode: "realtime", realtime_database_url: url }, jobs: { backoff_seconds: 0 } },
    });
  });
  afterAll(async () => {
    await t?.close();
    await other?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("applies the change through the outbox right after our transaction", async () => {
    const api = apiOf(t, await t.adminHeaders());
    const res = await api("POST", "/extensions", { number: "4001", technology: "PJSIP", displayName: "Elsewhere" });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().asterisk.status).toBe("applied");
    const rows = await (other.kysely as never as TestApp["db"]["kysely"])
      .selectFrom("ps_endpoints" as never)
      .select("id" as never)
      .execute();
    expect(rows).toEqual([{ id: "4001" }]);
  });

  it("applies an import in batches, and finds a failing row one by one: those before it applied, it kept with its error", async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Asterisk's tables
    const rt = other.kysely as Kysely<any>;
    // Asterisk's database refuses one line (a constraint of its own, say): the batch holding it fails.
    await sql`create trigger refuse_7305 before insert on ps_auths when new.id = '7305'
      begin select raise(abort, 'refused by the test'); end`.execute(rt);
    const res = await importCsv(t, 7000, 1200, () => "PJSIP");
    expect(res.statusCode, res.body).toBe(200);
    const change = (number: string) =>
      t.db.kysely
        .selectFrom("asterisk_changes")
        .selectAll()
        .where("extension_number", "=", number)
        .executeTakeFirstOrThrow();
    // The import answers once committed; the outbox is applied right after, in the background: the batch
    // holding 7305 fails (a first attempt for each of its rows), then its rows go one by one up to 7305.
    await expect
      .poll(
        async () => {
          const [before, failing] = [await change("7304"), await change("7305")];
          return before.status === "applied" && failing.lease_owner === null && Number(failing.attempts) >= 2;
        },
        { timeout: 60_000, interval: 50 },
      )
      .toBe(true);
    const written = async () =>
      Number(
        (
          await rt
            .selectFrom("ps_auths")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("id", ">=", "7000")
            .where("id", "<", "8200")
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await written()).toBe(305);
    expect(await change("7304")).toMatchObject({ status: "applied" });
    expect(await change("7305")).toMatchObject({
      status: "pending",
      last_error: expect.stringMatching(/refused by the test/),
    });
    expect((await change("7306")).status).toBe("pending");

    await sql`drop trigger refuse_7305`.execute(rt);
    expect(await t.deps.asteriskSync.processPending(2000)).toBe(895);
    expect(await written()).toBe(1200);
    for (const table of ["ps_endpoints", "ps_aors"])
      expect(await rt.selectFrom(table).select("id").where("id", "=", "8199").execute()).toEqual([{ id: "8199" }]);
    expect(await change("8199")).toMatchObject({ status: "applied" });
  });
});

describe("realtime mode, Asterisk's database not ready yet", () => {
  let t: TestApp;
  let dir: string;
  let other: Db;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "cisisk-rt-late-"));
    const url = `sqlite:${path.join(dir, "asterisk.db")}`;
    other = await connectDatabase(url);
    // No backoff: the test retries by hand as soon as the tables exist.
    t = await buildTestApp({
      toml: { asterisk: { mode: "realtime", realtime_database_url: url }, jobs: { backoff_seconds: 0 } },
    });
  });
  afterAll(async () => {
    await t?.close();
    await other?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps our extension and the change pending, then applies it once the tables exist", async () => {
    const api = apiOf(t, await t.adminHeaders());
    const res = await api("POST", "/extensions", { number: "4101", technology: "SIP", displayName: "Early" });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().asterisk).toMatchObject({ status: "pending", attempts: 1 });
    expect(res.json().asterisk.lastError).toMatch(/sippeers/);
    expect((await api("GET", "/dashboard")).json().asterisk).toMatchObject({ mode: "realtime", pendingChanges: 1 });

    await createAsteriskRealtimeTables(other.kysely, other.dialect);
    expect(await t.deps.asteriskSync.processPending()).toBe(1);
    expect((await api("GET", `/extensions/${res.json().id}`)).json().asterisk.status).toBe("applied");
    const rows = await (other.kysely as never as TestApp["db"]["kysely"])
      .selectFrom("sippeers" as never)
      .select("name" as never)
      .execute();
    expect(rows).toEqual([{ name: "4101" }]);
  });
});

describe("files mode with reloads over AMI", () => {
  let t: TestApp;
  let api: Api;
  let peer: AmiPeer;
  let dir: string;
  beforeAll(async () => {
    peer = await startAmiPeer();
    dir = await mkdtemp(path.join(tmpdir(), "cisisk-conf-"));
    t = await buildTestApp({
      toml: {
        asterisk: {
          mode: "files",
          config_dir: dir,
          ami_host: "127.0.0.1",
          ami_port: peer.port,
          ami_username: peer.username,
          ami_secret: peer.secret,
        },
        restart: { timeout_ms: 1000 },
        jobs: { backoff_seconds: 0 },
      },
    });
    api = apiOf(t, await t.adminHeaders());
  });
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  // The reloads (`config list`, which asks Asterisk what it reads, is left out).
  const commands = () =>
    peer.actions
      .filter((a) => a.action === "Command" && a.get("Command") !== "config list")
      .map((a) => a.get("Command"));

  it("renders one file per technology, parsed back section by section, then reloads the module", async () => {
    const pj = await api("POST", "/extensions", {
      number: "1001",
      technology: "PJSIP",
      displayName: 'Jane "JD" Doe; ops',
      secret: "Files-Secret-1",
      voicemail: "1001@default",
    });
    expect(pj.statusCode, pj.body).toBe(201);
    expect(pj.json().asterisk.status).toBe("applied");
    expect(commands()).toEqual(["module reload res_pjsip.so"]);
    await api("POST", "/extensions", {
      number: "1002",
      technology: "SIP",
      displayName: "Sip Peer",
      sip: { transport: "tcp" },
    });
    await api("POST", "/extensions", {
      number: "1003",
      technology: "SCCP",
      displayName: "Sccp Line",
      sccp: { deviceName: "SEP00AABBCCDDEE", deviceType: "7962", label: "L1" },
    });
    expect(commands()).toEqual(["module reload res_pjsip.so", "sip reload", "sccp reload"]);

    // The wizard file is a stub while Asterisk does not read it (no `#include` of it in pjsip_wizard.conf).
    expect((await readdir(dir)).sort()).toEqual([
      "pjsip_cisisk.conf",
      "pjsip_cisisk_wizard.conf",
      "sccp_cisisk.conf",
      "sip_cisisk.conf",
    ]);
    expect(parseConf(await readFile(path.join(dir, "pjsip_cisisk_wizard.conf"), "utf8"))).toEqual([]);
    const pjsip = parseConf(await readFile(path.join(dir, "pjsip_cisisk.conf"), "utf8"));
    const ha1 = (
      await t.db.kysely
        .selectFrom("extensions")
        .select("ha1_md5")
        .where("number", "=", "1001")
        .executeTakeFirstOrThrow()
    ).ha1_md5;
    expect(pjsip.map((s) => [s.name, s.values.type![0]])).toEqual([
      ["1001", "endpoint"],
      ["1001", "auth"],
      ["1001", "aor"],
    ]);
    expect(section(pjsip, "1001", "endpoint")).toMatchObject({
      context: ["from-internal"],
      disallow: ["all"],
      allow: ["ulaw,alaw,g722"],
      auth: ["1001"],
      aors: ["1001"],
      callerid: ['"Jane JD Doe ops" <1001>'],
      mailboxes: ["1001@default"],
    });
    expect(section(pjsip, "1001", "auth")).toEqual({
      type: ["auth"],
      auth_type: ["md5"],
      username: ["1001"],
      realm: ["asterisk"],
      md5_cred: [ha1],
    });
    expect(section(pjsip, "1001", "aor")).toMatchObject({ max_contacts: ["1"], remove_existing: ["yes"] });
    const raw = await readFile(path.join(dir, "pjsip_cisisk.conf"), "utf8");
    expect(raw).not.toContain("Files-Secret-1");

    const sip = parseConf(await readFile(path.join(dir, "sip_cisisk.conf"), "utf8"));
    expect(section(sip, "1002", "friend")).toMatchObject({
      host: ["dynamic"],
      transport: ["tcp"],
      defaultuser: ["1002"],
    });
    expect(section(sip, "1002", "friend")!.md5secret![0]).toMatch(/^[0-9a-f]{32}$/);
    // chan_sip checks md5secret against its own [general] realm: the file says which one it needs.
    const sipRaw = await readFile(path.join(dir, "sip_cisisk.conf"), "utf8");
    expect(sipRaw).toContain(
      "; md5secret below is MD5(user:asterisk:secret): sip.conf [general] needs realm=asterisk\n",
    );
    const stored = (
      await t.db.kysely
        .selectFrom("extensions")
        .select("ha1_md5")
        .where("number", "=", "1002")
        .executeTakeFirstOrThrow()
    ).ha1_md5;
    expect(section(sip, "1002", "friend")!.md5secret![0]).toBe(stored);
    const sccp = parseConf(await readFile(path.join(dir, "sccp_cisisk.conf"), "utf8"));
    expect(section(sccp, "1003", "line")).toMatchObject({ id: ["1003"], label: ["L1"], cid_num: ["1003"] });
    // No SCCP phone in the inventory: no device (the phones' side writes them, sccp-devices.test.ts).
    expect(sccp.filter((s) => s.values.type?.[0] === "device")).toEqual([]);
    // No temp file is left behind by the atomic writes.
    expect((await readdir(dir)).some((f) => f.endsWith(".tmp"))).toBe(false);
  });

  it("keeps our change through an AMI outage, shows it pending, then applies it when Asterisk is back", async () => {
    await peer.stop();
    const res = await api("POST", "/extensions", { number: "1004", technology: "PJSIP", displayName: "During outage" });
    expect(res.statusCode, res.body).toBe(201);
    const ext = res.json();
    expect(ext.asterisk).toMatchObject({ status: "pending", attempts: 1 });
    expect(ext.asterisk.lastError).toMatch(/AMI/);
    expect((await api("GET", `/extensions/${ext.id}`)).json().number).toBe("1004");
    const dash = (await api("GET", "/dashboard")).json();
    expect(dash.asterisk).toMatchObject({ mode: "files", pendingChanges: 1, failedChanges: 0 });
    expect(dash.asterisk.lastError).toMatch(/AMI/);
    expect(dash.recentFailures[0]).toMatchObject({ extensionNumber: "1004", status: "pending", attempts: 1 });
    await expect
      .poll(async () => (await api("GET", "/dashboard")).json().components.ami.status, { timeout: 3000 })
      .toBe("down");

    const before = commands().length;
    await peer.start();
    expect(await t.deps.asteriskSync.processPending()).toBe(1);
    expect((await api("GET", `/extensions/${ext.id}`)).json().asterisk).toMatchObject({
      status: "applied",
      lastError: null,
    });
    expect(commands().slice(before)).toEqual(["module reload res_pjsip.so"]);
    const after = (await api("GET", "/dashboard")).json();
    expect(after.asterisk).toMatchObject({ pendingChanges: 0, lastError: null });
    expect(after.recentFailures).toEqual([]);
    // The AMI health row is written in the background, in order.
    await expect
      .poll(async () => (await api("GET", "/dashboard")).json().components.ami.status, { timeout: 3000 })
      .toBe("ok");
    const pjsip = parseConf(await readFile(path.join(dir, "pjsip_cisisk.conf"), "utf8"));
    expect(section(pjsip, "1004", "endpoint")).toBeDefined();
  });

  it("shows PJSIP registrations from AMI PJSIPShowContacts in the table and on the dashboard", async () => {
    peer.contacts.push({
      aor: "1001",
      endpoint: "1001",
      uri: "sip:1001@10.1.1.9:5060",
      userAgent: "Cisco-CP7841/12.8",
      viaAddr: "10.1.1.9",
    });
    const list = (await api("GET", "/extensions?sort=number")).json();
    const byNumber = Object.fromEntries(
      list.data.map((e: { number: string; registration: { state: string } }) => [e.number, e.registration]),
    );
    expect(byNumber["1001"]).toMatchObject({
      state: "registered",
      contacts: [{ userAgent: "Cisco-CP7841/12.8", ip: "10.1.1.9" }],
    });
    expect(byNumber["1004"].state).toBe("unregistered");
    expect(byNumber["1002"].state).toBe("unknown"); // chan_sip not loaded: SIPpeers is unknown
    const dash = (await api("GET", "/dashboard")).json();
    expect(dash.extensions).toEqual({ configured: 4, registered: 1 });

    // With chan_sip loaded, SIP peers get a state from SIPpeers too.
    peer.chanSip.sipPeers = [{ name: "1002", ip: "10.1.1.20" }];
    const sip = (await api("GET", "/extensions?q=1002")).json().data[0];
    expect(sip.registration).toMatchObject({
      state: "registered",
      contacts: [{ ip: "10.1.1.20", status: "OK (4 ms)" }],
    });
    expect((await api("GET", "/dashboard")).json().extensions).toEqual({ configured: 4, registered: 2 });
    peer.chanSip.sipPeers = [{ name: "1002", ip: null }];
    expect((await api("GET", "/extensions?q=1002")).json().data[0].registration.state).toBe("unregistered");
    peer.chanSip.sipPeers = null;
  });

  it("applies a backlog of file changes with one render and one reload per technology", async () => {
    await peer.stop();
    for (const [number, technology] of [
      ["1101", "PJSIP"],
      ["1102", "SIP"],
      ["1103", "PJSIP"],
    ] as const) {
      const res = await api("POST", "/extensions", { number, technology, displayName: `Backlog ${number}` });
      expect(res.json().asterisk.status).toBe("pending");
    }
    await peer.start();
    const before = commands().length;
    expect(await t.deps.asteriskSync.processPending()).toBe(3);
    expect(commands().slice(before)).toEqual(["module reload res_pjsip.so", "sip reload"]);
    const pjsip = parseConf(await readFile(path.join(dir, "pjsip_cisisk.conf"), "utf8"));
    expect(section(pjsip, "1103", "aor")).toBeDefined();
    expect((await api("GET", "/dashboard")).json().asterisk.pendingChanges).toBe(0);
  });

  it("lets two servers drain the same outbox without applying a change twice (rows are claimed)", async () => {
    await peer.stop();
    for (const n of ["1201", "1202", "1203", "1204", "1205", "1206"]) {
      await api("POST", "/extensions", { number: n, technology: "PJSIP", displayName: `Shared ${n}` });
    }
    const pending = await t.db.kysely
      .selectFrom("asterisk_changes")
      .selectAll()
      .where("status", "=", "pending")
      .execute();
    expect(pending).toHaveLength(6);
    await peer.start();
    // A second server: its own sync worker (own claim id, own AMI connection) on the same database.
    const ami = createAmiClient({ host: "127.0.0.1", port: peer.port, username: peer.username, secret: peer.secret });
    const other = createAsteriskSync({
      changes: createAsteriskChangesRepository(t.db.kysely),
      extensions: createExtensionsRepository(t.db.kysely),
      mode: "files",
      realtimeDb: null,
      sameDatabase: false,
      log: t.deps.log,
      reportFailure: t.deps.reportFailure,
      configDir: dir,
      manager: createAsteriskManager(ami),
      lineOf: (r) => t.deps.extensions.lineOf(r),
      sccpDevices: { all: async () => [], byName: async () => null },
      clock: () => new Date(),
    });
    const [a, b] = await Promise.all([t.deps.asteriskSync.processPending(2), other.processPending(2)]);
    const [c, d] = await Promise.all([t.deps.asteriskSync.processPending(), other.processPending()]);
    await ami.close();
    expect(a + b + c + d).toBe(6);
    const rows = await t.db.kysely
      .selectFrom("asterisk_changes")
      .selectAll()
      .where(
        "id",
        "in",
        pending.map((r) => r.id),
      )
      .execute();
    for (const row of rows) {
      const before = pending.find((p) => p.id === row.id)!;
      expect(row.status).toBe("applied");
      expect(Number(row.attempts)).toBe(Number(before.attempts) + 1);
    }
  });

  it("exposes the phone control on deps for the deploy pipeline", async () => {
    await t.deps.ami!.pjsipNotify("1001", [["Event", "check-sync"]]);
    const last = peer.actions.at(-1)!;
    expect([last.action, last.get("Endpoint"), last.all("Variable")]).toEqual([
      "PJSIPNotify",
      "1001",
      ["Event=check-sync"],
    ]);
  });
});
