import type { ScreenFamily } from "@cisisk/contract";
import type { Clock } from "../../lib/time.js";
import { verifyPassword } from "../auth/passwords.js";
import type { DirectoryService } from "../directory/directory.service.js";
import type { PhoneSessionsService } from "../phone-sessions/phone-sessions.service.js";
import type { UsersService } from "../users/users.service.js";
import type { CiscoPage } from "./cisco-xml.js";
import { normaliseMac, phoneFamily, type KnownPhone, type PhoneLookup } from "./phone-lookup.js";
import {
  directoryMenu,
  loginInput,
  PAGE_SIZE,
  pageUrl,
  resultsPage,
  searchInput,
  servicesMenu,
  textPage,
  type PageContext,
} from "./phone-pages.js";
import { throttleKey, type Throttle } from "../../throttle/throttle.js";
import type { ServicesService } from "./services.service.js";

/** Wrong PINs allowed per phone, and per user, within the window before they must wait. */
export const PIN_MAX_FAILURES = 5;
export const PIN_WINDOW_SECONDS = 15 * 60;

export interface PhoneXmlServiceDeps {
  phones: PhoneLookup;
  directory: DirectoryService;
  services: Pick<ServicesService, "enabledFor">;
  users: UsersService;
  sessions: PhoneSessionsService;
  /** Wrong PINs are counted per phone and per user name. */
  throttle: Throttle;
  clock: Clock;
}

/** What every phone request carries: the `mac` of the URL, the model header, how the phone reached us. */
export interface PhoneRequest {
  mac: string | undefined;
  modelHeader: string | undefined;
  base: string;
}

type Handler = (ctx: PageContext, phone: KnownPhone) => Promise<CiscoPage>;

/**
 * The phone-facing use cases. Every answer is a page (never an exception): a phone shows only what it can
 * parse, so unknown phones and bad input become CiscoIPPhoneText pages too.
 */
