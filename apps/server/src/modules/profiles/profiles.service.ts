import {
  findPhoneModel,
  type ListQuery,
  type ListResponse,
  type Phone,
  type Profile,
  type RenderReport,
  type SoftwareType,
} from "@cisisk/contract";
import { Conflict, NotFound, ValidationFailed } from "../../errors.js";
import { newId } from "../../lib/ids.js";
import { iso, type Clock } from "../../lib/time.js";
import type { ResolvedLoad } from "../firmware/firmware.service.js";
import type { PhonesService } from "../phones/phones.service.js";
import { buttonCapacity } from "../phones/phones.service.js";
import type {
  ProfileKind,
  RenderLine,
  ServerFacts,
  TemplateProblem,
  VendorDriver,
  VendorDrivers,
} from "../../vendors/vendor-driver.js";
import type { LineSource } from "./line-source.js";
import type { ProfilesRepository, ProfileWrite } from "./profiles.repository.js";

export interface CreateProfile {
  name: string;
  description: string | null;
  userId: string | null;
  cnfXml?: string | undefined;
  compatibleModels: string[];
  softwareType: SoftwareType | null;
}

function templateError(problems: TemplateProblem[]): ValidationFailed {
  const first = problems[0]!;
  return new ValidationFailed(
    `cnfXml line ${first.line}: ${first.message}`,
    problems.map((p) => ({
      path: "body.cnfXml",
      message: `line ${p.line}: ${p.message}`,
      line: p.line,
      ...(p.column && { column: p.column }),
    })),
  );
}

