import {
  findPhoneModel,
  phoneCatalogue,
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
import { builtinTemplateFor } from "./builtin-templates.js";
import {
  checkRenderedFile,
  elementLineFinder,
  renderTemplate,
  unknownPlaceholders,
  type TemplateProblem,
} from "./cnf-template.js";
import type { LineSource, RenderLine } from "./line-source.js";
import type { ProfilesRepository, ProfileWrite } from "./profiles.repository.js";
import { buildContext, deviceName, type ServerFacts } from "./render-context.js";
import { fillEmptyLoad, renderWarnings } from "./render-report.js";

export interface CreateProfile {
  name: string;
  description: string | null;
  userId: string | null;
  cnfXml?: string | undefined;
  compatibleModels: string[];
  softwareType: SoftwareType | null;
}

const protocolOf = (t: SoftwareType | null): "SCCP" | "SIP" | null =>
  t === null ? null : t === "SCCP" ? "SCCP" : "SIP";

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
  clock: Clock;
}) {
  const { repo, clock } = deps;

  async function getOrThrow(id: string): Promise<Profile> {
    const profile = await repo.findById(id);
    if (!profile) throw new NotFound("profile", { id });
    return profile;
  }

  /**
   * Save-time check: placeholders known, then the template rendered for a sample phone of the profile's
   * kind (values with `&` and `<` to prove escaping) must be a well-formed SEP file within Cisco limits.
   * Blocks render on one line so reported lines are the template's.
   */
  function validateTemplate(cnfXml: string, softwareType: SoftwareType | null, compatibleModels: string[]): void {
    const unknown = unknownPlaceholders(cnfXml);
    if (unknown.length) throw templateError(unknown);
    const protocol = protocolOf(softwareType);
    const sampleModel =
      compatibleModels
        .map((m) => findPhoneModel(m))
        .find((m) => m && (!softwareType || m.protocols.includes(softwareType))) ??
      phoneCatalogue.find((m) => !softwareType || m.protocols.includes(softwareType))!;
    const sampleType: SoftwareType = softwareType ?? (/<deviceProtocol>\s*SCCP/.test(cnfXml) ? "SCCP" : "SIP");
    const ctx = buildContext(
      {
        mac: "0011223344AA",
        model: sampleModel.model,
        ip: "192.0.2.10",
        label: "Desk",
        location: "R&D <lab>",
        softwareType: sampleType,
        kems: [],
      },
      [{ button: 1, number: "1001", displayName: "Sample & <User>", authName: "1001", password: "sample&secret" }],
      deps.server,
      { maskSecrets: false, versionStamp: "0" },
    );
    const rendered = renderTemplate(cnfXml, ctx, { compact: true });
    const problems = checkRenderedFile(rendered, { protocol }, elementLineFinder(cnfXml));
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

  async function render(profile: Profile, phone: Phone, maskSecrets: boolean) {
    const [lines, load] = await Promise.all([
      deps.lines.linesFor(phone.lines, ownerOf(profile, phone), buttonCapacity(phone)),
      deps.firmware.resolve(phone),
    ]);
    const ctx = buildContext(phone, lines, deps.server, {
      maskSecrets,
      versionStamp: String(clock().getTime()),
      loadInformation: load.load,
    });
    return { xml: fillEmptyLoad(renderTemplate(profile.cnfXml, ctx), load.load), lines, load };
  }

  return {
    async list(q: ListQuery): Promise<ListResponse<Profile>> {
      const { rows, total } = await repo.list(q);
      return { data: rows, total, page: q.page, pageSize: q.pageSize };
    },
    get: getOrThrow,

    async create(input: CreateProfile): Promise<Profile> {
      const cnfXml = input.cnfXml ?? builtinTemplateFor(input.softwareType);
      validateTemplate(cnfXml, input.softwareType, input.compatibleModels);
      await checkUser(input.userId);
      const id = newId();
      await repo.insert(id, { ...input, cnfXml }, iso(clock()));
      return getOrThrow(id);
    },

    async update(id: string, patch: ProfileWrite): Promise<Profile> {
      const profile = await getOrThrow(id);
      const next = { ...profile, ...patch };
      if (patch.cnfXml !== undefined || patch.softwareType !== undefined || patch.compatibleModels !== undefined)
        validateTemplate(next.cnfXml, next.softwareType, next.compatibleModels);
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
      const { xml, lines, load } = await render(profile, phone, true);
      const sip = phone.softwareType !== "SCCP";
      const owner = ownerOf(profile, phone);
      return {
        fileName: `${deviceName(phone.mac)}.cnf.xml`,
        loadInformation: {
          ...load,
          description:
            load.source === "phone" ? "load from phone" : load.source === "model" ? `from model ${load.model}` : "none",
        },
        linesFrom:
          phone.lines.length > 0 ? "phone" : !owner ? "none" : profile.userId ? "profile_owner" : "phone_owner",
        // SIP: Cisco firmware registers line 1 only (stock Asterisk); SCCP lines come from chan_sccp.
        lines: lines.map((l, i) => ({ button: l.button, number: l.number, registers: !sip || i === 0 })),
        warnings: renderWarnings(xml, phone, lines, deps.server.transport),
      };
    },

    /** For the deploy pipeline: the file with secrets, after the compatibility and well-formedness checks. */
    async renderForDeploy(
      profile: Profile,
      phone: Phone,
    ): Promise<{ xml: string; lines: RenderLine[]; load: ResolvedLoad }> {
      const reason = incompatibility(profile, phone);
      if (reason) throw new Conflict(reason, { profileId: profile.id, phoneId: phone.id });
      const rendered = await render(profile, phone, false);
      const xml = rendered.xml;
      const problems = checkRenderedFile(xml, { protocol: protocolOf(phone.softwareType) });
      if (problems.length)
        throw new ValidationFailed(
          `the rendered file for ${phone.mac} is not acceptable: ${problems[0]!.message}`,
          problems,
        );
      return rendered;
    },

    incompatibility,
    namesOf: repo.namesOf,
    count: repo.count,
  };
}
export type ProfilesService = ReturnType<typeof createProfilesService>;
