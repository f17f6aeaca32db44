import {
  canonicalBrandModel,
  findBrandModel,
  findPhoneModel,
  kemCatalogue,
  resolveKemModel,
  type KemModel,
  type ListResponse,
  type Phone,
  type PhoneLine,
  type PhoneModel,
  type SoftwareType,
} from "@cisisk/contract";
import { NotFound, ValidationFailed } from "../../errors.js";
import { createBatchLoader } from "../../lib/batch-loader.js";
import { newId } from "../../lib/ids.js";
import { iso, type Clock } from "../../lib/time.js";
import type { SecretBox } from "../../lib/secret-box.js";
import {
  PROVISIONING_BATCH,
  type PhoneListQuery,
  type PhoneRecord,
  type PhonesRepository,
  type PhoneWrite,
  type ProvisioningRow,
} from "./phones.repository.js";

export interface CreatePhone {
  mac: string;
  brand: string;
  model: string;
  softwareType: SoftwareType | null;
  ip: string | null;
  location: string | null;
  label: string | null;
  userId: string | null;
  lines?: PhoneLine[] | undefined;
  /** This phone's firmware load; null = its model's. */
  firmwareLoad?: string | null | undefined;
  enabled?: boolean | undefined;
  sipUsername?: string | null | undefined;
  /** In clear; sealed before it is stored, never returned. */
  sipPassword?: string | null | undefined;
  sipServer?: string | null | undefined;
  transport?: "udp" | "tcp" | "tls" | null | undefined;
  extraKeys?: Record<string, string> | undefined;
  /** Cisco only: KEMs by any name `PUT /phones/:id/kems` takes, in position order. */
  kems?: Array<{ model: string }> | undefined;
}
export type UpdatePhone = Partial<Omit<CreatePhone, "kems">>;

/**
 * A phone as /provision renders it. `sipPasswordSealed` versions the password (a new seal on every change);
 * `sipPassword()` opens it, only when a file is rendered (never logged, never in API answers).
 */
export type ProvisioningPhone = ProvisioningRow & { sipPassword(): string | null };

/** A non-Cisco model of the brand's catalogue (Yealink, Fanvil, Grandstream, Snom, Polycom): its canonical name. */
function brandModelOf(brand: string, model: string): string {
  const m = findBrandModel(brand, model);
  if (!m)
    throw new ValidationFailed(`unknown ${brand} model ${model}`, [
      { path: "body.model", message: `not a ${brand} model Cisisk knows` },
    ]);
  return m.model;
}

function modelOf(model: string): PhoneModel {
  const m = findPhoneModel(canonicalBrandModel("cisco", model));
  if (!m)
    throw new ValidationFailed(`unknown phone model ${model}`, [{ path: "body.model", message: "unknown model" }]);
  return m;
}

function checkSoftware(model: PhoneModel, softwareType: SoftwareType | null): void {
  if (softwareType && !model.protocols.includes(softwareType)) {
    throw new ValidationFailed(
      `a ${model.model} cannot run ${softwareType} firmware (it runs ${model.protocols.join("/")})`,
      [{ path: "body.softwareType", message: `${model.model} runs ${model.protocols.join(" or ")}` }],
    );
  }
}

/** Checks a KEM list against the phone model; returns Cisco's identifiers in position order. */
export function resolveKems(model: PhoneModel, names: string[]): KemModel[] {
  if (names.length === 0) return [];
  if (model.maxKems === 0) {
    throw new ValidationFailed(`a ${model.model} has no KEM port`, [{ path: "body.kems", message: "no KEM port" }]);
  }
  if (names.length > model.maxKems) {
    throw new ValidationFailed(`a ${model.model} takes at most ${model.maxKems} modules`, [
      { path: "body.kems", message: `at most ${model.maxKems}` },
    ]);
  }
  const resolved = names.map((name, i) => {
    const kem = resolveKemModel(name, model);
    if (!kem || !model.kems.includes(kem)) {
      throw new ValidationFailed(`${name} does not fit a ${model.model} (it takes ${model.kems.join(", ")})`, [
        { path: `body.kems.${i}.model`, message: `does not fit a ${model.model}` },
      ]);
    }
    return kem;
  });
  // "All modules on one 8800 must be the same type" (usecallmanager); 79xx phones mix only 7915/7916 pages badly too.
  if (new Set(resolved).size > 1) {
    throw new ValidationFailed(`all modules on one ${model.model} must be the same type (got ${resolved.join(", ")})`, [
      { path: "body.kems", message: "mixed module types" },
    ]);
  }
  return resolved;
}

