import type { ListQuery, Phone, PhoneKem, PhoneLine, SoftwareType } from "@cisisk/contract";
import { kemCatalogue, type KemModel } from "@cisisk/contract";
import type { CompiledQuery, Kysely, Selectable } from "kysely";
import type { Database, PhonesTable } from "../../db/schema.js";
import { inTransaction } from "../../db/transaction.js";
import { isUniqueViolation } from "../../db/unique-violation.js";
import { Conflict } from "../../errors.js";
import { applyPage, countOnce, finishPage, planPage } from "../../db/keyset.js";
import { countedRows } from "../../db/row-counts.js";
import { parseSort, startsWithIgnoringCase } from "../../lib/list-query.js";

const sortColumns = {
  mac: "phones.mac",
  model: "phones.model",
  softwareType: "phones.software_type",
  ip: "phones.ip",
  label: "phones.label",
  brand: "phones.brand",
  createdAt: "phones.created_at",
} as const;

export interface PhoneWrite {
  mac?: string;
  brand?: string;
  model?: string;
  softwareType?: SoftwareType | null;
  ip?: string | null;
  location?: string | null;
  label?: string | null;
  userId?: string | null;
  firmwareLoad?: string | null;
  enabled?: boolean;
  sipUsername?: string | null;
  /** Already sealed (secret box). */
  sipPasswordSealed?: string | null;
  sipServer?: string | null;
  transport?: string | null;
  extraKeys?: Record<string, string>;
}

/** A new phone's row. */
function phoneRow(id: string, w: Required<PhoneWrite>, now: string) {
  return {
    id,
    mac: w.mac,
    brand: w.brand,
    model: w.model,
    software_type: w.softwareType,
    ip: w.ip,
    location: w.location,
    label: w.label,
    user_id: w.userId,
    firmware_load: w.firmwareLoad,
    enabled: w.enabled ? 1 : 0,
    sip_username: w.sipUsername,
    sip_password_sealed: w.sipPasswordSealed,
    sip_server: w.sipServer,
    sip_transport: w.transport,
    extra_keys: Object.keys(w.extraKeys).length ? JSON.stringify(w.extraKeys) : null,
    current_profile_id: null,
    created_at: now,
    updated_at: now,
  };
}

/** The most MACs one provisioning read asks for (bounded: one compiled query per size). */
export const PROVISIONING_BATCH = 100;

/** What /provision needs of a phone, read with one indexed query (the hot path of a provisioning storm). */
export interface ProvisioningRow {
  id: string;
  mac: string;
  brand: string;
  model: string;
  softwareType: SoftwareType | null;
  label: string | null;
  enabled: boolean;
  sipUsername: string | null;
  sipPasswordSealed: string | null;
  sipServer: string | null;
  transport: string | null;
  extraKeys: Record<string, string>;
  currentProfileId: string | null;
  provisionedAt: string | null;
  provisionedIp: string | null;
  provisionedUserAgent: string | null;
  updatedAt: string;
  lines: PhoneLine[];
}

type ProvisioningSelectRow = Pick<
  Selectable<PhonesTable>,
  | "id"
  | "mac"
  | "brand"
  | "model"
  | "software_type"
  | "label"
  | "enabled"
  | "sip_username"
  | "sip_password_sealed"
  | "sip_server"
  | "sip_transport"
  | "extra_keys"
  | "current_profile_id"
  | "provisioned_at"
  | "provisioned_ip"
  | "provisioned_user_agent"
  | "updated_at"
> & { button: number | null; extension_id: string | null };

const parseKeys = (json: string | null): Record<string, string> => {
  if (!json) return {};
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === "object" ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
};

export type PhoneListQuery = ListQuery & {
  model?: string | undefined;
  softwareType?: string | undefined;
  profileId?: string | undefined;
  brand?: string | undefined;
};

/** A phone as stored; the service adds the name of its current profile (the profiles module's data). */
export type PhoneRecord = Omit<Phone, "currentProfileName">;

