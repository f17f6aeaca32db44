import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Phone } from "@cisisk/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAsteriskRealtimeTables } from "../../test/asterisk-realtime-tables.js";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { inventory } from "../../test/inventory-fixtures.js";

// chan_sccp is not in the Asterisk build, so its devices are checked as written: the sccp_cisisk.conf
// sections (files mode) and the sccpdevice/buttonconfig rows (realtime), with chan-sccp's field names.

/** The `[name]` sections of an Asterisk .conf file, each key's values in order. */
function sectionsOf(text: string) {
  const sections: Array<{ name: string; values: Record<string, string[]> }> = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/(^|[^\\]);.*$/, "$1").trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) sections.push({ name: header[1]!, values: {} });
    else if (line.includes("=")) {
      const i = line.indexOf("=");
      (sections.at(-1)!.values[line.slice(0, i)] ??= []).push(line.slice(i + 1));
    }
  }
  return sections;
}

async function sccpSetup(t: TestApp) {
  const inv = inventory(t);
  const headers = await t.adminHeaders();
  const owner = await inv.user("sccp-owner");
  const line = async (number: string) => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/extensions",
      headers,
      payload: { technology: "SCCP", number, displayName: `Desk ${number}`, userId: owner },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  };
  const first = await line("3001");
  const second = await line("3002");
  const phone = await inv.phone(
    { mac: "00:1E:4A:79:65:16", model: "7965", softwareType: "SCCP", userId: owner, label: "Front desk" },
    ["7916"],
  );
  const patch = (id: string, payload: object) =>
    t.app.inject({ method: "PATCH", url: `/api/v1/phones/${id}`, headers, payload });
  const remove = (url: string) => t.app.inject({ method: "DELETE", url: `/api/v1${url}`, headers });
  return { phone, first, second, patch, remove };
}

describe("SCCP phones get their own chan_sccp device: files mode", () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "cisisk-sccp-"));
    t = await buildTestApp({ toml: { asterisk: { mode: "files", config_dir: dir } } });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });
  const device = async (name: string) =>
    sectionsOf(await readFile(path.join(dir, "sccp_cisisk.conf"), "utf8")).find(
      (s) => s.name === name && s.values.type?.[0] === "device",
    )?.values;

  it("a 7965 with a 7916: [SEP<MAC>] type=device, devicetype, addon, its owner's lines as buttons in order", async () => {
    const { phone, first, second, patch, remove } = await sccpSetup(t);
    expect(phone.kems.map((k) => k.model)).toEqual(["7916"]);
    expect(await device("SEP001E4A796516")).toEqual({
      type: ["device"],
      devicetype: ["7965"],
      description: ["Front desk"],
      addon: ["7916"],
      button: ["line,3001", "line,3002"],
    });

    // Explicit button links order the keys.
    const res = await patch(phone.id, {
      lines: [
        { button: 1, extensionId: second },
        { button: 2, extensionId: first },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await device("SEP001E4A796516"))!.button).toEqual(["line,3002", "line,3001"]);

    expect((await remove(`/phones/${phone.id}`)).statusCode).toBe(204);
    expect(await device("SEP001E4A796516")).toBeUndefined();
  });
});

describe("SCCP phones get their own chan_sccp device: realtime sccpdevice and buttonconfig", () => {
  let t: TestApp;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Asterisk's tables are not ours to type
  let rt: any;
  beforeAll(async () => {
    t = await buildTestApp({ toml: { asterisk: { mode: "realtime" } } });
    await createAsteriskRealtimeTables(t.db.kysely, t.db.dialect);
    rt = t.db.kysely;
  });
  afterAll(async () => {
    await t?.close();
  });
  const buttons = async (name: string) =>
    (await rt.selectFrom("buttonconfig").selectAll().where("device", "=", name).orderBy("instance").execute()).map(
      (b: { instance: number; type: string; name: string; options: string }) => [
        Number(b.instance),
        b.type,
        b.name,
        b.options,
      ],
    );

  it("a 7965 with a 7916: sccpdevice with type and addon, one buttonconfig line row per key; follows renames and deletes", async () => {
    const { phone, second, patch, remove } = await sccpSetup(t);
    expect(await rt.selectFrom("sccpdevice").selectAll().where("name", "=", "SEP001E4A796516").execute()).toEqual([
      expect.objectContaining({ name: "SEP001E4A796516", type: "7965", addon: "7916", description: "Front desk" }),
    ]);
    expect(await buttons("SEP001E4A796516")).toEqual([
      [1, "line", "3001", "default"],
      [2, "line", "3002", "default"],
    ]);

    // A renamed line is re-pointed on the device; a deleted one leaves it.
    const renamed = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/extensions/${second}`,
      headers: await t.adminHeaders(),
      payload: { number: "3012" },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await buttons("SEP001E4A796516")).toEqual([
      [1, "line", "3001", "default"],
      [2, "line", "3012", "default"],
    ]);
    expect((await remove(`/extensions/${second}`)).statusCode).toBe(204);
    expect(await buttons("SEP001E4A796516")).toEqual([[1, "line", "3001", "default"]]);

    // A second module, then the phone turned SIP: the device goes.
    const kems = await t.app.inject({
      method: "PUT",
      url: `/api/v1/phones/${phone.id}/kems`,
      headers: await t.adminHeaders(),
      payload: { kems: [{ model: "7916" }, { model: "7916" }] },
    });
    expect(kems.statusCode, kems.body).toBe(200);
    expect(
      (await rt.selectFrom("sccpdevice").select("addon").where("name", "=", "SEP001E4A796516").executeTakeFirst())
        ?.addon,
    ).toBe("7916;7916");
    expect((await patch(phone.id, { softwareType: "SIP" })).json<Phone>().softwareType).toBe("SIP");
    expect(await rt.selectFrom("sccpdevice").select("name").execute()).toEqual([]);
    expect(await rt.selectFrom("buttonconfig").select("name").execute()).toEqual([]);
  });
});
