import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { insertPhone, parseCiscoPage, pathOf } from "../../test/cisco-xml.js";

let t: TestApp;
let h: Record<string, string>;
const MAC = "805EC0123456";
const MAC79 = "001122334455";
let now = new Date("2026-03-01T08:00:00Z");

beforeAll(async () => {
  t = await buildTestApp({ clock: () => now, toml: { phone_services: { base_url: "http://pbx.example:3000" } } });
  h = await t.adminHeaders();
  await insertPhone(t.db.kysely, { mac: MAC, model: "CP-8845" });
  await insertPhone(t.db.kysely, { mac: MAC79, model: "CP-7965G" });
});
afterAll(async () => t?.close());

const phone = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: "GET", url, headers });

async function contact(body: Record<string, unknown>) {
  const res = await t.app.inject({ method: "POST", url: "/api/v1/directory", headers: h, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function bulk(lastName: string, count: number) {
  const csv = [
    "firstName;lastName;workNumber",
    ...Array.from(
      { length: count },
      (_, i) => `P${String(i).padStart(3, "0")};${lastName};+41 44 ${String(100000 + i)}`,
    ),
  ];
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/directory/import",
    headers: { ...h, "content-type": "text/csv" },
    payload: csv.join("\n"),
  });
  expect(res.statusCode, res.body).toBe(201);
}

describe("URLs of the original Cisisk", () => {
  it("answers /cisco/services/dir, cdir and pdir with the directory pages, not 404 JSON", async () => {
    for (const old of ["dir", "cdir"]) {
      const res = await phone(`/cisco/services/${old}?mac=${MAC}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("text/xml; charset=utf-8");
      expect(parseCiscoPage(res).body.Title).toBe("Corporate Directory");
    }
    const personal = parseCiscoPage(await phone(`/cisco/services/pdir?mac=${MAC}`));
    expect(personal.type).toBe("CiscoIPPhoneInput"); // the PIN login first
    const unknown = parseCiscoPage(await phone(`/cisco/services/dir?mac=000000000001`));
    expect(unknown.type).toBe("CiscoIPPhoneText");
  });
});

describe("corporate directory pages", () => {
  it("starts with a CiscoIPPhoneMenu whose items lead to the search input and the results", async () => {
    const { type, body } = parseCiscoPage(await phone(`/cisco/directory?mac=${MAC}`));
    expect(type).toBe("CiscoIPPhoneMenu");
    expect(body.MenuItem.length).toBeGreaterThan(0);
    const search = parseCiscoPage(await phone(pathOf(body.MenuItem[0].URL)));
    expect(search.type).toBe("CiscoIPPhoneInput");
    expect(search.body.InputItem.map((i: { QueryStringParam: string }) => i.QueryStringParam)).toEqual(["f", "l", "n"]);
    expect(search.body.URL).toBe(`http://pbx.example:3000/cisco/directory/results?mac=${MAC}`);
  });

  it("accepts the MAC in any common spelling and answers an unknown or malformed one with a CiscoIPPhoneText", async () => {
    expect(parseCiscoPage(await phone(`/cisco/directory?mac=80:5e:c0:12:34:56`)).type).toBe("CiscoIPPhoneMenu");
    expect(parseCiscoPage(await phone(`/cisco/directory?mac=SEP805EC0123456`)).type).toBe("CiscoIPPhoneMenu");
    for (const mac of ["", "nothex", "AABBCCDDEEFF", "<script>", "805EC0123456%00"]) {
      const { type, body } = parseCiscoPage(await phone(`/cisco/directory/results?mac=${encodeURIComponent(mac)}&l=x`));
      expect(type).toBe("CiscoIPPhoneText");
      expect(body.Text).toMatch(/MAC|not registered/);
    }
  });

  it("escapes &, ', <, keeps non-ASCII letters and cuts 33+ character names to 32", async () => {
    await contact({ firstName: "Zoë & 'Bob'", lastName: "<Ærøskøbing>", workNumber: "+45 (62) 52-13.00" });
    const long = "Abcdefghijklmnopqrstuvwxyzabcdefghijkl"; // 38 letters
    await contact({ firstName: "Ann", lastName: long, mobileNumber: "0791234567" });
    const r = parseCiscoPage(await phone(`/cisco/directory/results?mac=${MAC}&l=%3C%C3%A6r`));
    expect(r.type).toBe("CiscoIPPhoneDirectory");
    expect(r.body.DirectoryEntry).toEqual([{ Name: "<Ærøskøbing>, Zoë & 'Bob'", Telephone: "+4562521300" }]);
    const raw = (await phone(`/cisco/directory/results?mac=${MAC}&l=%3C%C3%A6r`)).body;
    expect(raw).toContain("&lt;Ærøskøbing&gt;, Zoë &amp; &apos;Bob&apos;");
    const cut = parseCiscoPage(await phone(`/cisco/directory/results?mac=${MAC}&l=abcdefghij`));
    expect(Array.from(cut.body.DirectoryEntry[0].Name as string)).toHaveLength(32);
    expect(cut.body.DirectoryEntry[0].Name).toMatch(/ \(M\)$/);
    expect(cut.body.DirectoryEntry[0].Telephone).toBe("0791234567");
  });

  it("finds by first name and by number in any spelling, and says No match in a CiscoIPPhoneText", async () => {
    await contact({
      firstName: "Grace",
      lastName: "Hopper",
      workNumber: "+1 (202) 555-0199",
      homeNumber: "202.555.0100",
    });
    const byFirst = parseCiscoPage(await phone(`/cisco/directory/results?mac=${MAC}&f=gra`));
    expect(byFirst.body.DirectoryEntry.map((e: { Name: string }) => e.Name)).toEqual([
      "Hopper, Grace",
      "Hopper, Grace (H)",
    ]);
    const byNumber = parseCiscoPage(
      await phone(`/cisco/directory/results?mac=${MAC}&n=${encodeURIComponent("+1 202-555 01")}`),
    );
    expect(byNumber.body.DirectoryEntry).toEqual([{ Name: "Hopper, Grace", Telephone: "+12025550199" }]);
    const none = parseCiscoPage(await phone(`/cisco/directory/results?mac=${MAC}&l=nosuchname`));
    expect(none.type).toBe("CiscoIPPhoneText");
    expect(none.body.Text).toBe("No match");
  });

  it("finds +351 21 000 005 as a keypad types it: without +, with the 00 prefix, or by its national part", async () => {
    await contact({ firstName: "Ana", lastName: "Lisboa", workNumber: "+351 21 000 005" });
    await contact({ firstName: "Rui", lastName: "Porto", workNumber: "+351 22 000 005" });
    await contact({ firstName: "Hans", lastName: "Zurich", workNumber: "044 210 00 00" });
    const names = async (n: string) => {
      const page = parseCiscoPage(await phone(`/cisco/directory/results?mac=${MAC}&n=${encodeURIComponent(n)}`));
      return page.type === "CiscoIPPhoneText" ? [] : page.body.DirectoryEntry.map((e: { Name: string }) => e.Name);
    };
    for (const typed of ["35121000005", "0035121000005", "21000005", "021000005", "+35121000005", "351 21"])
      expect(await names(typed), typed).toEqual(["Lisboa, Ana"]);
    expect(await names("351")).toEqual(["Lisboa, Ana", "Porto, Rui"]);
    // A national number (no country code) matches by its own digits, trunk 0 included.
    expect(await names("04421")).toEqual(["Zurich, Hans"]);
    // The phone dials the stored international form, not what was typed.
    const hit = parseCiscoPage(await phone(`/cisco/directory/results?mac=${MAC}&n=0035121000005`));
    expect(hit.body.DirectoryEntry).toEqual([{ Name: "Lisboa, Ana", Telephone: "+35121000005" }]);
    expect(await names("0035122")).toEqual(["Porto, Rui"]);
    expect(await names("99999999")).toEqual([]);
  });

  describe.each([
    [32, 1],
    [33, 2],
    [64, 2],
  ])("paging with exactly %i entries", (count, pages) => {
    const last = `Pager${count}`;
    beforeAll(async () => bulk(last, count));

    it(`shows ${pages} page(s) of at most 32 with N/M in the title and Next/Previous where they lead somewhere`, async () => {
      const seen: string[] = [];
      let url = `/cisco/directory/results?mac=${MAC79}&l=${last.toLowerCase()}`;
      for (let p = 1; p <= pages; p++) {
        const res = await phone(url, { "x-CiscoIPPhoneModelName": "CP-7965G" });
        const { type, body } = parseCiscoPage(res, 8);
        expect(type).toBe("CiscoIPPhoneDirectory");
        expect(body.Title).toBe(`Directory ${p}/${pages}`);
        const entries = body.DirectoryEntry as Array<{ Name: string }>;
        expect(entries.length).toBe(p < pages ? 32 : count - 32 * (pages - 1));
        seen.push(...entries.map((e) => e.Name));
        const keys = Object.fromEntries(
          (body.SoftKeyItem as Array<{ Name: string; URL: string }>).map((k) => [k.Name, k.URL]),
        );
        expect(keys.Dial).toBe("SoftKey:Dial");
        expect(keys.EditDial).toBe("SoftKey:EditDial");
        expect(keys.Exit).toBe("SoftKey:Exit");
        expect(keys.Previous !== undefined).toBe(p > 1);
        expect(keys.Next !== undefined).toBe(p < pages);
        if (keys.Next) {
          expect(keys.Next).toContain(`page=${p + 1}`);
          url = pathOf(keys.Next);
        }
      }
      expect(new Set(seen).size).toBe(count);
      expect(seen).toEqual([...seen].sort());
    });

    it("keeps at most 4 soft keys for an 88xx and still offers paging", async () => {
      const { body } = parseCiscoPage(
        await phone(`/cisco/directory/results?mac=${MAC}&l=${last.toLowerCase()}&page=${pages}`),
        4,
      );
      const names = (body.SoftKeyItem as Array<{ Name: string }>).map((k) => k.Name);
      expect(names[0]).toBe("Dial");
      expect(names).toContain("Exit");
      if (pages > 1) expect(names).toContain("Previous");
    });
  });

  it("shows the last page for a page number past the end", async () => {
    const { body } = parseCiscoPage(await phone(`/cisco/directory/results?mac=${MAC}&l=pager33&page=9`), 4);
    expect(body.Title).toBe("Directory 2/2");
  });
});

describe("services menu, login and sessions", () => {
  let userId: string;
  beforeAll(async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: h,
      payload: { username: "jane", displayName: "Jane Doe", pin: "2468" },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().hasPin).toBe(true);
    expect(res.body).not.toContain("2468");
    userId = res.json().id;
    const mine = await t.app.inject({
      method: "POST",
      url: "/api/v1/directory",
      headers: h,
      payload: { firstName: "Mum", lastName: "Doe", mobileNumber: "+41 79 000 00 01", ownerUserId: userId },
    });
    expect(mine.statusCode, mine.body).toBe(201);
  });

  const login = (pin: string, mac = MAC, next = "personal") =>
    phone(`/cisco/login/submit?mac=${mac}&next=${next}&user=jane&pin=${pin}`);

  it("lists the enabled built-ins with Log in (and no Log out) while logged out", async () => {
    const { type, body } = parseCiscoPage(await phone(`/cisco/services?mac=${MAC}`), 4);
    expect(type).toBe("CiscoIPPhoneMenu");
    const names = body.MenuItem.map((i: { Name: string }) => i.Name);
    expect(names).toEqual(["Corporate Directory", "Personal Directory", "Log in"]);
    expect(body.MenuItem[0].URL).toBe(`http://pbx.example:3000/cisco/directory?mac=${MAC}`);
  });

  it("asks for user and PIN (PIN masked) before the personal directory, then shows only the user's own contacts", async () => {
    const ask = parseCiscoPage(await phone(`/cisco/personal?mac=${MAC}`), 4);
    expect(ask.type).toBe("CiscoIPPhoneInput");
    expect(ask.body.InputItem).toEqual([
      { DisplayName: "User", QueryStringParam: "user", DefaultValue: "", InputFlags: "A" },
      { DisplayName: "PIN", QueryStringParam: "pin", DefaultValue: "", InputFlags: "NP" },
    ]);
    expect(ask.body.URL).toContain("/cisco/login/submit?mac=805EC0123456&next=personal");

    const ok = await login("2468");
    const welcome = parseCiscoPage(ok, 4);
    expect(welcome.type).toBe("CiscoIPPhoneText");
    expect(welcome.body.Text).toBe("Logged in as Jane Doe");
    expect(ok.headers.refresh).toBe(`1; url=http://pbx.example:3000/cisco/personal?mac=${MAC}`);

    const mine = parseCiscoPage(await phone(`/cisco/personal?mac=${MAC}`), 4);
    expect(mine.type).toBe("CiscoIPPhoneDirectory");
    expect(mine.body.DirectoryEntry).toEqual([{ Name: "Doe, Mum (M)", Telephone: "+41790000001" }]);
    // Personal contacts stay out of the corporate search.
    expect(parseCiscoPage(await phone(`/cisco/directory/results?mac=${MAC}&f=mum`)).type).toBe("CiscoIPPhoneText");
    const menu = parseCiscoPage(await phone(`/cisco/services?mac=${MAC}`), 4);
    expect(menu.body.MenuItem.map((i: { Name: string }) => i.Name)).toContain("Log out");
  });

  it("ends the session when the deploy pipeline clears it: the next visit asks for login again", async () => {
    parseCiscoPage(await login("2468"));
    expect(parseCiscoPage(await phone(`/cisco/personal?mac=${MAC}`)).type).toBe("CiscoIPPhoneDirectory");
    expect(await t.deps.phoneSessions.end(MAC)).toBe(true);
    expect(parseCiscoPage(await phone(`/cisco/personal?mac=${MAC}`)).type).toBe("CiscoIPPhoneInput");
  });

  it("expires the session after session_ttl_hours (24 by default)", async () => {
    parseCiscoPage(await login("2468"));
    now = new Date(now.getTime() + 23 * 3600_000);
    expect(parseCiscoPage(await phone(`/cisco/personal?mac=${MAC}`)).type).toBe("CiscoIPPhoneDirectory");
    now = new Date(now.getTime() + 3600_000 + 1000);
    expect(parseCiscoPage(await phone(`/cisco/personal?mac=${MAC}`)).type).toBe("CiscoIPPhoneInput");
  });

  it("logs out through the Log out service", async () => {
    parseCiscoPage(await login("2468"));
    const out = await phone(`/cisco/logout?mac=${MAC}`);
    expect(parseCiscoPage(out).body.Text).toBe("Logged out");
    expect(out.headers.refresh).toMatch(/^1; url=http:\/\/pbx\.example:3000\/cisco\/services\?mac=/);
    expect(await t.deps.phoneSessions.current(MAC)).toBeNull();
  });

  it("rate-limits wrong PINs per phone and per user: after 5 failures even the right PIN waits", async () => {
    await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: h,
      payload: { username: "joe", displayName: "Joe Roe", pin: "1357" },
    });
    const joe = (pin: string, mac: string) => phone(`/cisco/login/submit?mac=${mac}&user=joe&pin=${pin}`);
    for (let i = 0; i < 5; i++) {
      const wrong = parseCiscoPage(await login("0000", MAC79));
      expect(wrong.type).toBe("CiscoIPPhoneInput");
      expect(wrong.body.Prompt).toBe("Wrong user or PIN");
    }
    const locked = parseCiscoPage(await login("2468", MAC79));
    expect(locked.type).toBe("CiscoIPPhoneText");
    expect(locked.body.Text).toMatch(/Too many wrong PINs/);
    expect(await t.deps.phoneSessions.current(MAC79)).toBeNull();
    // The phone is locked for everyone, and the user on every phone (cycling phones gives no more guesses).
    expect(parseCiscoPage(await joe("1357", MAC79)).body.Text).toMatch(/Too many wrong PINs/);
    expect(parseCiscoPage(await login("2468", MAC)).body.Text).toMatch(/Too many wrong PINs/);
    // Another user on another phone is not affected.
    expect(parseCiscoPage(await joe("1357", MAC)).body.Text).toBe("Logged in as Joe Roe");
    // After the window the locked phone and user may try again.
    now = new Date(now.getTime() + 16 * 60_000);
    expect(parseCiscoPage(await login("2468", MAC79)).body.Text).toBe("Logged in as Jane Doe");
  });

  it("refuses an unknown user and a user without a PIN the same way", async () => {
    await t.app.inject({ method: "POST", url: "/api/v1/users", headers: h, payload: { username: "nopin" } });
    for (const user of ["nobody", "nopin"]) {
      const r = parseCiscoPage(await phone(`/cisco/login/submit?mac=${MAC}&user=${user}&pin=1234`));
      expect(r.body.Prompt).toBe("Wrong user or PIN");
    }
  });
});
