import type { PhoneService } from "@cisisk/contract";
import type { DirectoryLine } from "../directory/directory.service.js";
import { LIMITS, type CiscoPage, type SoftKey } from "./cisco-xml.js";
import type { ScreenFamily } from "@cisisk/contract";

/** Who the page is for and how to reach this server from the phone. */
export interface PageContext {
  /** Origin phones use, without a trailing slash (config `[phone_services] base_url` or the request's). */
  base: string;
  mac: string;
  family: ScreenFamily;
}

export const PAGE_SIZE = LIMITS.directoryEntries;

/** An absolute URL on this server; `&` is escaped later by the XML renderer. */
export function pageUrl(
  ctx: PageContext,
  path: string,
  params: Record<string, string | number | undefined> = {},
): string {
  const query = Object.entries({ mac: ctx.mac, ...params })
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join("&");
  return `${ctx.base}${path}?${query}`;
}

const EXIT: SoftKey = { name: "Exit", url: "SoftKey:Exit" };
const SELECT: SoftKey = { name: "Select", url: "SoftKey:Select" };

export function textPage(
  title: string,
  text: string,
  softKeys: SoftKey[] = [EXIT],
  refresh?: CiscoPage["refresh"],
): CiscoPage {
  return { object: { type: "CiscoIPPhoneText", title, text, softKeys }, ...(refresh && { refresh }) };
}

export function directoryMenu(ctx: PageContext): CiscoPage {
  return {
    object: {
      type: "CiscoIPPhoneMenu",
      title: "Corporate Directory",
      prompt: "Select an entry",
      items: [
        { name: "Search", url: pageUrl(ctx, "/cisco/directory/search") },
        { name: "All entries", url: pageUrl(ctx, "/cisco/directory/results") },
        { name: "Personal Directory", url: pageUrl(ctx, "/cisco/personal") },
      ],
      softKeys: [SELECT, EXIT],
    },
  };
}

export function searchInput(ctx: PageContext): CiscoPage {
  return {
    object: {
      type: "CiscoIPPhoneInput",
      title: "Directory Search",
      prompt: "Enter name or number",
      url: pageUrl(ctx, "/cisco/directory/results"),
      items: [
        { displayName: "First name", param: "f", flags: "A" },
        { displayName: "Last name", param: "l", flags: "A" },
        { displayName: "Number", param: "n", flags: "T" },
      ],
      softKeys: [
        { name: "Search", url: "SoftKey:Submit" },
        { name: "<<", url: "SoftKey:<<" },
        { name: "Cancel", url: "SoftKey:Cancel" },
      ],
    },
  };
}

const KIND_SUFFIX = { work: "", mobile: " (M)", home: " (H)" } as const;

/** "Last, First (M)": the suffix is kept even when the name has to be cut to the 32-column limit. */
export function entryName(line: DirectoryLine): string {
  const name = [line.lastName, line.firstName].filter(Boolean).join(", ");
  const suffix = KIND_SUFFIX[line.kind];
  const room = LIMITS.entryName - suffix.length;
  const chars = Array.from(name);
  return (chars.length > room ? chars.slice(0, room).join("") : name) + suffix;
}

/**
 * One page of results: ≤ 32 entries, "N/M" in the title, Next/Previous to the neighbours. No hit at all
 * is a CiscoIPPhoneText "No match" (an empty directory looks like a broken page on a 79xx).
 */
export function resultsPage(
  ctx: PageContext,
  r: {
    label: string;
    path: string;
    query: Record<string, string | undefined>;
    lines: DirectoryLine[];
    total: number;
    page: number;
    searchUrl: string;
  },
): CiscoPage {
  const search: SoftKey = { name: "Search", url: r.searchUrl };
  if (r.total === 0) return textPage(r.label, "No match", [search, EXIT]);
  const pages = Math.ceil(r.total / PAGE_SIZE);
  const from = (r.page - 1) * PAGE_SIZE + 1;
  const to = from + r.lines.length - 1;
  const next: SoftKey | undefined =
    r.page < pages ? { name: "Next", url: pageUrl(ctx, r.path, { ...r.query, page: r.page + 1 }) } : undefined;
  const previous: SoftKey | undefined =
    r.page > 1 ? { name: "Previous", url: pageUrl(ctx, r.path, { ...r.query, page: r.page - 1 }) } : undefined;
  const dial: SoftKey = { name: "Dial", url: "SoftKey:Dial" };
  const editDial: SoftKey = { name: "EditDial", url: "SoftKey:EditDial" };
  // 88xx lays out 4 keys: paging and Exit win over EditDial and Search there.
  const keys =
    ctx.family === "79xx"
      ? [dial, editDial, next, previous, search, EXIT]
      : [dial, next, previous, EXIT, editDial, search];
  return {
    object: {
      type: "CiscoIPPhoneDirectory",
      title: `${r.label} ${r.page}/${pages}`,
      prompt: `${from}-${to} of ${r.total}`,
      entries: r.lines.map((l) => ({ name: entryName(l), telephone: l.dial })),
      softKeys: keys.filter((k): k is SoftKey => k !== undefined),
    },
  };
}

/** Where a service's menu item leads: built-ins are pages here; a login-protected external one goes through the gate. */
export function serviceUrl(ctx: PageContext, s: PhoneService): string {
  if (s.kind !== "custom") return pageUrl(ctx, s.url);
  return s.requiresLogin ? pageUrl(ctx, "/cisco/services/open", { id: s.id }) : s.url;
}

export function servicesMenu(ctx: PageContext, services: PhoneService[], loggedIn: boolean): CiscoPage {
  const shown = services.filter((s) => !(s.kind === "login" && loggedIn) && !(s.kind === "logout" && !loggedIn));
  return {
    object: {
      type: "CiscoIPPhoneMenu",
      title: "Services",
      prompt: shown.length ? "Select a service" : "No services",
      items: shown.map((s) => ({ name: s.name, url: serviceUrl(ctx, s) })),
      softKeys: [SELECT, EXIT],
    },
  };
}

/** User and PIN; the PIN field is flagged as a password so the phone masks it. */
export function loginInput(ctx: PageContext, next: string | undefined, prompt = "Enter user and PIN"): CiscoPage {
  return {
    object: {
      type: "CiscoIPPhoneInput",
      title: "Phone Services Login",
      prompt,
      url: pageUrl(ctx, "/cisco/login/submit", { next }),
      items: [
        { displayName: "User", param: "user", flags: "A" },
        { displayName: "PIN", param: "pin", flags: "NP" },
      ],
      softKeys: [
        { name: "Submit", url: "SoftKey:Submit" },
        { name: "<<", url: "SoftKey:<<" },
        { name: "Cancel", url: "SoftKey:Cancel" },
      ],
    },
  };
}

/** What a phone gets when its request failed (bad input, a database that does not answer, a bug). */
export function errorPage(message: string): CiscoPage {
  return textPage("Error", message);
}
