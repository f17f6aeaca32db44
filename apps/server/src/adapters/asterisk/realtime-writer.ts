import type { Kysely } from "kysely";
import { callerId, DEFAULT_CODECS, safeName, yesNo, type AsteriskLine, type SccpDevice } from "./asterisk-line.js";

/**
 * Writes Asterisk's own realtime tables. Column names and sizes follow Asterisk's alembic scripts
 * (contrib/ast-db-manage/config/versions: 4da0c5f79a9c sippeers, 43956d550a44 ps_endpoints/ps_auths/
 * ps_aors/ps_contacts and later widenings) and chan-sccp's conf/mysql-v5.sql / postgres.sql
 * (sccpdevice, sccpline, buttonconfig). Values are clipped to the narrowest of those sizes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Asterisk's tables are not ours to type
type AnyDb = Kysely<any>;
/** A connection to Asterisk's realtime tables (our own database, or Asterisk's). */
export type RealtimeDb = AnyDb;

const clip = (v: string | null | undefined, n: number): string | null => (v ? v.slice(0, n) : null);

/** Where each technology's realtime objects live: table and key column. */
const TABLES: Record<AsteriskLine["technology"], Array<{ table: string; key: string }>> = {
  PJSIP: [
    { table: "ps_aors", key: "id" },
    { table: "ps_auths", key: "id" },
    { table: "ps_endpoints", key: "id" },
  ],
  SIP: [{ table: "sippeers", key: "name" }],
  SCCP: [{ table: "sccpline", key: "name" }],
};

/** Keys per statement: far under every engine's parameter limit, even for the widest rows (sippeers). */
const CHUNK = 500;

/** The rows one line is made of, per table (every row of a table has the same columns: multi-row inserts). */
function rowsOf(line: AsteriskLine): Array<{ table: string; values: Record<string, unknown> }> {
  const allow = (line.codecs?.length ? line.codecs : DEFAULT_CODECS).join(",");
  switch (line.technology) {
    case "PJSIP": {
      const o = line.pjsip!;
      return [
        {
          table: "ps_aors",
          values: {
            id: line.number,
            max_contacts: o.maxContacts,
            remove_existing: yesNo(o.removeExisting),
            qualify_frequency: o.qualifyFrequency,
            mailboxes: clip(line.voicemail, 80),
          },
        },
        {
          table: "ps_auths",
          values: {
            id: line.number,
            auth_type: o.authType,
            username: line.number,
            realm: line.realm,
            md5_cred: o.authType === "md5" ? line.ha1Md5 : null,
            password: o.authType === "md5" ? null : line.secret(),
          },
        },
        {
          table: "ps_endpoints",
          values: {
            id: line.number,
            transport: clip(line.transport, 40),
            aors: line.number,
            auth: line.number,
            context: line.context.slice(0, 40),
            disallow: "all",
            allow: allow.slice(0, 200),
            direct_media: yesNo(o.directMedia),
            dtmf_mode: o.dtmfMode,
            callerid: callerId(line, 40),
            mailboxes: clip(line.voicemail, 40),
          },
        },
      ];
    }
    case "SIP": {
      const o = line.sip!;
      return [
        {
          table: "sippeers",
          values: {
            name: line.number,
            type: "friend",
            host: "dynamic",
            defaultuser: line.number,
            md5secret: line.ha1Md5,
            context: line.context.slice(0, 40),
            transport: clip(line.transport, 40),
            nat: o.nat,
            dtmfmode: o.dtmfMode,
            directmedia: yesNo(o.directMedia),
            disallow: "all",
            allow: allow.slice(0, 200),
            callerid: callerId(line, 40),
            mailbox: clip(line.voicemail, 40),
          },
        },
      ];
    }
    case "SCCP": {
      const o = line.sccp!;
      return [
        {
          table: "sccpline",
          values: {
            id: line.number,
            name: line.number,
            label: clip(o.label ?? safeName(line.displayName, 45), 45),
            description: clip(safeName(line.displayName, 45), 45),
            context: line.context.slice(0, 45),
            mailbox: clip(line.voicemail, 45),
            cid_name: clip(o.cidName ?? safeName(line.displayName, 45), 45),
            cid_num: clip(o.cidNum ?? line.number, 45),
          },
        },
      ];
    }
  }
}

/**
 * Replaces realtime objects: removes every object Cisisk wrote for the given numbers of each technology,
 * and for the lines' own numbers, then inserts the lines' current state (idempotent). A few statements per
 * table and 500 numbers, whether one line changed or a CSV import brought 10,000: run it in a transaction.
 */
