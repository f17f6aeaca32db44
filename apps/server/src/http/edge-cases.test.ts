import net from "node:net";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, expectError, type TestApp } from "../test/build-test-app.js";
import { parseCiscoPage } from "../test/cisco-xml.js";
import { inventory } from "../test/inventory-fixtures.js";

// Issue 14's findings, each through the real interface: the input that used to give a 500, a malformed
// file or a formula in a spreadsheet, and what it gives now.

let t: TestApp;
let h: Record<string, string>;
beforeAll(async () => {
  t = await buildTestApp({ toml: { phone_services: { base_url: "http://pbx.example:3000" } } });
  h = await t.adminHeaders();
});
afterAll(async () => t?.close());

const api = (method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: h,
    ...(payload !== undefined && { payload: payload as object }),
  });

describe("CSV export against formula injection", () => {
  it("prefixes cells starting with = + - @ tab or CR with an apostrophe, quotes lone CRs, and the import reads its own export back", async () => {
    const contacts = [
      { firstName: '=HYPERLINK("http://evil")', lastName: "Formula", workNumber: "+351 21 000 005" },
      { firstName: "@SUM(1)", lastName: "-2+3", mobileNumber: "-100", department: "Sales" },
      { firstName: "Carriage", lastName: "Re\rturn", workNumber: "100" },
      { firstName: "Plain", lastName: "O'Brien", homeNumber: "021 000 006" },
    ];
    for (const c of contacts) expect((await api("POST", "/directory", c)).statusCode).toBe(201);

    const csv = (await api("GET", "/directory/export.csv")).body.replace(/^\uFEFF/, "");
    const rows = csv.split("\r\n");
    const formulaRow = rows.find((r) => r.includes("Formula"))!;
    expect(formulaRow).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(formulaRow).toContain("'+351 21 000 005");
    const atRow = rows.find((r) => r.includes("SUM"))!;
    expect(atRow).toContain("'@SUM(1)");
    expect(atRow).toContain("'-2+3");
    expect(atRow).toContain("'-100");
    expect(csv).toContain('"Re\rturn"');
    // An apostrophe inside a value that is no formula stays as it is.
    expect(rows.find((r) => r.includes("Plain"))).toContain("O'Brien");
    // No cell of any row starts with a formula character.
    for (const row of rows.slice(1)) for (const cell of row.split(",")) expect(cell).not.toMatch(/^"?[=+\-@]/);

    // Re-import into an empty directory: the values come back without the apostrophes.
    const before = (await api("GET", "/directory?pageSize=500&sort=lastName")).json().data;
    for (const c of before) expect((await api("DELETE", `/directory/${c.id}`)).statusCode).toBe(204);
    const imported = await t.app.inject({
      method: "POST",
      url: "/api/v1/directory/import",
      headers: { ...h, "content-type": "text/csv" },
      payload: csv,
    });
    expect(imported.statusCode, imported.body).toBe(201);
    const after = (await api("GET", "/directory?pageSize=500&sort=lastName")).json().data;
    const pick = (c: Record<string, unknown>) => [c.firstName, c.lastName, c.workNumber, c.mobileNumber];
    expect(after.map(pick)).toEqual(before.map(pick));
    expect(after.find((c: { lastName: string }) => c.lastName === "Formula").workNumber).toBe("+351 21 000 005");

    // Both spellings of a number import: with the apostrophe and without.
    const both = await t.app.inject({
      method: "POST",
      url: "/api/v1/directory/import?dryRun=true",
      headers: { ...h, "content-type": "text/csv" },
      payload: "firstName,lastName,workNumber\r\nA,One,'+41 44 123 45 67\r\nB,Two,+41 44 123 45 68\r\n",
    });
    expect(both.statusCode, both.body).toBe(200);
    expect(both.json()).toMatchObject({ created: 2 });
  });
});

describe("control characters", () => {
  it("are refused at the edge with 400 naming the field, and nothing is stored", async () => {
    const res = await api("POST", "/users", {
      username: "ctl",
      password: "user-password-1",
      displayName: "Bad\u0007Bell",
    });
    expectError(res, 400, "validation_failed");
    expect(res.json().error.message).toContain("body.displayName");
    expect(res.json().error.details[0].path).toBe("body.displayName");
    const ext = await api("POST", "/extensions", { technology: "PJSIP", number: "7001", displayName: "Esc\u001B[31m" });
    expectError(ext, 400, "validation_failed");
    expect(ext.json().error.details[0].path).toBe("body.displayName");
    expect((await api("GET", "/users?q=ctl")).json().total).toBe(0);
    expect((await api("GET", "/extensions?q=7001")).json().total).toBe(0);
    // Tabs and line breaks are not control characters for this purpose.
    expect(
      (await api("POST", "/directory", { firstName: "Tab\there", lastName: "Line\nbreak", workNumber: "101" }))
        .statusCode,
    ).toBe(201);
  });

  it("never reach a SEP file: the XML escaper drops them", async () => {
    // Stored before this check existed (or by another writer): the rendered file is still well-formed XML.
    const inv = inventory(t);
    const owner = await inv.user("ctl-owner");
    await inv.extension(owner, "7002", "Clean Name", "s3cret-Secret#1");
    await t.db.kysely
      .updateTable("extensions")
      .set({ display_name: "Bell\u0007Name" })
      .where("number", "=", "7002")
      .execute();
    const phone = await inv.phone({ mac: "0C1167884CC1", model: "8845", softwareType: "SIPE" });
    const profile = await inv.profile({ name: "ctl", softwareType: "SIPE", userId: owner });
    const res = await api("GET", `/profiles/${profile.id}/render?phoneId=${phone.id}`);
    expect(res.statusCode, res.body).toBe(200);
    // eslint-disable-next-line no-control-regex
    expect(res.body).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(res.body).toContain("BellName");
    expect(() => new XMLParser().parse(res.body, true)).not.toThrow();
  });
});

describe("service URLs", () => {
  it("must be http(s); a non-Latin-1 URL opens through an ASCII Refresh header, not a 500", async () => {
    for (const url of ["javascript:alert(1)", "ftp://files.example/x", "not a url", "file:///etc/passwd"])
      expectError(await api("POST", "/services", { name: "Bad", url }), 400, "validation_failed");
    const created = await api("POST", "/services", { name: "Café", url: "http://café.example/menü?q=日本" });
    expect(created.statusCode, created.body).toBe(201);
    const phone = await inventory(t).phone({ mac: "0C1167884CC2", model: "8845", softwareType: "SIPE" });
    const res = await t.app.inject({
      method: "GET",
      url: `/cisco/services/open?mac=${phone.mac}&id=${created.json().id}`,
    });
    parseCiscoPage(res);
    expect(res.headers.refresh).toBe("0; url=http://xn--caf-dma.example/men%C3%BC?q=%E6%97%A5%E6%9C%AC");
  });
});

describe("profile XML with a DOCTYPE", () => {
  it("answers 400 and never expands entities", async () => {
    const bomb =
      '<?xml version="1.0"?>\n<!DOCTYPE device [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n' +
      "<device><deviceProtocol>SIP</deviceProtocol><x>&b;</x></device>";
    const res = await api("POST", "/profiles", { name: "bomb", softwareType: "SIP", cnfXml: bomb });
    expectError(res, 400, "validation_failed");
    expect(res.json().error.message).toMatch(/DOCTYPE/);
    const ext = await api("POST", "/profiles", {
      name: "xxe",
      softwareType: "SIP",
      cnfXml:
        '<?xml version="1.0"?><!DOCTYPE d SYSTEM "file:///etc/passwd"><device><deviceProtocol>SIP</deviceProtocol></device>',
    });
    expectError(ext, 400, "validation_failed");
    expect((await api("GET", "/profiles?q=bomb")).json().total).toBe(0);
  });
});

describe("one error shape", () => {
  let base: string;
  beforeAll(async () => {
    base = await t.app.listen({ port: 0, host: "127.0.0.1" });
  });

  /** Raw HTTP, so that Node's own parser sees the request (inject bypasses it). */
  function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
    const { port } = new URL(base);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), "127.0.0.1", () => socket.end(request));
      let data = "";
      socket.on("data", (c) => (data += c.toString()));
      socket.on("error", reject);
      socket.on("close", () => {
        const [head, body = ""] = data.split("\r\n\r\n");
        resolve({ status: Number(head!.split(" ")[1]), headers: head!, body });
      });
    });
  }
  const envelope = (body: string) => {
    const parsed = JSON.parse(body);
    expect(parsed.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    return parsed.error;
  };

  it("431 for oversized headers, 414 for an oversized path parameter, 400 for a bad URL, 413 for a big body", async () => {
    const big = await raw(`GET /api/v1/users HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(big.status).toBe(431);
    expect(envelope(big.body).code).toBe("validation_failed");
    const longLine = await raw(`GET /api/v1/users?q=${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(longLine.status).toBe(431);
    envelope(longLine.body);
    const garbage = await raw("NOT HTTP AT ALL\r\n\r\n");
    expect(garbage.status).toBe(400);
    envelope(garbage.body);

    const longParam = await fetch(`${base}/api/v1/users/${"a".repeat(200)}`);
    expect(longParam.status).toBe(414);
    envelope(await longParam.text());
    const badUrl = await fetch(`${base}/api/v1/users/%E0%A4%A`);
    expect(badUrl.status).toBe(400);
    envelope(await badUrl.text());
    const tooBig = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(6 * 1024 * 1024),
    });
    expect(tooBig.status).toBe(413);
    envelope(await tooBig.text());
  });

  it("/cisco/* answers a Cisco XML object for a NUL byte, a bad URL, an unknown path and an oversized parameter", async () => {
    for (const url of [
      "/cisco/directory?mac=%00",
      "/cisco/directory/results?mac=0C1167884CC2&l=a%01b",
      "/cisco/nothing-here",
      "/cisco/login/submit?mac=0C1167884CC2&user=%00&pin=1",
      "/cisco/authenticate?UserID=%00",
    ]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(parseCiscoPage(res).type, url).toBe("CiscoIPPhoneText");
    }
    const bad = await fetch(`${base}/cisco/directory/%E0%A4%A`);
    expect(bad.status).toBe(200);
    expect(await bad.text()).toContain("<CiscoIPPhoneText>");
  });
});

describe("dashboard counts", () => {
  it("counts directory contacts and services like their lists do", async () => {
    const inv = {
      contacts: (await api("GET", "/directory?pageSize=1")).json().total,
      services: (await api("GET", "/services")).json().total,
    };
    for (let i = 0; i < 3; i++)
      expect(
        (
          await api("POST", "/directory", {
            firstName: `Ana ${i}`,
            lastName: "Silva",
            workNumber: `+351 21 000 10${i}`,
          })
        ).statusCode,
      ).toBe(201);
    expect((await api("POST", "/services", { name: "Weather", url: "http://weather.example/cisco" })).statusCode).toBe(
      201,
    );
    const counts = (await api("GET", "/dashboard")).json().counts;
    expect(counts.contacts).toBe(inv.contacts + 3);
    expect(counts.services).toBe(inv.services + 1);
    expect(counts.contacts).toBe((await api("GET", "/directory?pageSize=1")).json().total);
    expect(counts.services).toBe((await api("GET", "/services")).json().total);
    expect(counts.contacts).toBeGreaterThan(0);
    expect(counts.services).toBeGreaterThan(4);
  });
});