export function createPhoneXmlService(deps: PhoneXmlServiceDeps) {
  async function withPhone(req: PhoneRequest, handler: Handler): Promise<{ page: CiscoPage; family: ScreenFamily }> {
    const mac = normaliseMac(req.mac);
    const fallbackFamily = phoneFamily(req.modelHeader, undefined);
    if (!mac)
      return { page: textPage("Error", "This phone's service URL has no valid MAC address."), family: fallbackFamily };
    const phone = await deps.phones.findByMac(mac);
    if (!phone) return { page: textPage("Error", `Phone ${mac} is not registered in Cisisk.`), family: fallbackFamily };
    const ctx: PageContext = { base: req.base, mac, family: phoneFamily(req.modelHeader, phone.model) };
    return { page: await handler(ctx, phone), family: ctx.family };
  }

  function page(n: string | undefined): number {
    const v = Number(n);
    return Number.isInteger(v) && v >= 1 && v <= 100_000 ? v : 1;
  }

  /** Search terms as typed on the keypad: trimmed, bounded, digits and `+` only for numbers. */
  function term(v: string | undefined, max = 64): string | undefined {
    const t = v?.trim().slice(0, max);
    return t ? t : undefined;
  }

  async function directoryResults(
    ctx: PageContext,
    s: { ownerUserId: string | null; first?: string; last?: string; number?: string },
    requested: number,
    label: string,
    path: string,
    query: Record<string, string | undefined>,
    searchUrl: string,
  ): Promise<CiscoPage> {
    let p = requested;
    let found = await deps.directory.searchLines(s, (p - 1) * PAGE_SIZE, PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
    if (p > pages && found.total > 0) {
      // A stale Next (entries were deleted meanwhile): show the last page rather than nothing.
      p = pages;
      found = await deps.directory.searchLines(s, (p - 1) * PAGE_SIZE, PAGE_SIZE);
    }
    return resultsPage(ctx, { label, path, query, lines: found.lines, total: found.total, page: p, searchUrl });
  }

  function afterLogin(ctx: PageContext, next: string | undefined): string {
    if (next === "personal") return pageUrl(ctx, "/cisco/personal");
    if (next && /^[0-9a-f-]{36}$/i.test(next)) return pageUrl(ctx, "/cisco/services/open", { id: next });
    return pageUrl(ctx, "/cisco/services");
  }

  return {
    directoryMenu: (req: PhoneRequest) => withPhone(req, async (ctx) => directoryMenu(ctx)),

    directorySearch: (req: PhoneRequest) => withPhone(req, async (ctx) => searchInput(ctx)),

    directoryResults: (req: PhoneRequest, q: { f?: string; l?: string; n?: string; page?: string }) =>
      withPhone(req, async (ctx) => {
        const first = term(q.f);
        const last = term(q.l);
        const number = term(q.n, 40)?.replace(/[^0-9+]/g, "") || undefined;
        return directoryResults(
          ctx,
          { ownerUserId: null, first, last, number },
          page(q.page),
          "Directory",
          "/cisco/directory/results",
          { f: first, l: last, n: number },
          pageUrl(ctx, "/cisco/directory/search"),
        );
      }),

    servicesMenu: (req: PhoneRequest) =>
      withPhone(req, async (ctx, phone) => {
        const [services, session] = await Promise.all([
          deps.services.enabledFor(phone),
          deps.sessions.current(ctx.mac),
        ]);
        return servicesMenu(ctx, services, session !== null);
      }),

    /** The gate in front of a login-protected external service: login first, then off to its URL. */
    openService: (req: PhoneRequest, id: string | undefined) =>
      withPhone(req, async (ctx, phone) => {
        const service = (await deps.services.enabledFor(phone)).find((s) => s.id === id);
        if (!service) return textPage("Services", "This service is not available on this phone.");
        if (service.requiresLogin && !(await deps.sessions.current(ctx.mac))) return loginInput(ctx, service.id);
        // "Refresh: 0" means "wait for the user" to Cisco firmware (the phone stays on this page): follow after
        // 1 s, and offer an Open key for firmware that ignores the header.
        return textPage(
          service.name,
          `Opening ${service.name}...`,
          [
            { name: "Open", url: service.url },
            { name: "Exit", url: "SoftKey:Exit" },
          ],
          { seconds: 1, url: service.url },
        );
      }),

    personalDirectory: (req: PhoneRequest, q: { page?: string }) =>
      withPhone(req, async (ctx) => {
        const session = await deps.sessions.current(ctx.mac);
        if (!session) return loginInput(ctx, "personal");
        return directoryResults(
          ctx,
          { ownerUserId: session.userId },
          page(q.page),
          "Personal",
          "/cisco/personal",
          {},
          pageUrl(ctx, "/cisco/directory/search"),
        );
      }),

    login: (req: PhoneRequest, next: string | undefined) => withPhone(req, async (ctx) => loginInput(ctx, next)),

    loginSubmit: (req: PhoneRequest, q: { user?: string; pin?: string; next?: string }) =>
      withPhone(req, async (ctx) => {
        const username = q.user?.trim() ?? "";
        // Per phone and per user: cycling through phones gives no more guesses at one user's PIN.
        const keys = [throttleKey("pin", "phone", ctx.mac), throttleKey("pin", "user", username.toLowerCase())];
        const attempt = await deps.throttle.attempt(
          keys.map((key) => ({ key, limit: PIN_MAX_FAILURES, windowSeconds: PIN_WINDOW_SECONDS })),
        );
        if (!attempt.ok) {
          const minutes = Math.ceil(attempt.retryAfterSeconds / 60);
          return textPage("Login", `Too many wrong PINs. Try again in ${minutes} min.`);
        }
        const found = username ? await deps.users.findPinCredentialsByUsername(username) : undefined;
        // verifyPassword spends one hash check even without a user, so timing does not reveal names.
        const ok = (await verifyPassword(found?.pinHash, q.pin ?? "")) && found !== undefined && found.user.activated;
        if (!ok || !found) return loginInput(ctx, q.next, "Wrong user or PIN");
        await attempt.succeeded({ reset: keys });
        await deps.sessions.open(ctx.mac, found.user.id);
        return textPage("Login", `Logged in as ${found.user.displayName}`, [], {
          seconds: 1,
          url: afterLogin(ctx, q.next),
        });
      }),

    logout: (req: PhoneRequest) =>
      withPhone(req, async (ctx) => {
        await deps.sessions.end(ctx.mac);
        return textPage("Logout", "Logged out", [], { seconds: 1, url: pageUrl(ctx, "/cisco/services") });
      }),
  };
}
export type PhoneXmlService = ReturnType<typeof createPhoneXmlService>;