/** Line keys of the phone plus every module's keys: the highest usable button (Yealink/Fanvil: accounts). */
export function buttonCapacity(phone: Pick<Phone, "model" | "kems"> & { brand?: string }): number {
  if (phone.brand && phone.brand !== "cisco") return findBrandModel(phone.brand, phone.model)?.accounts ?? 1;
  const model = findPhoneModel(phone.model);
  const kemButtons = phone.kems.reduce((n, k) => n + (kemCatalogue[k.model as KemModel]?.buttons ?? 0), 0);
  return (model?.lineKeys ?? 1) + kemButtons;
}

/** What phones need from other modules, each implemented by that module's service. */
export interface PhonesServiceDeps {
  repo: PhonesRepository;
  clock: Clock;
  /** Seals explicit SIP passwords (provisioning). */
  secretBox: SecretBox;
  users: { exists(id: string): Promise<boolean>; idByUsername(username: string): Promise<string | undefined> };
  extensions: { existingIds(ids: string[]): Promise<Set<string>> };
  /** Called only when phones are read, so the profiles service may be built after this one. */
  profileNames(ids: string[]): Promise<Map<string, string>>;
  /**
   * A SCCP phone's chan_sccp device must be (re)written or removed: the Asterisk outbox takes it
   * (`asteriskSync.recordDevice`). Called after the phone's own row changed.
   */
  sccpDeviceChanged(phoneId: string, deviceName: string): Promise<void>;
}

