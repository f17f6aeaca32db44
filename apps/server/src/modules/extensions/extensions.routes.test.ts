import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";

let t: TestApp;
let h: Record<string, string>;
beforeAll(async () => {
  t = await buildTestApp();
  h = await t.adminHeaders();
});
afterAll(async () => t?.close());

const api = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: h,
    ...(payload !== undefined && { payload: payload as object }),
  });

async function create(body: Record<string, unknown>) {
  const res = await api("POST", "/extensions", body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function createUser(username: string) {
  const res = await api("POST", "/users", { username });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

describe("extensions CRUD", () => {
  it("creates a PJSIP extension with defaults, never returns the secret, and stores it sealed with both HA1", async () => {
    const user = await createUser("pj-owner");
    const ext = await create({
      number: "1001",
      technology: "PJSIP",
      displayName: "Jane Doe",
      userId: user.id,
      secret: "S3cret-Pass-1001",
    });
    expect(ext).toMatchObject({
      number: "1001",
      technology: "PJSIP",
      displayName: "Jane Doe",
      userId: user.id,
      username: "pj-owner",
      context: "from-internal",
      sccp: null,
      sip: null,
      pjsip: { authType: "md5", maxContacts: 1, removeExisting: true, qualifyFrequency: 60, dtmfMode: "rfc4733" },
      registration: { state: "unknown", contacts: [] },
      asterisk: { status: "none" },
    });
    expect(JSON.stringify(ext)).not.toContain("S3cret-Pass-1001");
    const row = await t.db.kysely
      .selectFrom("extensions")
      .selectAll()
      .where("id", "=", ext.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_encrypted).not.toContain("S3cret");
    expect(t.deps.secretBox.open(row.secret_encrypted)).toBe("S3cret-Pass-1001");
    expect(row.ha1_md5).toBe(md5("1001:asterisk:S3cret-Pass-1001"));
    expect(row.ha1_sha256).toBe(createHash("sha256").update("1001:asterisk:S3cret-Pass-1001").digest("hex"));
    expect((await api("GET", `/extensions/${ext.id}`)).json()).toEqual(ext);
  });

  it("generates a strong secret of at most 30 characters when none is given", async () => {
    const user = await createUser("gen-owner");
    await create({ number: "1002", technology: "SIP", displayName: "Generated", userId: user.id });
    const lines = await t.deps.extensions.lineCredentialsForUser(user.id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ number: "1002", technology: "SIP", authUsername: "1002", realm: "asterisk" });
    expect(lines[0]!.secret.length).toBeGreaterThanOrEqual(16);
    expect(lines[0]!.secret.length).toBeLessThanOrEqual(30);
    expect(lines[0]!.secret).toMatch(/^[A-Za-z0-9]+$/);
  });

  it("creates SCCP lines with their chan_sccp fields and shows only the chosen technology's options", async () => {
    const ext = await create({
      number: "2001",
      technology: "SCCP",
      displayName: "Reception",
      sccp: { label: "Recept", cidName: "Reception", cidNum: "2001", deviceName: "sep001122334455", lineInstance: 2 },
      voicemail: "2001@default",
      codecs: ["alaw", "g722"],
    });
    expect(ext.sccp).toMatchObject({ label: "Recept", deviceName: "SEP001122334455", lineInstance: 2 });
    expect(ext.pjsip).toBeNull();
    expect(ext.codecs).toEqual(["alaw", "g722"]);
    expect(ext.voicemail).toBe("2001@default");
  });

  it("answers 409 for a taken number and keeps the original", async () => {
    await create({ number: "3001", technology: "PJSIP", displayName: "First" });
    expectError(
      await api("POST", "/extensions", { number: "3001", technology: "SIP", displayName: "Second" }),
      409,
      "conflict",
    );
    const list = (await api("GET", "/extensions?q=3001")).json();
    expect(list.total).toBe(1);
    expect(list.data[0].displayName).toBe("First");
  });

  it.each([
    [{ number: "12a", technology: "PJSIP", displayName: "x" }, "non-digit number"],
    [{ number: "1", technology: "IAX", displayName: "x" }, "unknown technology"],
    [{ number: "1", technology: "PJSIP", displayName: "" }, "empty name"],
    [{ number: "1", technology: "PJSIP", displayName: "x", secret: "short" }, "short secret"],
    [{ number: "1", technology: "PJSIP", displayName: "x", secret: "a".repeat(31) }, "secret over 30 chars"],
    [{ number: "1", technology: "PJSIP", displayName: "x", secret: "has space in it" }, "secret with space"],
    [{ number: "1", technology: "PJSIP", displayName: "x", context: "bad context!" }, "bad context"],
    [{ number: "1", technology: "PJSIP", displayName: "x", pjsip: { maxContacts: 0 } }, "bad max contacts"],
    [{ number: "1", technology: "SCCP", displayName: "x", sccp: { deviceName: "SEP12" } }, "bad device name"],
    [{ number: "1", technology: "PJSIP", displayName: "x", userId: "not-a-uuid" }, "bad user id"],
    [{ number: "1", technology: "SIP", displayName: "x", sip: { transport: "carrier-pigeon" } }, "bad SIP transport"],
    [{ number: "1", technology: "SIP", displayName: "x", sip: { transport: "tcp,tcp" } }, "SIP transport twice"],
    [{ number: "1", technology: "PJSIP", displayName: "x", pjsip: { transport: "udp tcp" } }, "bad PJSIP section"],
  ])("answers 400 for %j (%s) and creates nothing", async (body, _why) => {
    const before = (await api("GET", "/extensions")).json().total;
    expectError(await api("POST", "/extensions", body), 400, "validation_failed");
    expect((await api("GET", "/extensions")).json().total).toBe(before);
  });

  it("answers 400 when the linked user does not exist", async () => {
    const res = await api("POST", "/extensions", {
      number: "4001",
      technology: "PJSIP",
      displayName: "x",
      userId: "00000000-0000-4000-8000-000000000000",
    });
    expectError(res, 400, "validation_failed");
    expect(res.json().error.details[0].path).toBe("body.userId");
  });

  it("updates with PATCH, rehashes on a new secret or number, and rejects options of another technology", async () => {
    const ext = await create({
      number: "5001",
      technology: "PJSIP",
      displayName: "Patch me",
      secret: "Original-Secret-1",
    });
    const res = await api("PATCH", `/extensions/${ext.id}`, { displayName: "Patched", pjsip: { maxContacts: 3 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ displayName: "Patched", pjsip: { maxContacts: 3 } });
    await api("PATCH", `/extensions/${ext.id}`, { number: "5002" });
    let row = await t.db.kysely.selectFrom("extensions").selectAll().where("id", "=", ext.id).executeTakeFirstOrThrow();
    expect(row.ha1_md5).toBe(md5("5002:asterisk:Original-Secret-1"));
    await api("PATCH", `/extensions/${ext.id}`, { secret: "Another-Secret-2" });
    row = await t.db.kysely.selectFrom("extensions").selectAll().where("id", "=", ext.id).executeTakeFirstOrThrow();
    expect(row.ha1_md5).toBe(md5("5002:asterisk:Another-Secret-2"));
    expectError(await api("PATCH", `/extensions/${ext.id}`, { sccp: { label: "x" } }), 400, "validation_failed");
    const sw = await api("PATCH", `/extensions/${ext.id}`, { technology: "SCCP", sccp: { label: "Now SCCP" } });
    expect(sw.json()).toMatchObject({ technology: "SCCP", sccp: { label: "Now SCCP" }, pjsip: null });
    expectError(await api("PATCH", `/extensions/${ext.id}`, {}), 400, "validation_failed");
    expectError(
      await api("PATCH", "/extensions/00000000-0000-4000-8000-000000000000", { displayName: "x" }),
      404,
      "not_found",
    );
    await create({ number: "5003", technology: "SIP", displayName: "Other" });
    expectError(await api("PATCH", `/extensions/${ext.id}`, { number: "5003" }), 409, "conflict");
  });

  it("deletes with 204, then 404", async () => {
    const ext = await create({ number: "6001", technology: "SIP", displayName: "Bye" });
    expect((await api("DELETE", `/extensions/${ext.id}`)).statusCode).toBe(204);
    expectError(await api("GET", `/extensions/${ext.id}`), 404, "not_found");
    expectError(await api("DELETE", `/extensions/${ext.id}`), 404, "not_found");
    expectError(await api("GET", "/extensions/nope"), 400, "validation_failed");
  });

  it("keeps the extension when its user is deleted, with no dangling link", async () => {
    const user = await createUser("leaving");
    const ext = await create({ number: "7001", technology: "PJSIP", displayName: "Orphan", userId: user.id });
    expect((await api("DELETE", `/users/${user.id}`)).statusCode).toBe(204);
    expect((await api("GET", `/extensions/${ext.id}`)).json()).toMatchObject({ userId: null, username: null });
  });

  it("requires a console token", async () => {
    expectError(await t.app.inject({ method: "GET", url: "/api/v1/extensions" }), 401, "unauthenticated");
  });
});

describe("list: paging, search, sort, filters", () => {
  beforeAll(async () => {
    for (const [i, n] of ["8105", "8101", "8104", "8102", "8103"].entries()) {
      await create({
        number: n,
        technology: i % 2 === 0 ? "PJSIP" : "SCCP",
        displayName: `Listed ${String.fromCharCode(69 - i)}`,
      });
    }
  });

  it("pages, searches and sorts", async () => {
    const page = (await api("GET", "/extensions?q=listed&pageSize=2&page=2&sort=number")).json();
    expect(page).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(page.data.map((e: { number: string }) => e.number)).toEqual(["8103", "8104"]);
    const desc = (await api("GET", "/extensions?q=listed&sort=-displayName")).json();
    expect(desc.data.map((e: { displayName: string }) => e.displayName)).toEqual([
      "Listed E",
      "Listed D",
      "Listed C",
      "Listed B",
      "Listed A",
    ]);
    const sccp = (await api("GET", "/extensions?q=listed&technology=SCCP")).json();
    expect(sccp.total).toBe(2);
    expectError(await api("GET", "/extensions?sort=secret"), 400, "validation_failed");
  });
});

describe("CSV import", () => {
  const csv = (body: string, query = "") =>
    t.app.inject({
      method: "POST",
      url: `/api/v1/extensions/import${query}`,
      headers: { ...h, "content-type": "text/csv" },
      payload: body,
    });

  it("imports every row and links users by username", async () => {
    const user = await createUser("csv-user");
    const res = await csv(
      'number,technology,displayName,username\n9001,PJSIP,Csv One,csv-user\n9002,sccp,Csv Two,\n9003,SIP,"Csv, Three",\n',
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: false, created: 3 });
    expect(res.json().extensions[0]).toEqual({
      row: 1,
      number: "9001",
      technology: "PJSIP",
      displayName: "Csv One",
      username: "csv-user",
    });
    const list = (await api("GET", "/extensions?q=csv&sort=number")).json();
    expect(list.data.map((e: { number: string; technology: string }) => [e.number, e.technology])).toEqual([
      ["9001", "PJSIP"],
      ["9002", "SCCP"],
      ["9003", "SIP"],
    ]);
    expect(list.data[0].userId).toBe(user.id);
    expect(list.data[2].displayName).toBe("Csv, Three");
  });

  it("answers what a dry run would create and writes nothing", async () => {
    await createUser("dry-user");
    const before = (await api("GET", "/extensions")).json().total;
    const file = "number,technology,displayName,username\n9201,sip,Dry One,dry-user\n9202,SCCP,Dry Two,\n";
    const res = await csv(file, "?dryRun=true");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      dryRun: true,
      created: 0,
      extensions: [
        { row: 1, number: "9201", technology: "SIP", displayName: "Dry One", username: "dry-user" },
        { row: 2, number: "9202", technology: "SCCP", displayName: "Dry Two", username: null },
      ],
    });
    expect((await api("GET", "/extensions")).json().total).toBe(before);
    // A dry run reports bad rows as the import does.
    const bad = await csv("number,technology,displayName,username\n9203,SIP,Ghost,nobody\n", "?dryRun=1");
    expectError(bad, 400, "validation_failed");
    expect(bad.json().error.details).toEqual([{ row: 1, field: "username", message: 'no user named "nobody"' }]);
    expectError(await csv(file, "?dryRun=maybe"), 400, "validation_failed");
    expect((await csv(file, "?dryRun=false")).json()).toMatchObject({ dryRun: false, created: 2 });
  });

  it("writes nothing and reports every bad row", async () => {
    const before = (await api("GET", "/extensions")).json().total;
    const res = await csv(
      [
        "number,technology,displayName,username",
        "9101,PJSIP,Good,",
        "91x2,PJSIP,Bad number,",
        "9103,FAX,Bad tech,",
        "9101,SIP,Duplicate,",
        "9001,SIP,Taken,",
        "9106,SIP,No user,ghost",
      ].join("\n"),
    );
    expectError(res, 400, "validation_failed");
    const details = res.json().error.details as Array<{ row: number; field: string; message: string }>;
    expect(details.map((d) => [d.row, d.field])).toEqual([
      [2, "number"],
      [3, "technology"],
      [4, "number"],
      [5, "number"],
      [6, "username"],
    ]);
    expect((await api("GET", "/extensions")).json().total).toBe(before);
  });

  it("rejects a file without the required columns, or malformed CSV", async () => {
    expectError(await csv("num,tech\n1,PJSIP\n"), 400, "validation_failed");
    expectError(await csv('number,technology,displayName\n"1,PJSIP,x\n'), 400, "validation_failed");
  });
});

describe("dashboard", () => {
  it("counts extensions and reports the Asterisk outbox and deployments", async () => {
    const d = (await api("GET", "/dashboard")).json();
    const total = (await api("GET", "/extensions")).json().total;
    expect(d.counts.extensions).toBe(total);
    expect(d.extensions).toEqual({ configured: total, registered: null });
    expect(d.asterisk).toEqual({ mode: "none", pendingChanges: 0, failedChanges: 0, lastError: null });
    expect(d.recentFailures).toEqual([]);
    expect(d.recentDeployments).toEqual([]);
    expect(d.components.ami.status).toBe("not_configured");
  });
});
