import { normalizeMac, type ScreenFamily } from "@cisisk/contract";

export interface KnownPhone {
  id: string;
  mac: string;
  model: string;
  currentProfileId: string | null;
}

/** The one thing the phone pages need from the phone inventory (the phones service implements it). */
export interface PhoneLookup {
  findByMac(mac: string): Promise<KnownPhone | null>;
}

/** `805ec0123456`, `80:5E:C0:12:34:56`, `80-5e-c0-12-34-56`, `SEP805EC0123456` → `805EC0123456`; else null. */
export function normaliseMac(value: string | undefined): string | null {
  return value ? normalizeMac(value.trim().replace(/^SEP/i, "")) : null;
}

/**
 * 79xx phones lay out 8 soft keys, 88xx/78xx (and newer) 4 per screen. The phone names its model in
 * `x-CiscoIPPhoneModelName` (e.g. `CP-7965G`); the inventory's model is the fallback.
 */
export function phoneFamily(modelHeader: string | undefined, inventoryModel: string | undefined): ScreenFamily {
  const model = (modelHeader || inventoryModel || "").toUpperCase().replace(/^CP-/, "");
  return model.startsWith("79") ? "79xx" : "88xx";
}