export function createPhonesRepository(db: Kysely<Pick<Database, "phones" | "phone_kems" | "phone_lines">>) {
  function macConflict(error: unknown): never {
    if (isUniqueViolation(error)) throw new Conflict("a phone with this MAC already exists", { field: "mac" });
    throw error;
  }

  async function attach(rows: Selectable<PhonesTable>[]): Promise<PhoneRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [kems, lines] = await Promise.all([
      db.selectFrom("phone_kems").selectAll().where("phone_id", "in", ids).orderBy("position").execute(),
      db.selectFrom("phone_lines").selectAll().where("phone_id", "in", ids).orderBy("button").execute(),
    ]);
    return rows.map((r) => ({
      id: r.id,
      mac: r.mac,
      brand: r.brand,
      model: r.model,
      softwareType: (r.software_type as SoftwareType | null) ?? null,
      ip: r.ip,
      location: r.location,
      label: r.label,
      userId: r.user_id,
      currentProfileId: r.current_profile_id,
      firmwareLoad: r.firmware_load ?? null,
      enabled: Number(r.enabled) !== 0,
      sipUsername: r.sip_username ?? null,
      hasSipPassword: !!r.sip_password_sealed,
      sipServer: r.sip_server ?? null,
      transport: (r.sip_transport as Phone["transport"]) ?? null,
      extraKeys: parseKeys(r.extra_keys ?? null),
      provisionedAt: r.provisioned_at ?? null,
      provisionedIp: r.provisioned_ip ?? null,
      provisionedUserAgent: r.provisioned_user_agent ?? null,
      kems: kems
        .filter((k) => k.phone_id === r.id)
        .map((k): PhoneKem => ({
          position: Number(k.position),
          model: k.model,
          buttons: kemCatalogue[k.model as KemModel]?.buttons ?? 0,
        })),
      lines: lines
        .filter((l) => l.phone_id === r.id)
        .map((l): PhoneLine => ({ button: Number(l.button), extensionId: l.extension_id })),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  const base = () => db.selectFrom("phones").selectAll("phones");
  const provisioningSelect = () =>
    db
      .selectFrom("phones")
      .leftJoin("phone_lines", "phone_lines.phone_id", "phones.id")
      .select([
        "phones.id",
        "phones.mac",
        "phones.brand",
        "phones.model",
        "phones.software_type",
        "phones.label",
        "phones.enabled",
        "phones.sip_username",
        "phones.sip_password_sealed",
        "phones.sip_server",
        "phones.sip_transport",
        "phones.extra_keys",
        "phones.current_profile_id",
        "phones.provisioned_at",
        "phones.provisioned_ip",
        "phones.provisioned_user_agent",
        "phones.updated_at",
        "phone_lines.button",
        "phone_lines.extension_id",
      ]);
  // By the number of MACs: batches have few distinct sizes (at most PROVISIONING_BATCH).
  const provisioningManyQueries = new Map<number, CompiledQuery<ProvisioningSelectRow>>();
  let recordQuery: CompiledQuery | undefined;

  function rowsToProvisioning(rows: ProvisioningSelectRow[]): ProvisioningRow | undefined {
    const r = rows[0];
    if (!r) return undefined;
    return {
      id: r.id,
      mac: r.mac,
      brand: r.brand,
      model: r.model,
      softwareType: (r.software_type as SoftwareType | null) ?? null,
      label: r.label,
      enabled: Number(r.enabled) !== 0,
      sipUsername: r.sip_username,
      sipPasswordSealed: r.sip_password_sealed,
      sipServer: r.sip_server,
      transport: r.sip_transport,
      extraKeys: parseKeys(r.extra_keys),
      currentProfileId: r.current_profile_id,
      provisionedAt: r.provisioned_at,
      provisionedIp: r.provisioned_ip,
      provisionedUserAgent: r.provisioned_user_agent,
      updatedAt: r.updated_at,
      lines: rows
        .filter((l) => l.button !== null && l.extension_id !== null)
        .map((l) => ({ button: Number(l.button), extensionId: l.extension_id! }))
        .sort((a, b) => a.button - b.button),
    };
  }

  /** Many phones (with their KEMs) in one transaction, 200 rows a statement: all or nothing. */
  async function insertMany(rows: Array<{ id: string; write: Required<PhoneWrite>; kems: string[] }>, now: string) {
    try {
      await inTransaction(db, async (trx) => {
        for (let i = 0; i < rows.length; i += 200) {
          const chunk = rows.slice(i, i + 200);
          await trx
            .insertInto("phones")
            .values(chunk.map(({ id, write }) => phoneRow(id, write, now)))
            .execute();
          const kems = chunk.flatMap(({ id, kems: models }) =>
            models.map((model, k) => ({ phone_id: id, position: k + 1, model })),
          );
          if (kems.length > 0) await trx.insertInto("phone_kems").values(kems).execute();
        }
      });
    } catch (error) {
      macConflict(error);
    }
  }

  return {
    async list(
      q: PhoneListQuery,
    ): Promise<{ rows: PhoneRecord[]; total: number; page: number; nextCursor: string | null }> {
      let where = db.selectFrom("phones");
      if (q.q) {
        // Prefix search (indexed on every engine); a MAC in any spelling finds the phone.
        const text = q.q;
        const mac = text.replace(/[:.\-\s]/g, "");
        where = where.where((eb) =>
          eb.or(
            [
              ["phones.mac", mac],
              ["phones.ip", text],
              ["phones.label", text],
              ["phones.location", text],
            ]
              .filter(([, prefix]) => prefix)
              .map(([column, prefix]) => startsWithIgnoringCase(db, column!, prefix!)),
          ),
        );
      }
      if (q.model) where = where.where("phones.model", "=", q.model.toUpperCase());
      if (q.softwareType) where = where.where("phones.software_type", "=", q.softwareType);
      if (q.profileId) where = where.where("phones.current_profile_id", "=", q.profileId);
      if (q.brand) where = where.where("phones.brand", "=", q.brand);
      const { column, direction } = parseSort(q.sort, sortColumns, "mac");
      const keys = [{ ref: column, nullable: /software_type|ip|label/.test(column) }];
      const plan = planPage(db, q, { keys, id: "phones.id", direction, sort: q.sort ?? "mac" });
      const [rows, count] = await Promise.all([
        applyPage(where.selectAll("phones"), plan).execute(),
        countOnce(plan, () => {
          const countStar = () => where.select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
          const filtered = q.q || q.model || q.softwareType || q.profileId || q.brand;
          return filtered ? countStar() : countedRows(db, "phones", countStar);
        }),
      ]);
      const page = finishPage(rows, plan, Number(count.n));
      return { ...page, rows: await attach(page.rows), total: Number(count.n) };
    },

    async findById(id: string): Promise<PhoneRecord | undefined> {
      const r = await base().where("phones.id", "=", id).executeTakeFirst();
      return r && (await attach([r]))[0];
    },

    async findByMac(mac: string): Promise<PhoneRecord | undefined> {
      const r = await base().where("phones.mac", "=", mac).executeTakeFirst();
      return r && (await attach([r]))[0];
    },

    /** What /provision needs of up to PROVISIONING_BATCH phones, in one query (a storm's concurrent requests). */
    async findManyForProvisioning(macs: readonly string[]): Promise<Map<string, ProvisioningRow>> {
      if (macs.length > PROVISIONING_BATCH) throw new Error(`at most ${PROVISIONING_BATCH} MACs at once`);
      let query = provisioningManyQueries.get(macs.length);
      if (!query) {
        query = provisioningSelect()
          .where(
            "phones.mac",
            "in",
            macs.map(() => ""),
          )
          .compile();
        provisioningManyQueries.set(macs.length, query);
      }
      const { rows } = await db.executeQuery<ProvisioningSelectRow>({ ...query, parameters: macs });
      const byMac = new Map<string, ProvisioningSelectRow[]>();
      for (const row of rows) {
        const list = byMac.get(row.mac);
        if (list) list.push(row);
        else byMac.set(row.mac, [row]);
      }
      const out = new Map<string, ProvisioningRow>();
      for (const [mac, list] of byMac) out.set(mac, rowsToProvisioning(list)!);
      return out;
    },

    /**
     * The last fetches of phones' files, many in one transaction (a provisioning storm writes in batches);
     * updated_at stays (it versions the phone's content, not its fetches).
     */
    async recordProvisioned(
      hits: ReadonlyArray<{ id: string; at: string; ip: string; userAgent: string | null }>,
    ): Promise<void> {
      if (hits.length === 0) return;
      // Compiled once (parameters: at, ip, User-Agent, id): a storm's first fetches write thousands of these.
      recordQuery ??= db
        .updateTable("phones")
        .set({ provisioned_at: "", provisioned_ip: "", provisioned_user_agent: "" })
        .where("id", "=", "")
        .compile();
      const query = recordQuery;
      await inTransaction(db, async (trx) => {
        for (const h of hits) await trx.executeQuery({ ...query, parameters: [h.at, h.ip, h.userAgent, h.id] });
      });
    },

    /** Every phone running this firmware (the SCCP ones each get a chan_sccp device). */
    async findBySoftwareType(softwareType: string): Promise<PhoneRecord[]> {
      return attach(await base().where("phones.software_type", "=", softwareType).orderBy("phones.mac").execute());
    },

    async findManyByIds(ids: string[]): Promise<PhoneRecord[]> {
      const out: PhoneRecord[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await base()
          .where("phones.id", "in", ids.slice(i, i + 500))
          .execute();
        out.push(...(await attach(rows)));
      }
      return out;
    },

    /** One phone; with its KEMs (Cisco identifiers, position order) in one transaction when it has any. */
    async insert(id: string, w: Required<PhoneWrite>, now: string, kems: string[] = []): Promise<void> {
      if (kems.length > 0) return insertMany([{ id, write: w, kems }], now);
      try {
        await db
          .insertInto("phones")
          .values(phoneRow(id, w, now))
          .execute();
      } catch (error) {
        macConflict(error);
      }
    },

    async update(id: string, w: PhoneWrite, now: string): Promise<void> {
      try {
        await db
          .updateTable("phones")
          .set({
            ...(w.mac !== undefined && { mac: w.mac }),
            ...(w.model !== undefined && { model: w.model }),
            ...(w.softwareType !== undefined && { software_type: w.softwareType }),
            ...(w.ip !== undefined && { ip: w.ip }),
            ...(w.location !== undefined && { location: w.location }),
            ...(w.label !== undefined && { label: w.label }),
            ...(w.userId !== undefined && { user_id: w.userId }),
            ...(w.firmwareLoad !== undefined && { firmware_load: w.firmwareLoad }),
            ...(w.brand !== undefined && { brand: w.brand }),
            ...(w.enabled !== undefined && { enabled: w.enabled ? 1 : 0 }),
            ...(w.sipUsername !== undefined && { sip_username: w.sipUsername }),
            ...(w.sipPasswordSealed !== undefined && { sip_password_sealed: w.sipPasswordSealed }),
            ...(w.sipServer !== undefined && { sip_server: w.sipServer }),
            ...(w.transport !== undefined && { sip_transport: w.transport }),
            ...(w.extraKeys !== undefined && {
              extra_keys: Object.keys(w.extraKeys).length ? JSON.stringify(w.extraKeys) : null,
            }),
            updated_at: now,
          })
          .where("id", "=", id)
          .execute();
      } catch (error) {
        macConflict(error);
      }
    },

    async delete(id: string): Promise<void> {
      await inTransaction(db, async (trx) => {
        await trx.deleteFrom("phone_kems").where("phone_id", "=", id).execute();
        await trx.deleteFrom("phone_lines").where("phone_id", "=", id).execute();
        await trx.deleteFrom("phones").where("id", "=", id).execute();
      });
    },

    async replaceKems(id: string, models: string[], now: string): Promise<void> {
      await inTransaction(db, async (trx) => {
        await trx.deleteFrom("phone_kems").where("phone_id", "=", id).execute();
        if (models.length > 0)
          await trx
            .insertInto("phone_kems")
            .values(models.map((model, i) => ({ phone_id: id, position: i + 1, model })))
            .execute();
        await trx.updateTable("phones").set({ updated_at: now }).where("id", "=", id).execute();
      });
    },

    async replaceLines(id: string, lines: PhoneLine[]): Promise<void> {
      await inTransaction(db, async (trx) => {
        await trx.deleteFrom("phone_lines").where("phone_id", "=", id).execute();
        if (lines.length > 0)
          await trx
            .insertInto("phone_lines")
            .values(lines.map((l) => ({ phone_id: id, button: l.button, extension_id: l.extensionId })))
            .execute();
      });
    },

    async setCurrentProfile(id: string, profileId: string | null, now: string): Promise<void> {
      await db
        .updateTable("phones")
        .set({ current_profile_id: profileId, updated_at: now })
        .where("id", "=", id)
        .execute();
    },

    async setCurrentProfileMany(ids: string[], profileId: string, now: string): Promise<void> {
      for (let i = 0; i < ids.length; i += 500)
        await db
          .updateTable("phones")
          .set({ current_profile_id: profileId, updated_at: now })
          .where("id", "in", ids.slice(i, i + 500))
          .execute();
    },

    async clearProfile(profileId: string): Promise<void> {
      await db
        .updateTable("phones")
        .set({ current_profile_id: null })
        .where("current_profile_id", "=", profileId)
        .execute();
    },

    async existingIds(ids: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += 500) {
        const rows = await db
          .selectFrom("phones")
          .select("id")
          .where("id", "in", unique.slice(i, i + 500))
          .execute();
        for (const r of rows) found.add(r.id);
      }
      return found;
    },

    async existingMacs(macs: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      const unique = [...new Set(macs)];
      for (let i = 0; i < unique.length; i += 500) {
        const rows = await db
          .selectFrom("phones")
          .select("mac")
          .where("mac", "in", unique.slice(i, i + 500))
          .execute();
        for (const r of rows) found.add(r.mac);
      }
      return found;
    },

    insertMany,

    async count(): Promise<number> {
      const r = await countedRows(db, "phones", () =>
        db
          .selectFrom("phones")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow(),
      );
      return Number(r.n);
    },
  };
}
export type PhonesRepository = ReturnType<typeof createPhonesRepository>;
