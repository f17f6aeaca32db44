import type { ScreenFamily } from "@cisisk/contract";
import { escapeXml, INVALID_XML_CHARS } from "../../lib/xml-escape.js";

/**
 * Cisco IP Phone XML objects as data, and the one renderer that turns them into what a phone accepts.
 * Limits from CiscoIPPhone.xsd 3.3.4 and the developer notes: Title/Prompt ≤ 32 characters, ≤ 100 MenuItem
 * (Name ≤ 64), ≤ 32 DirectoryEntry (Name/Telephone ≤ 32), ≤ 5 InputItem, ≤ 8 SoftKeyItem at positions 1–8
 * (88xx/78xx lay out 4), URLs ≤ 256. Text is cut to its limit here so no page builder can exceed one; an
 * item whose URL is too long is dropped, since a cut URL would point nowhere.
 */
export const LIMITS = {
  title: 32,
  prompt: 32,
  menuItems: 100,
  menuItemName: 64,
  directoryEntries: 32,
  entryName: 32,
  telephone: 32,
  inputItems: 5,
  inputName: 32,
  queryParam: 32,
  softKeys: { "79xx": 8, "88xx": 4 } as Record<ScreenFamily, number>,
  softKeyName: 32,
  url: 256,
  text: 4000,
} as const;

export interface SoftKey {
  name: string;
  url: string;
}
export interface MenuItem {
  name: string;
  url: string;
}
export interface DirectoryEntry {
  name: string;
  telephone: string;
}
export interface InputItem {
  displayName: string;
  param: string;
  /** A (ASCII), T (telephone), N (numeric), E, U, L; append P for a password field ("NP"). */
  flags: string;
  defaultValue?: string;
}

interface Common {
  title: string;
  prompt?: string;
  /** In order of importance: a family with fewer soft-key positions keeps the first ones. */
  softKeys?: SoftKey[];
}
export type CiscoObject =
  | (Common & { type: "CiscoIPPhoneMenu"; items: MenuItem[] })
  | (Common & { type: "CiscoIPPhoneText"; text: string })
  | (Common & { type: "CiscoIPPhoneInput"; url: string; items: InputItem[] })
  | (Common & { type: "CiscoIPPhoneDirectory"; entries: DirectoryEntry[] });

/** A page and the optional Refresh header the phone should follow. */
export interface CiscoPage {
  object: CiscoObject;
  refresh?: { seconds: number; url?: string };
}

export const CISCO_CONTENT_TYPE = "text/xml; charset=utf-8";

export { escapeXml };

/** Cuts to `max` characters (code points, so a letter outside the BMP is never split). */
export function clip(value: string, max: number): string {
  const chars = Array.from(value.replace(INVALID_XML_CHARS, ""));
  return chars.length <= max ? chars.join("") : chars.slice(0, max).join("");
}

// 79xx fonts have no glyph for typographic punctuation (a box shows instead): write the ASCII forms everywhere.
const PLAIN: Record<string, string> = {
  "\u2026": "...",
  "\u2018": "'",
  "\u2019": "'",
  "\u201C": '"',
  "\u201D": '"',
  "\u2013": "-",
  "\u2014": "-",
  "\u00A0": " ",
};
export const plainPunctuation = (value: string) =>
  value.replace(/[\u2026\u2018\u2019\u201C\u201D\u2013\u2014\u00A0]/g, (c) => PLAIN[c]!);

const el = (name: string, value: string, max: number) =>
  `<${name}>${escapeXml(clip(plainPunctuation(value), max))}</${name}>`;
const urlOk = (url: string) => url.length <= LIMITS.url;

/** Keeps the soft keys that fit the family's positions, numbered 1..n without gaps or duplicates. */
export function layoutSoftKeys(keys: SoftKey[], family: ScreenFamily): Array<SoftKey & { position: number }> {
  return keys
    .filter((k) => urlOk(k.url))
    .slice(0, LIMITS.softKeys[family])
    .map((k, i) => ({ ...k, position: i + 1 }));
}

export function renderCiscoXml(object: CiscoObject, family: ScreenFamily): string {
  const parts: string[] = [el("Title", object.title, LIMITS.title)];
  if (object.prompt !== undefined) parts.push(el("Prompt", object.prompt, LIMITS.prompt));
  switch (object.type) {
    case "CiscoIPPhoneMenu":
      for (const item of object.items.filter((i) => urlOk(i.url)).slice(0, LIMITS.menuItems)) {
        parts.push(
          `<MenuItem>${el("Name", item.name, LIMITS.menuItemName)}${el("URL", item.url, LIMITS.url)}</MenuItem>`,
        );
      }
      break;
    case "CiscoIPPhoneText":
      parts.push(el("Text", object.text, LIMITS.text));
      break;
    case "CiscoIPPhoneInput":
      parts.push(el("URL", object.url, LIMITS.url));
      for (const item of object.items.slice(0, LIMITS.inputItems)) {
        parts.push(
          `<InputItem>${el("DisplayName", item.displayName, LIMITS.inputName)}` +
            `${el("QueryStringParam", item.param, LIMITS.queryParam)}` +
            `${el("DefaultValue", item.defaultValue ?? "", LIMITS.inputName)}` +
            `${el("InputFlags", item.flags, 4)}</InputItem>`,
        );
      }
      break;
    case "CiscoIPPhoneDirectory":
      for (const entry of object.entries.slice(0, LIMITS.directoryEntries)) {
        parts.push(
          `<DirectoryEntry>${el("Name", entry.name, LIMITS.entryName)}` +
            `${el("Telephone", entry.telephone, LIMITS.telephone)}</DirectoryEntry>`,
        );
      }
      break;
  }
  for (const key of layoutSoftKeys(object.softKeys ?? [], family)) {
    parts.push(
      `<SoftKeyItem>${el("Name", key.name, LIMITS.softKeyName)}${el("URL", key.url, LIMITS.url)}` +
        `<Position>${key.position}</Position></SoftKeyItem>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${object.type}>${parts.join("")}</${object.type}>\n`;
}

/**
 * The Refresh header value: `<seconds>` or `<seconds>; url=<URL>`. Header values must be Latin-1 (Node
 * refuses anything else), so the URL goes in its ASCII form: punycode host, percent-encoded path and query.
 */
export function refreshHeader(refresh: NonNullable<CiscoPage["refresh"]>): string {
  // 0 means "manual" to Cisco firmware: the phone would never follow.
  const seconds = Math.max(1, refresh.seconds);
  return refresh.url ? `${seconds}; url=${asciiUrl(refresh.url)}` : String(seconds);
}

function asciiUrl(url: string): string {
  // eslint-disable-next-line no-control-regex
  const safe = (s: string) => s.replace(/[\u0000-\u001F\u007F]/g, "");
  if (URL.canParse(url)) return safe(new URL(url).href);
  try {
    return safe(encodeURI(url));
  } catch {
    return ""; // a lone surrogate: nothing a phone could follow
  }
}
