/**
 * Cisco phone models Cisisk can configure through `SEP<MAC>.cnf.xml`, with the facts the server and the
 * console both need: protocols the firmware speaks, line keys, and which key expansion modules fit.
 * Sources: the usecallmanager, chan-sccp and sccp_manager model tables. 7940/7960 are SCCP only
 * here because their SIP firmware reads flat `SIP<MAC>.cnf` files, not SEP XML. 78xx/88xx have no SCCP
 * firmware; "SIP" and "SIPE" both mean Enterprise SIP firmware for them (MPP/3PCC firmware ignores SEP files).
 */
export const softwareTypes = ["SCCP", "SIP", "SIPE"] as const;
export type SoftwareType = (typeof softwareTypes)[number];

export const kemModels = ["7914", "7915", "7916", "BEKEM", "CP-8800-Audio", "CP-8800-Video"] as const;
export type KemModel = (typeof kemModels)[number];

export type PhoneFamily = "79xx" | "78xx" | "88xx" | "89xx";

export interface KemFacts {
  /** Keys on one module. */
  buttons: number;
  /** 79xx modules need `loadInformation` in the SEP file; 88xx modules use `deviceType` + `deviceLine`. */
  loadInformation: string | null;
  family: "79xx" | "88xx";
}

export const kemCatalogue: Record<KemModel, KemFacts> = {
  "7914": { buttons: 14, loadInformation: "S00105000400", family: "79xx" },
  "7915": { buttons: 24, loadInformation: "B015-1-0-4-2", family: "79xx" },
  "7916": { buttons: 24, loadInformation: "B016-1-0-4-2", family: "79xx" },
  BEKEM: { buttons: 36, loadInformation: null, family: "88xx" },
  "CP-8800-Audio": { buttons: 28, loadInformation: null, family: "88xx" },
  "CP-8800-Video": { buttons: 28, loadInformation: null, family: "88xx" },
};

export interface PhoneModel {
  model: string;
  family: PhoneFamily;
  /** CUCM model name, as in XMLDefault `model=` ("Cisco 8845"). */
  productName: string;
  protocols: readonly SoftwareType[];
  /** Line keys, KEMs not counted (88xx: with `<lineMode>1</lineMode>`, which the built-in SIP template writes). */
  lineKeys: number;
  /**
   * 88xx: line keys without line mode (session line mode: only the keys left of the display; the right ones
   * are session keys). Undefined for models without that setting.
   */
  sessionModeLineKeys?: number;
  /** Modules that fit the KEM port, empty when the phone has none. */
  kems: readonly KemModel[];
  maxKems: number;
}

const m7 = (model: string, lineKeys: number, kems: readonly KemModel[] = [], maxKems = 0): PhoneModel => ({
  model,
  family: "79xx",
  productName: `Cisco ${model}`,
  protocols: model === "7940" || model === "7960" ? ["SCCP"] : ["SCCP", "SIP"],
  lineKeys,
  kems,
  maxKems,
});
const sipOnly = (
  model: string,
  family: "78xx" | "88xx",
  lineKeys: number,
  kems: readonly KemModel[] = [],
  maxKems = 0,
): PhoneModel => ({
  model,
  family,
  productName: `Cisco ${model}`,
  protocols: ["SIP", "SIPE"],
  lineKeys,
  ...(family === "88xx" && { sessionModeLineKeys: lineKeys / 2 }),
  kems,
  maxKems,
});

const KEM_79 = ["7914", "7915", "7916"] as const;