export function createProfilesService(deps: {
  repo: ProfilesRepository;
  phones: PhonesService;
  lines: LineSource;
  /** The firmware load a phone gets (its own, else its model's). */
  firmware: { resolve(phone: Phone): Promise<ResolvedLoad> };
  users: { exists(id: string): Promise<boolean> };
  server: ServerFacts;
  /** The phone vendors' drivers: file format, templates and checks are theirs. */
  vendors: Pick<VendorDrivers, "all" | "driverFor">;
  clock: Clock;
}) {
  const { repo, clock } = deps;

  async function getOrThrow(id: string): Promise<Profile> {
    const profile = await repo.findById(id);
    if (!profile) throw new NotFound("profile", { id });
    return profile;
  }

  function driverOf(phone: Pick<Phone, "id" | "model">): VendorDriver {
    const driver = deps.vendors.driverFor(phone);
    if (!driver) throw new Conflict(`no phone vendor driver serves the model ${phone.model}`, { phoneId: phone.id });
    return driver;
  }

  /** A profile's vendor is its first compatible model's (any model's driver when it names none). */
  function profileDriver(kind: ProfileKind): VendorDriver {
    const model = kind.compatibleModels[0] ?? "";
    const driver = deps.vendors.driverFor({ model });
    if (!driver)
      throw new ValidationFailed(`no phone vendor driver serves the model ${model}`, [
        { path: "body.compatibleModels", message: "no phone vendor driver serves this model" },
      ]);
    return driver;
  }

  /** Save-time check of the template, by the vendor's driver. */
  function validateTemplate(cnfXml: string, kind: ProfileKind): void {
    const problems = profileDriver(kind).checkTemplate(cnfXml, kind, deps.server);
    if (problems.length) throw templateError(problems);
  }

  async function checkUser(userId: string | null | undefined): Promise<void> {
    if (userId && !(await deps.users.exists(userId)))
      throw new ValidationFailed("user does not exist", [{ path: "body.userId", message: "no such user" }]);
  }

  /** Why the profile cannot go to this phone, or null. */
  function incompatibility(profile: Profile, phone: Phone): string | null {
    if (profile.compatibleModels.length > 0 && !profile.compatibleModels.includes(phone.model))
      return `profile ${profile.name} is for ${profile.compatibleModels.join(", ")}, not a ${phone.model}`;
    if (profile.softwareType && phone.softwareType !== profile.softwareType)
      return `profile ${profile.name} is for ${profile.softwareType} firmware, the phone runs ${phone.softwareType ?? "unknown firmware"}`;
    const model = findPhoneModel(phone.model);
    if (model && profile.softwareType && !model.protocols.includes(profile.softwareType))
      return `a ${phone.model} cannot run ${profile.softwareType}`;
    return null;
  }

  /** A profile's lines are its owner's; a profile without one (a generic profile) takes the phone owner's. */
  const ownerOf = (profile: Profile, phone: Phone) => profile.userId ?? phone.userId;

  /** Where a render reads the lines and the firmware load (a bulk deploy reads each once, see deployRenderer). */
  type RenderSources = Pick<typeof deps, "lines" | "firmware">;

  async function render(profile: Profile, phone: Phone, maskSecrets: boolean, sources: RenderSources = deps) {
    const driver = driverOf(phone);
    const [lines, load] = await Promise.all([
      sources.lines.linesFor(phone.lines, ownerOf(profile, phone), buttonCapacity(phone)),
      sources.firmware.resolve(phone),
    ]);
    const xml = driver.render(profile.cnfXml, phone, {
      lines,
      server: deps.server,
      maskSecrets,
      versionStamp: String(clock().getTime()),
      load: load.load,
    });
    return { xml, lines, load, driver };
  }

  /** The file with secrets for a deploy, after the compatibility and well-formedness checks. */
  async function renderChecked(
    profile: Profile,
    phone: Phone,
    sources: RenderSources,
  ): Promise<{ xml: string; lines: RenderLine[]; load: ResolvedLoad }> {
    const reason = incompatibility(profile, phone);
    if (reason) throw new Conflict(reason, { profileId: profile.id, phoneId: phone.id });
    const { xml, lines, load, driver } = await render(profile, phone, false, sources);
    const problems = driver.checkFile(xml, phone);
    if (problems.length)
      throw new ValidationFailed(
        `the rendered file for ${phone.mac} is not acceptable: ${problems[0]!.message}`,
        problems,
      );
    return { xml, lines, load };
  }

  return {
    async list(q: ListQuery): Promise<ListResponse<Profile>> {
      const { rows, total, page, nextCursor } = await repo.list(q);
      return { data: rows, total, page, pageSize: q.pageSize, nextCursor };
    },
    get: getOrThrow,

    /** Every vendor's starting templates. */
    builtinTemplates: () => deps.vendors.all.flatMap((d) => d.builtinTemplates),

    async create(input: CreateProfile): Promise<Profile> {
      const cnfXml = input.cnfXml ?? profileDriver(input).builtinTemplate(input.softwareType);
      validateTemplate(cnfXml, input);
      await checkUser(input.userId);
      const id = newId();
      await repo.insert(id, { ...input, cnfXml }, iso(clock()));
      return getOrThrow(id);
    },

    async update(id: string, patch: ProfileWrite): Promise<Profile> {
      const profile = await getOrThrow(id);
      const next = { ...profile, ...patch };
      if (patch.cnfXml !== undefined || patch.softwareType !== undefined || patch.compatibleModels !== undefined)
        validateTemplate(next.cnfXml, next);
      await checkUser(patch.userId);
      await repo.update(id, patch, iso(clock()));
      return getOrThrow(id);
    },

    async delete(id: string): Promise<void> {
      await getOrThrow(id);
      await deps.phones.clearProfile(id);
      await repo.delete(id);
    },

    /** The exact file the phone would get; secrets masked unless asked for. */
    async preview(id: string, phoneId: string, showSecrets: boolean): Promise<string> {
      const [profile, phone] = await Promise.all([getOrThrow(id), deps.phones.get(phoneId)]);
      return (await render(profile, phone, !showSecrets)).xml;
    },

    /** What the preview means for the phone: where its load and lines come from, and what will not work. */
    async report(id: string, phoneId: string): Promise<RenderReport> {
      const [profile, phone] = await Promise.all([getOrThrow(id), deps.phones.get(phoneId)]);
      const { xml, lines, load, driver } = await render(profile, phone, true);
      const review = driver.review(xml, phone, lines, deps.server);
      const owner = ownerOf(profile, phone);
      return {
        fileName: driver.configFile(phone),
        loadInformation: {
          ...load,
          description:
            load.source === "phone" ? "load from phone" : load.source === "model" ? `from model ${load.model}` : "none",
        },
        linesFrom:
          phone.lines.length > 0 ? "phone" : !owner ? "none" : profile.userId ? "profile_owner" : "phone_owner",
        lines: review.lines,
        warnings: review.warnings,
      };
    },

    /** For the deploy pipeline: the file with secrets, after the compatibility and well-formedness checks. */
    renderForDeploy: (profile: Profile, phone: Phone) => renderChecked(profile, phone, deps),

    /**
     * renderForDeploy for the phones of one bulk deploy: each owner's lines and each model's firmware load
     * are read once, not once per phone. The batch works from the state at its start, as it does for the
     * profile and the phones (read when it starts); a change made meanwhile goes out with the next deploy.
     */
    deployRenderer(profile: Profile): (phone: Phone) => ReturnType<typeof renderChecked> {
      const lines = new Map<string, Promise<RenderLine[]>>();
      const loads = new Map<string, Promise<ResolvedLoad>>();
      const sources: RenderSources = {
        lines: {
          linesFor: (links, owner, capacity) =>
            once(lines, JSON.stringify([links, owner, capacity]), () => deps.lines.linesFor(links, owner, capacity)),
        },
        firmware: {
          resolve: (phone) =>
            once(loads, JSON.stringify([phone.model, phone.firmwareLoad]), () => deps.firmware.resolve(phone)),
        },
      };
      return (phone) => renderChecked(profile, phone, sources);
    },

    incompatibility,
    namesOf: repo.namesOf,
    count: repo.count,
  };
}

/** The value read for `key`, read once; a failed read is forgotten, so the next caller reads again. */
function once<T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = read();
    cache.set(key, value);
    value.catch(() => cache.delete(key));
  }
  return value;
}
export type ProfilesService = ReturnType<typeof createProfilesService>;
