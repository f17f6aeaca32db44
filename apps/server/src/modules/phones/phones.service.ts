import {
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
import { newId } from "../../lib/ids.js";
import { iso, type Clock } from "../../lib/time.js";
import type { PhoneListQuery, PhoneRecord, PhonesRepository } from "./phones.repository.js";

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
}
export type UpdatePhone = Partial<Omit<CreatePhone, "brand">>;

function modelOf(model: string): PhoneModel {
  const m = findPhoneModel(model);
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

/** Line keys of the phone plus every module's keys: the highest usable button. */
export function buttonCapacity(phone: Pick<Phone, "model" | "kems">): number {
  const model = findPhoneModel(phone.model);
  const kemButtons = phone.kems.reduce((n, k) => n + (kemCatalogue[k.model as KemModel]?.buttons ?? 0), 0);
  return (model?.lineKeys ?? 1) + kemButtons;
}

/** What phones need from other modules, each implemented by that module's service. */
export interface PhonesServiceDeps {
  repo: PhonesRepository;
  clock: Clock;
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
      const model = modelOf(input.model);
      checkSoftware(model, input.softwareType);
      await checkRefs(input.userId, input.lines, model.lineKeys);
      const id = newId();
      await repo.insert(id, { ...input, model: model.model, firmwareLoad: input.firmwareLoad ?? null }, iso(clock()));
      if (input.lines?.length) await repo.replaceLines(id, input.lines);
      const created = await getOrThrow(id);
      await syncDevices(id, created);
      return created;
    },

    async update(id: string, patch: UpdatePhone): Promise<Phone> {
      const phone = await getOrThrow(id);
      const model = modelOf(patch.model ?? phone.model);
      const softwareType = patch.softwareType !== undefined ? patch.softwareType : phone.softwareType;
      checkSoftware(model, softwareType);
      if (patch.model !== undefined && model.model !== phone.model)
        resolveKems(
          model,
          phone.kems.map((k) => k.model),
        );
      await checkRefs(patch.userId, patch.lines, buttonCapacity({ model: model.model, kems: phone.kems }));
      const { lines, ...fields } = patch;
      await repo.update(id, { ...fields, ...(patch.model !== undefined && { model: model.model }) }, iso(clock()));
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

    clearProfile: repo.clearProfile,
    count: repo.count,

    // CSV import (phones-import.ts checks every row first).
    existingMacs: repo.existingMacs,
    userIdByUsername: (username: string) => deps.users.idByUsername(username),
    /** All or nothing, in one transaction; then each SCCP phone's chan_sccp device goes to the outbox. */
    async importRows(rows: Array<{ input: CreatePhone; kems: KemModel[] }>): Promise<{ created: number }> {
      const now = iso(clock());
      const withIds = rows.map((r) => ({
        id: newId(),
        write: { ...r.input, firmwareLoad: r.input.firmwareLoad ?? null },
        kems: r.kems,
      }));
      await repo.insertMany(withIds, now);
      for (const r of withIds) await syncDevices(r.id, r.write);
      return { created: withIds.length };
    },
  };
}
export type PhonesService = ReturnType<typeof createPhonesService>;