export const phoneCatalogue: readonly PhoneModel[] = [
  m7("7911", 1),
  m7("7940", 2),
  m7("7941", 2),
  m7("7942", 2),
  m7("7945", 2),
  m7("7960", 6, ["7914"], 2),
  m7("7961", 6, ["7914"], 2),
  m7("7962", 6, KEM_79, 2),
  m7("7965", 6, KEM_79, 2),
  m7("7970", 8, ["7914"], 2),
  m7("7971", 8, ["7914"], 2),
  m7("7975", 8, KEM_79, 2),
  sipOnly("7811", "78xx", 1),
  sipOnly("7821", "78xx", 2),
  sipOnly("7841", "78xx", 4),
  sipOnly("7861", "78xx", 16),
  sipOnly("8811", "88xx", 10),
  sipOnly("8841", "88xx", 10),
  sipOnly("8845", "88xx", 10),
  sipOnly("8851", "88xx", 10, ["CP-8800-Audio", "BEKEM"], 2),
  sipOnly("8851NR", "88xx", 10, ["CP-8800-Audio", "BEKEM"], 2),
  sipOnly("8861", "88xx", 10, ["CP-8800-Audio", "BEKEM"], 3),
  sipOnly("8865", "88xx", 10, ["CP-8800-Video", "BEKEM"], 3),
  sipOnly("8865NR", "88xx", 10, ["CP-8800-Video", "BEKEM"], 3),
  { model: "8941", family: "89xx", productName: "Cisco 8941", protocols: ["SCCP"], lineKeys: 4, kems: [], maxKems: 0 },
  {
    model: "8945",
    family: "89xx",
    productName: "Cisco 8945",
    protocols: ["SCCP", "SIP"],
    lineKeys: 4,
    kems: [],
    maxKems: 0,
  },
];

export const phoneModelNames = phoneCatalogue.map((m) => m.model) as [string, ...string[]];

/** The names phones and price lists use ("Cisco 8845", "CP-8845-K9", "CP-7965G") → the catalogue's ("8845"). */
export function canonicalModelName(name: string): string {
  return name
    .trim()
    .toUpperCase()
    .replace(/^(CISCO\s+|CP-)/, "")
    .replace(/-K9$/, "")
    .replace(/^(79\d\d)GE?$/, "$1");
}

export function findPhoneModel(model: string): PhoneModel | undefined {
  return phoneCatalogue.find((m) => m.model === model.trim().toUpperCase());
}

/**
 * Names the console and API accept for a KEM, mapped to Cisco's identifier for the given phone.
 * "KEM-30"/"KEM-80"/"KEM-8800" are Cisisk UI names, not Cisco ones:
 * - KEM-30 → 7916 (the 24-key 79xx module; 7914 and 7915 are accepted by their own names) on a 79xx phone
 *   that takes it, else 7914 (7960/7961/7970/7971 take only the 7914).
 * - KEM-80 and KEM-8800 → CP-8800-Audio on 8851/8861, CP-8800-Video on 8865 (Cisco's current 8800 modules).
 * Returns null when the name is unknown or the alias has no meaning for that phone.
 */
export function resolveKemModel(name: string, phone: PhoneModel): KemModel | null {
  const n = name.trim();
  const exact = kemModels.find((k) => k.toLowerCase() === n.toLowerCase());
  if (exact) return exact;
  const alias = n.toUpperCase();
  if (alias === "KEM-30") {
    if (phone.family !== "79xx") return null;
    return phone.kems.includes("7916") ? "7916" : phone.kems.includes("7914") ? "7914" : "7916";
  }
  if (alias === "KEM-80" || alias === "KEM-8800") {
    if (phone.family !== "88xx") return null;
    return phone.kems.includes("CP-8800-Video") ? "CP-8800-Video" : "CP-8800-Audio";
  }
  return null;
}

export const kemAliases = ["KEM-30", "KEM-80", "KEM-8800"] as const;

/** A MAC in any common spelling (`805ec0123456`, `80:5E:C0:12:34:56`, `80-5e-c0-12-34-56`, `805e.c012.3456`) → 12 uppercase hex, or null. */
export function normalizeMac(input: string): string | null {
  const s = input.trim();
  if (!/^(?:[0-9A-Fa-f]{12}|(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}|(?:[0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4})$/.test(s))
    return null;
  return s.replace(/[^0-9A-Fa-f]/g, "").toUpperCase();
}

/** Why a well-spelled MAC cannot be a phone's: all zero, broadcast, or a multicast (group) address. */
export function macProblem(mac: string): string | null {
  if (mac === "000000000000") return "the all-zero MAC is not a device address";
  if (mac === "FFFFFFFFFFFF") return "the broadcast MAC is not a device address";
  if (parseInt(mac.slice(0, 2), 16) & 1) return "a multicast MAC is not a device address";
  return null;
}
