import type {
  CreateService,
  ListResponse,
  ListServicesQuery,
  ScreenFamily,
  PhoneService,
  ServicePreview,
  UpdateServiceInput,
} from "@cisisk/contract";
import { Forbidden, NotFound, ValidationFailed } from "../../errors.js";
import { newId } from "../../lib/ids.js";
import { iso, type Clock } from "../../lib/time.js";
import { CISCO_CONTENT_TYPE, layoutSoftKeys, renderCiscoXml, clip, LIMITS, type CiscoPage } from "./cisco-xml.js";
import { directoryMenu, loginInput, servicesMenu, textPage, type PageContext } from "./phone-pages.js";
import type { ServicesRepository } from "./services.repository.js";

export interface ServicesServiceDeps {
  repo: ServicesRepository;
  clock: Clock;
  /** Assignments must point at real phones (the phones service answers). */
  phones: { existingIds(ids: string[]): Promise<Set<string>> };
}

/** The MAC shown in previews: no real phone, so no real session either. */
export const PREVIEW_MAC = "000000000000";

export function createServicesService(deps: ServicesServiceDeps) {
  const { repo, clock } = deps;

  async function getOrThrow(id: string): Promise<PhoneService> {
    const s = await repo.findById(id);
    if (!s) throw new NotFound("service", { id });
    return s;
  }

  async function assertPhonesExist(phoneIds: string[] | undefined): Promise<void> {
    const ids = phoneIds ?? [];
    const known = ids.length > 0 ? await deps.phones.existingIds(ids) : new Set<string>();
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new ValidationFailed(
        "unknown phone id(s)",
        unknown.map((id) => ({ path: "body.phoneIds", message: `no phone ${id}` })),
      );
  }

  /** What the phone gets when the service is chosen from its Services menu, as a logged-out phone. */
  function firstPage(ctx: PageContext, s: PhoneService): CiscoPage {
    switch (s.kind) {
      case "corporate_directory":
        return directoryMenu(ctx);
      case "personal_directory":
        return loginInput(ctx, "personal");
      case "login":
        return loginInput(ctx, undefined);
      case "logout":
        return textPage("Logout", "Logged out");
      case "custom":
        return s.requiresLogin ? loginInput(ctx, s.id) : servicesMenu(ctx, [s], false);
    }
  }

  return {
    count: () => repo.count(),

    async list(q: ListServicesQuery): Promise<ListResponse<PhoneService>> {
      const { rows, total, page, nextCursor } = await repo.list(q);
      return { data: rows, total, page, pageSize: q.pageSize, nextCursor };
    },

    get: getOrThrow,

    /** Enabled services offered to a phone: assigned to it or its profile, or assigned to nobody. */
    async enabledFor(phone: { id: string; currentProfileId: string | null }): Promise<PhoneService[]> {
      return (await repo.all()).filter(
        (s) =>
          s.enabled &&
          ((s.phoneIds.length === 0 && s.profileIds.length === 0) ||
            s.phoneIds.includes(phone.id) ||
            (phone.currentProfileId !== null && s.profileIds.includes(phone.currentProfileId))),
      );
    },

    async create(input: CreateService): Promise<PhoneService> {
      await assertPhonesExist(input.phoneIds);
      const id = newId();
      await repo.insert(
        id,
        {
          name: input.name,
          url: input.url,
          description: input.description || null,
          enabled: input.enabled,
          requiresLogin: input.requiresLogin,
          phoneIds: input.phoneIds,
          profileIds: input.profileIds,
        },
        iso(clock()),
      );
      return getOrThrow(id);
    },

    async update(id: string, patch: UpdateServiceInput): Promise<PhoneService> {
      const current = await getOrThrow(id);
      if (current.builtIn) throw new Forbidden("built-in services are read-only", { id, kind: current.kind });
      await assertPhonesExist(patch.phoneIds);
      await repo.update(id, { ...patch, ...(patch.description === "" && { description: null }) }, iso(clock()));
      return getOrThrow(id);
    },

    async delete(id: string): Promise<void> {
      const current = await getOrThrow(id);
      if (current.builtIn) throw new Forbidden("built-in services cannot be deleted", { id, kind: current.kind });
      await repo.delete(id);
    },

    /** The first screen of a service on a 79xx or an 88xx: the XML as sent, and its parts for drawing. */
    async preview(id: string, family: ScreenFamily, base: string): Promise<ServicePreview> {
      const service = await getOrThrow(id);
      const page = firstPage({ base, mac: PREVIEW_MAC, family }, service);
      const o = page.object;
      const lines =
        o.type === "CiscoIPPhoneMenu"
          ? o.items.slice(0, LIMITS.menuItems).map((i) => clip(i.name, LIMITS.menuItemName))
          : o.type === "CiscoIPPhoneDirectory"
            ? o.entries
                .slice(0, LIMITS.directoryEntries)
                .map((e) => `${clip(e.name, LIMITS.entryName)}  ${e.telephone}`)
            : o.type === "CiscoIPPhoneInput"
              ? o.items
                  .slice(0, LIMITS.inputItems)
                  .map((i) => `${clip(i.displayName, LIMITS.inputName)}: ${i.flags.includes("P") ? "****" : "____"}`)
              : [];
      return {
        family,
        contentType: CISCO_CONTENT_TYPE,
        xml: renderCiscoXml(o, family),
        object: o.type,
        title: clip(o.title, LIMITS.title),
        prompt: o.prompt === undefined ? null : clip(o.prompt, LIMITS.prompt),
        lines,
        text: o.type === "CiscoIPPhoneText" ? o.text : null,
        softKeys: layoutSoftKeys(o.softKeys ?? [], family).map((k) => ({
          position: k.position,
          name: clip(k.name, LIMITS.softKeyName),
          url: k.url,
        })),
      };
    },
  };
}
export type ServicesService = ReturnType<typeof createServicesService>;