export async function replaceRealtime(
  db: AnyDb,
  removed: ReadonlyMap<string, Iterable<string>>,
  lines: readonly AsteriskLine[],
): Promise<void> {
  const numbers = new Map<string, Set<string>>();
  for (const [tech, list] of removed) numbers.set(tech, new Set(list));
  for (const line of lines)
    (numbers.get(line.technology) ?? numbers.set(line.technology, new Set()).get(line.technology)!).add(line.number);
  for (const [tech, set] of numbers) {
    const all = [...set];
    for (const { table, key } of TABLES[tech as AsteriskLine["technology"]] ?? [])
      for (let i = 0; i < all.length; i += CHUNK)
        await db
          .deleteFrom(table)
          .where(key, "in", all.slice(i, i + CHUNK))
          .execute();
  }
  const rows = new Map<string, Array<Record<string, unknown>>>();
  for (const line of lines)
    for (const { table, values } of rowsOf(line)) (rows.get(table) ?? rows.set(table, []).get(table)!).push(values);
  for (const [table, values] of rows)
    for (let i = 0; i < values.length; i += CHUNK)
      await db
        .insertInto(table)
        .values(values.slice(i, i + CHUNK))
        .execute();
}

/** Removes a chan_sccp device and its buttons (idempotent). */
export async function removeSccpDevice(db: AnyDb, name: string): Promise<void> {
  await db.deleteFrom("buttonconfig").where("device", "=", name).execute();
  await db.deleteFrom("sccpdevice").where("name", "=", name).execute();
}

/**
 * Replaces a chan_sccp device: `sccpdevice` (devicetype in `type`; several add-ons joined with `;`, which
 * Asterisk's realtime drivers split into repeated `addon` values) and one `buttonconfig` line row per key.
 */
export async function writeSccpDevice(db: AnyDb, device: SccpDevice): Promise<void> {
  await removeSccpDevice(db, device.name);
  await db
    .insertInto("sccpdevice")
    .values({
      name: device.name,
      type: clip(device.deviceType, 45),
      addon: clip(device.addons.join(";"), 45),
      description: clip(safeName(device.description, 45), 45),
    })
    .execute();
  if (device.lines.length === 0) return;
  await db
    .insertInto("buttonconfig")
    .values(
      device.lines.map((number, i) => ({
        device: device.name,
        instance: i + 1,
        type: "line",
        name: number,
        options: "default",
      })),
    )
    .execute();
}

/** The devices whose buttons name one of these lines, each with those lines (to re-point them after a rename or delete). */
export async function sccpDevicesWithLines(db: AnyDb, numbers: readonly string[]): Promise<Map<string, string[]>> {
  const devices = new Map<string, string[]>();
  const unique = [...new Set(numbers)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db
      .selectFrom("buttonconfig")
      .select(["device", "name"])
      .where("type", "=", "line")
      .where("name", "in", unique.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) {
      const lines = devices.get(String(r.device)) ?? devices.set(String(r.device), []).get(String(r.device))!;
      lines.push(String(r.name));
    }
  }
  return devices;
}

export interface RealtimeContact {
  /** ps_contacts.id (chan_sip's sippeers rows have none). */
  id?: string;
  endpoint: string;
  uri: string;
  userAgent: string | null;
  viaAddr: string | null;
  /** Call-ID of the REGISTER (ps_contacts.call_id; chan_sip's sippeers has none). */
  callId: string | null;
  expiresAt: string | null;
}

/** Registered PJSIP contacts, as Asterisk itself records them in realtime (ps_contacts). */
export async function realtimeContacts(db: AnyDb): Promise<RealtimeContact[]> {
  const rows = await db
    .selectFrom("ps_contacts")
    .select(["id", "endpoint", "uri", "user_agent", "via_addr", "call_id", "expiration_time"])
    .where("endpoint", "is not", null)
    .execute();
  const now = Math.floor(Date.now() / 1000);
  return rows
    .filter((r) => !r.expiration_time || Number(r.expiration_time) > now)
    .map((r) => ({
      id: String(r.id),
      endpoint: String(r.endpoint),
      uri: String(r.uri ?? ""),
      userAgent: r.user_agent ? String(r.user_agent) : null,
      viaAddr: r.via_addr ? String(r.via_addr) : null,
      callId: r.call_id ? String(r.call_id) : null,
      expiresAt: r.expiration_time ? new Date(Number(r.expiration_time) * 1000).toISOString() : null,
    }));
}

/** Forgets one registered PJSIP contact (Asterisk reads ps_contacts on every lookup). */
export async function removeRealtimeContact(db: AnyDb, id: string): Promise<void> {
  await db.deleteFrom("ps_contacts").where("id", "=", id).execute();
}

/** chan_sip peers registered through realtime (sippeers.ipaddr + regseconds, written by chan_sip itself). */
export async function realtimeSipRegistrations(db: AnyDb): Promise<RealtimeContact[]> {
  const now = Math.floor(Date.now() / 1000);
  const rows = await db
    .selectFrom("sippeers")
    .select(["name", "ipaddr", "port", "regseconds", "useragent", "fullcontact"])
    .where("regseconds", ">", now)
    .execute();
  return rows
    .filter((r) => r.ipaddr)
    .map((r) => ({
      endpoint: String(r.name),
      uri: String(r.fullcontact ?? `sip:${r.name}@${r.ipaddr}:${r.port ?? 5060}`),
      userAgent: r.useragent ? String(r.useragent) : null,
      viaAddr: String(r.ipaddr),
      callId: null,
      expiresAt: new Date(Number(r.regseconds) * 1000).toISOString(),
    }));
}