export function createPhonesService(deps: PhonesServiceDeps) {
  const { repo, clock } = deps;
  // A provisioning storm's concurrent requests read their phones together, one query per loop turn.
  const provisioningRead = createBatchLoader((macs: string[]) => repo.findManyForProvisioning(macs), {
    maxBatch: PROVISIONING_BATCH,
    maxInFlight: 2,
  });

  /** The devices a change touched: the phone's before and after (a new MAC or firmware drops the old one). */
  async function syncDevices(id: string, ...versions: Array<Pick<Phone, "mac" | "softwareType"> | undefined>) {
    const names = new Set(versions.filter((p) => p?.softwareType === "SCCP").map((p) => `SEP${p!.mac}`));
    for (const name of names) await deps.sccpDeviceChanged(id, name);
  }

  async function named(records: PhoneRecord[]): Promise<Phone[]> {
    const ids = records.flatMap((r) => (r.currentProfileId ? [r.currentProfileId] : []));
    const names = ids.length > 0 ? await deps.profileNames(ids) : new Map<string, string>();
    return records.map((r) => ({
      ...r,
      currentProfileName: (r.currentProfileId && names.get(r.currentProfileId)) ?? null,
    }));
  }

  async function findOne(record: PhoneRecord | undefined): Promise<Phone | undefined> {
    return record && (await named([record]))[0];
  }

  async function getOrThrow(id: string): Promise<Phone> {
    const phone = await findOne(await repo.findById(id));
    if (!phone) throw new NotFound("phone", { id });
    return phone;
  }

  /** Seals the explicit password; `undefined` keeps the stored one. */
  function sealed(password: string | null | undefined): string | null | undefined {
    if (password === undefined) return undefined;
    return password ? deps.secretBox.seal(password) : null;
  }

  /** A new phone's row: the optional fields' defaults and the password sealed (one place for create and import). */
  function writeOf(input: CreatePhone): Required<PhoneWrite> {
    const { sipPassword, lines: _lines, kems: _kems, ...rest } = input;
    return {
      ...rest,
      firmwareLoad: input.firmwareLoad ?? null,
      enabled: input.enabled ?? true,
      sipUsername: input.sipUsername ?? null,
      sipPasswordSealed: sealed(sipPassword) ?? null,
      sipServer: input.sipServer ?? null,
      transport: input.transport ?? null,
      extraKeys: input.extraKeys ?? {},
    };
  }

  async function checkRefs(userId: string | null | undefined, lines: PhoneLine[] | undefined, capacity: number) {
    if (userId && !(await deps.users.exists(userId)))
      throw new ValidationFailed("user does not exist", [{ path: "body.userId", message: "no such user" }]);
    if (!lines) return;
    const buttons = new Set<number>();
    for (const [i, l] of lines.entries()) {
      if (buttons.has(l.button))
        throw new ValidationFailed(`button ${l.button} is used twice`, [
          { path: `body.lines.${i}.button`, message: "duplicate" },
        ]);
      if (l.button > capacity)
        throw new ValidationFailed(`button ${l.button} is beyond the phone's ${capacity} keys`, [
          { path: `body.lines.${i}.button`, message: `at most ${capacity}` },
        ]);
      buttons.add(l.button);
    }
    const known = await deps.extensions.existingIds([...new Set(lines.map((l) => l.extensionId))]);
    const missing = lines.findIndex((l) => !known.has(l.extensionId));
    if (missing >= 0)
      throw new ValidationFailed("extension does not exist", [
        { path: `body.lines.${missing}.extensionId`, message: "no such extension" },
      ]);
  }

  return {
    async list(q: PhoneListQuery): Promise<ListResponse<Phone>> {
      const { rows, total, page, nextCursor } = await repo.list(q);
      return { data: await named(rows), total, page, pageSize: q.pageSize, nextCursor };
    },

    get: getOrThrow,
    findManyByIds: async (ids: string[]) => named(await repo.findManyByIds(ids)),
    /** `mac` already normalised (12 uppercase hex). */
    findByMac: async (mac: string) => findOne(await repo.findByMac(mac)),
    existingIds: repo.existingIds,

    async create(input: CreatePhone): Promise<Phone> {
      let modelName: string;
      let kems: KemModel[] = [];
      if (input.brand === "cisco") {
        const model = modelOf(input.model);
        checkSoftware(model, input.softwareType);
        if (input.kems?.length)
          kems = resolveKems(
            model,
            input.kems.map((k) => k.model),
          );
        const kemButtons = kems.reduce((n, k) => n + kemCatalogue[k].buttons, 0);
        await checkRefs(input.userId, input.lines, model.lineKeys + kemButtons);
        modelName = model.model;
      } else {
        modelName = brandModelOf(input.brand, input.model);
        if (input.softwareType)
          throw new ValidationFailed("only Cisco phones have a software type", [
            { path: "body.softwareType", message: "Cisco only" },
          ]);
        if (input.kems?.length)
          throw new ValidationFailed("only Cisco phones take key expansion modules", [
            { path: "body.kems", message: "Cisco only" },
          ]);
        await checkRefs(input.userId, input.lines, buttonCapacity({ brand: input.brand, model: modelName, kems: [] }));
      }
      const id = newId();
      await repo.insert(id, { ...writeOf(input), model: modelName }, iso(clock()), kems);
      if (input.lines?.length) await repo.replaceLines(id, input.lines);
      const created = await getOrThrow(id);
      await syncDevices(id, created);
      return created;
    },

    async update(id: string, patch: UpdatePhone): Promise<Phone> {
      const phone = await getOrThrow(id);
      const brand = patch.brand ?? phone.brand;
      if (brand !== phone.brand && patch.model === undefined)
        throw new ValidationFailed("a new brand needs its model", [{ path: "body.model", message: "required" }]);
      let modelName: string;
      if (brand === "cisco") {
        const model = modelOf(patch.model ?? phone.model);
        const softwareType = patch.softwareType !== undefined ? patch.softwareType : phone.softwareType;
        checkSoftware(model, softwareType);
        if (patch.model !== undefined && model.model !== phone.model)
          resolveKems(
            model,
            phone.kems.map((k) => k.model),
          );
        modelName = model.model;
      } else {
        modelName = brandModelOf(brand, patch.model ?? phone.model);
        if (patch.softwareType || (patch.softwareType === undefined && phone.softwareType))
          throw new ValidationFailed("only Cisco phones have a software type", [
            { path: "body.softwareType", message: "Cisco only (send null)" },
          ]);
        if (phone.kems.length > 0)
          throw new ValidationFailed("only Cisco phones take these key expansion modules", [
            { path: "body.brand", message: "remove the modules first" },
          ]);
      }
      await checkRefs(patch.userId, patch.lines, buttonCapacity({ brand, model: modelName, kems: phone.kems }));
      const { lines, sipPassword, ...fields } = patch;
      await repo.update(
        id,
        {
          ...fields,
          ...(patch.model !== undefined && { model: modelName }),
          ...(sipPassword !== undefined && { sipPasswordSealed: sealed(sipPassword) }),
        },
        iso(clock()),
      );
      if (lines) await repo.replaceLines(id, lines);
      const updated = await getOrThrow(id);
      await syncDevices(id, phone, updated);
      return updated;
    },

    async delete(id: string): Promise<void> {
      const phone = await getOrThrow(id);
      await repo.delete(id);
      await syncDevices(id, phone);
    },

    async putKems(id: string, kems: { model: string }[]): Promise<Phone> {
      const phone = await getOrThrow(id);
      const resolved = resolveKems(
        modelOf(phone.model),
        kems.map((k) => k.model),
      );
      await repo.replaceKems(id, resolved, iso(clock()));
      const updated = await getOrThrow(id);
      await syncDevices(id, updated);
      return updated;
    },

    /** Only the deploy pipeline calls this, after every step succeeded (or a rollback restored a file). */
    async setCurrentProfile(id: string, profileId: string | null): Promise<void> {
      await repo.setCurrentProfile(id, profileId, iso(clock()));
    },

    /** A bulk deploy records the phones it deployed in groups: one statement for the group. */
    async setCurrentProfileMany(ids: string[], profileId: string): Promise<void> {
      if (ids.length > 0) await repo.setCurrentProfileMany(ids, profileId, iso(clock()));
    },

    /** /provision's one read: the phone by its MAC (12 uppercase hex) with account 1's password opened. */
    async forProvisioning(mac: string): Promise<ProvisioningPhone | undefined> {
      const row = await provisioningRead(mac);
      if (!row) return undefined;
      const sealed = row.sipPasswordSealed;
      return { ...row, sipPassword: () => (sealed ? deps.secretBox.open(sealed) : null) };
    },

    /** Phones fetched their files (time, address, User-Agent); their content version (updated_at) stays. */
    async recordProvisioned(
      hits: ReadonlyArray<{ id: string; at: string; ip: string; userAgent: string | null }>,
    ): Promise<void> {
      await repo.recordProvisioned(
        hits.map((h) => ({ ...h, userAgent: h.userAgent ? h.userAgent.slice(0, 255) : null })),
      );
    },

    clearProfile: repo.clearProfile,
    count: repo.count,

    // CSV import (phones-import.ts checks every row first).
    existingMacs: repo.existingMacs,
    userIdByUsername: (username: string) => deps.users.idByUsername(username),
    /** All or nothing, in one transaction; then each SCCP phone's chan_sccp device goes to the outbox. */
    async importRows(rows: Array<{ input: CreatePhone; kems: KemModel[] }>): Promise<{ created: number }> {
      const now = iso(clock());
      const withIds = rows.map(({ input, kems }) => ({ id: newId(), write: writeOf(input), kems }));
      await repo.insertMany(withIds, now);
      for (const r of withIds) await syncDevices(r.id, r.write);
      return { created: withIds.length };
    },
  };
}
export type PhonesService = ReturnType<typeof createPhonesService>;
