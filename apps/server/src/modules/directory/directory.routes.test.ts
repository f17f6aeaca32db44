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
const upload = (type: string, body: string | Buffer, query = "") =>
  t.app.inject({
    method: "POST",
    url: `/api/v1/directory/import${query}`,
    headers: { ...h, "content-type": type },
    payload: body,
  });

async function create(body: Record<string, unknown>) {
  const res = await api("POST", "/directory", body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

type Rec = Record<string, unknown>;
const comparable = (c: Rec) => {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = c;
  return rest;
};
async function allContacts(): Promise<Rec[]> {
  const res = await api("GET", "/directory?pageSize=500&sort=lastName");
  expect(res.statusCode).toBe(200);
  return res.json().data;
}
async function clear() {
  for (const c of await allContacts()) expect((await api("DELETE", `/directory/${c.id}`)).statusCode).toBe(204);
}

describe("directory CRUD", () => {
  it("creates a contact, keeps the display form of numbers and adds the dialling form", async () => {
    const c = await create({
      firstName: "Jane",
      lastName: "Doe",
      workNumber: "+41 (44) 123-45.67",
      mobileNumber: "079 555 12 34",
      email: "jane@example.com",
      department: "Sales",
      location: "Zürich",
      building: "B2",
      ringtone: "Ring1.raw",
    });
    expect(c).toMatchObject({
      workNumber: "+41 (44) 123-45.67",
      workDial: "+41441234567",
      mobileNumber: "079 555 12 34",
      mobileDial: "0795551234",
      homeNumber: null,
      homeDial: null,
      ownerUserId: null,
    });
    expect((await api("GET", `/directory/${c.id}`)).json()).toEqual(c);
  });

  it.each([
    [{ firstName: "No", lastName: "Number" }, "no number at all"],
    [{ workNumber: "123" }, "no name"],
    [{ lastName: "X", workNumber: "call me" }, "letters in the number"],
    [{ lastName: "X", workNumber: "+" }, "no digit"],
    [{ lastName: "X", workNumber: "1".repeat(41) }, "number too long"],
    [{ lastName: "X".repeat(65), workNumber: "1" }, "name too long"],
    [{ lastName: "X", workNumber: "1", email: "nope" }, "bad email"],
    [{ lastName: "X", workNumber: "1", ownerUserId: "not-a-uuid" }, "bad owner id"],
    [{ lastName: 5, workNumber: "1" }, "number as name"],
  ])("answers 400 for %j (%s) and creates nothing", async (body, _why) => {
    const before = (await api("GET", "/directory")).json().total;
    expectError(await api("POST", "/directory", body), 400, "validation_failed");
    expect((await api("GET", "/directory")).json().total).toBe(before);
  });

  it("answers 400 for a personal contact of an unknown user", async () => {
    expectError(
      await api("POST", "/directory", {
        lastName: "X",
        workNumber: "1",
        ownerUserId: "00000000-0000-4000-8000-000000000001",
      }),
      400,
      "validation_failed",
    );
  });

  it("updates with PATCH, clears a number with null, refuses to remove the last number or the name", async () => {
    const c = await create({ firstName: "Pat", lastName: "Ch", workNumber: "100", homeNumber: "200" });
    const res = await api("PATCH", `/directory/${c.id}`, {
      homeNumber: null,
      department: "R&D",
      workNumber: "+1 555 0100",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ homeNumber: null, homeDial: null, department: "R&D", workDial: "+15550100" });
    expectError(await api("PATCH", `/directory/${c.id}`, { workNumber: null }), 400, "validation_failed");
    expectError(await api("PATCH", `/directory/${c.id}`, { firstName: "", lastName: "" }), 400, "validation_failed");
    expectError(await api("PATCH", `/directory/${c.id}`, {}), 400, "validation_failed");
    expectError(
      await api("PATCH", "/directory/00000000-0000-4000-8000-000000000000", { lastName: "x" }),
      404,
      "not_found",
    );
    expectError(await api("PATCH", "/directory/nope", { lastName: "x" }), 400, "validation_failed");
    expect((await api("GET", `/directory/${c.id}`)).json().workNumber).toBe("+1 555 0100");
  });

  it("deletes with 204, then 404", async () => {
    const c = await create({ lastName: "Gone", workNumber: "1" });
    expect((await api("DELETE", `/directory/${c.id}`)).statusCode).toBe(204);
    expectError(await api("GET", `/directory/${c.id}`), 404, "not_found");
    expectError(await api("DELETE", `/directory/${c.id}`), 404, "not_found");
  });

  it("requires console auth", async () => {
    expectError(await t.app.inject({ method: "GET", url: "/api/v1/directory" }), 401, "unauthenticated");
    expectError(await t.app.inject({ method: "GET", url: "/api/v1/directory/export.csv" }), 401, "unauthenticated");
  });
});

describe("directory search, sort and paging", () => {
  beforeAll(async () => {
    await clear();
    await create({ firstName: "Ada", lastName: "Lovelace", workNumber: "+44 20 7946 0001", department: "Engineering" });
    await create({ firstName: "Alan", lastName: "Turing", workNumber: "+44 20 7946 0002", department: "Research" });
    await create({
      firstName: "Grace",
      lastName: "Hopper",
      mobileNumber: "+1 202 555 0199",
      department: "Engineering",
    });
  });

  it("searches names, department and numbers (display or dialling spelling)", async () => {
    const names = async (q: string) =>
      (await api("GET", `/directory?q=${encodeURIComponent(q)}`)).json().data.map((c: Rec) => c.lastName);
    expect(await names("ENGINEERING")).toEqual(["Hopper", "Lovelace"]);
    expect(await names("tur")).toEqual(["Turing"]);
    expect(await names("2025550199")).toEqual(["Hopper"]);
    expect(await names("7946 0002")).toEqual(["Turing"]);
    expect(await names("%")).toEqual([]);
  });

  it("sorts and pages", async () => {
    const res = (await api("GET", "/directory?sort=-lastName&pageSize=2&page=1")).json();
    expect(res).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(res.data.map((c: Rec) => c.lastName)).toEqual(["Turing", "Lovelace"]);
    expect((await api("GET", "/directory?sort=firstName")).json().data[0].firstName).toBe("Ada");
    expectError(await api("GET", "/directory?sort=password"), 400, "validation_failed");
    expectError(await api("GET", "/directory?pageSize=501"), 400, "validation_failed");
  });
});

const people = [
  {
    firstName: "Zoë",
    lastName: 'D\'Arcy; "the quick"',
    workNumber: "+33 (1) 23-45.67.89",
    mobileNumber: "06 12 34 56 78",
    homeNumber: null,
    email: "zoe@example.fr",
    department: "R&D, Paris",
    location: "Île-de-France",
    building: "Tour <A>",
    ringtone: "Chirp1.raw",
  },
  {
    firstName: "",
    lastName: "Reception",
    workNumber: "100",
    mobileNumber: null,
    homeNumber: "+41 44 000 00 00",
    email: null,
    department: null,
    location: null,
    building: null,
    ringtone: null,
  },
  {
    firstName: "山田",
    lastName: "太郎 with a name long enough to need folding in a vCard line",
    workNumber: "+81 3-1234-5678",
    mobileNumber: null,
    homeNumber: null,
    email: null,
    department: "営業",
    location: "Line\nbreak",
    building: null,
    ringtone: null,
  },
];

describe("CSV and vCard import/export", () => {
  beforeAll(async () => {
    await clear();
    for (const p of people) await create(p);
  });

  it.each([
    ["CSV", "/directory/export.csv", "text/csv"],
    ["vCard 3.0", "/directory/export.vcf?version=3.0", "text/vcard"],
    ["vCard 4.0", "/directory/export.vcf?version=4.0", "text/vcard"],
  ])("%s: export then import gives the same records", async (_name, url, type) => {
    const before = (await allContacts()).map(comparable);
    expect(before).toHaveLength(3);
    const exported = await api("GET", url);
    expect(exported.statusCode).toBe(200);
    expect(exported.headers["content-type"]).toContain(type);
    expect(exported.headers["content-disposition"]).toMatch(/attachment/);
    await clear();
    const res = await upload(type, exported.rawPayload);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ created: 3, rejected: [] });
    expect((await allContacts()).map(comparable)).toEqual(before);
  });

  it("CSV export starts with a BOM, has a header row and CRLF lines; vCard 3.0 and 4.0 differ as the RFCs say", async () => {
    const csv = (await api("GET", "/directory/export.csv")).body;
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split("\r\n")[0]).toBe(
      "firstName,lastName,workNumber,mobileNumber,homeNumber,email,department,location,building,ringtone",
    );
    const v3 = (await api("GET", "/directory/export.vcf")).body;
    expect(v3).toContain("VERSION:3.0");
    expect(v3).toContain("TEL;TYPE=CELL:06 12 34 56 78");
    const v4 = (await api("GET", "/directory/export.vcf?version=4.0")).body;
    expect(v4).toContain("VERSION:4.0");
    expect(v4).toContain("TEL;VALUE=text;TYPE=cell:06 12 34 56 78");
    for (const line of v4.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  });

  it("imports ';'-separated CSV with a BOM and friendly headers", async () => {
    await clear();
    const csv = "\uFEFFFirst Name;Last Name;Mobile;E-mail\r\nKurt;Gödel;+43 1 234;kurt@example.at\r\n;Solo;555\r\n";
    const res = await upload("text/csv", Buffer.from(csv, "utf8"));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().created).toBe(2);
    const all = await allContacts();
    expect(all.map((c) => [c.firstName, c.lastName, c.mobileDial, c.email])).toEqual([
      ["Kurt", "Gödel", "+431234", "kurt@example.at"],
      ["", "Solo", "555", null],
    ]);
  });

  it("rejects the whole file with per-row errors, and a dry run previews created vs rejected", async () => {
    await clear();
    const csv = [
      "firstName,lastName,workNumber,email",
      "Ok,One,100,",
      "Bad,Number,call-me,",
      "Ok,Two,200,",
      ",,300,",
      "Bad,Mail,400,not-an-email",
    ].join("\n");
    const res = await upload("text/csv", csv);
    expectError(res, 400, "validation_failed");
    const details = res.json().error.details;
    expect(details.map((d: { row: number }) => d.row)).toEqual([3, 5, 6]);
    expect(details[0].errors[0].field).toBe("workNumber");
    expect(details[2].errors[0].field).toBe("email");
    expect((await allContacts()).length).toBe(0);

    const dry = await upload("text/csv", csv, "?dryRun=true");
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, created: 2, format: "csv" });
    expect(dry.json().preview.map((p: Rec) => p.lastName)).toEqual(["One", "Two"]);
    expect(dry.json().rejected).toHaveLength(3);
    expect((await allContacts()).length).toBe(0);
  });

  it("reports unreadable files: unknown column, broken quoting, empty file, no vCard, wrong media type", async () => {
    const unknown = await upload("text/csv", "firstName,shoeSize\nA,42\n");
    expectError(unknown, 400, "validation_failed");
    expect(unknown.json().error.details[0].errors[0].message).toMatch(/shoeSize/);
    expectError(await upload("text/csv", 'lastName,workNumber\n"unterminated,1\n'), 400, "validation_failed");
    expectError(await upload("text/csv", ""), 400, "validation_failed");
    expectError(await upload("text/vcard", "hello"), 400, "validation_failed");
    expectError(await upload("application/json", JSON.stringify({ a: 1 })), 400, "validation_failed");
    expect((await allContacts()).length).toBe(0);
  });

  it("imports vCards as address books write them: folded lines, FN only, tel: URIs, grouped properties", async () => {
    const vcf = [
      "BEGIN:VCARD",
      "VERSION:4.0",
      "FN:Marie Curie",
      'TEL;VALUE=uri;TYPE="work,voice":tel:+33-1-44-27-00-00',
      "item1.EMAIL;TYPE=INTERNET:marie@",
      " example.fr",
      "END:VCARD",
      "BEGIN:VCARD",
      "VERSION:3.0",
      "N:Bohr;Niels;;;",
      "TEL;TYPE=HOME:+45 3532 5200",
      "TEL;TYPE=CELL:+45 1234",
      "ORG:University of Copenhagen;Physics",
      "END:VCARD",
    ].join("\r\n");
    const res = await upload("text/x-vcard", vcf);
    expect(res.statusCode, res.body).toBe(201);
    const [bohr, curie] = await allContacts();
    expect(bohr).toMatchObject({
      firstName: "Niels",
      lastName: "Bohr",
      homeDial: "+4535325200",
      mobileDial: "+451234",
      department: "Physics",
    });
    expect(curie).toMatchObject({
      firstName: "Marie",
      lastName: "Curie",
      workDial: "+33144270000",
      email: "marie@example.fr",
    });
  });
});
