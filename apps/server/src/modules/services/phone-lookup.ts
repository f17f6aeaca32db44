import type { PhoneFamily } from "@cisisk/contract";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";

export interface KnownPhone {
  id: string;
  mac: string;
  model: string;
  currentProfileId: string | null;
}

/**
 * The one thing the phone pages need from the phone inventory. It reads the `phones` table directly for
 * now; the phones module's service can implement it instead without any change to the pages.
 */
export interface PhoneLookup {
  findByMac(mac: string): Promise<KnownPhone | null>;
}

export function createPhonesTableLookup(db: Kysely<Database>): PhoneLookup {
  return {
    async findByMac(mac) {
      const r = await db
        .selectFrom("phones")
        .select(["id", "mac", "model", "current_profile_id"])
        .where("mac", "=", mac)
        .executeTakeFirst();
      return r ? { id: r.id, mac: r.mac, model: r.model, currentProfileId: r.current_profile_id } : null;
    },
  };
}

/** `805ec0123456`, `80:5E:C0:12:34:56`, `80-5e-c0-12-34-56`, `SEP805EC0123456` → `805EC0123456`; else null. */
export function normaliseMac(value: string | undefined): string | null {
  if (!value) return null;
  const hex = value.trim().replace(/^SEP/i, "").replace(/[:.-]/g, "").toUpperCase();
  return /^[0-9A-F]{12}$/.test(hex) ? hex : null;
}

/**
 * 79xx phones lay out 8 soft keys, 88xx/78xx (and newer) 4 per screen. The phone names its model in
 * `x-CiscoIPPhoneModelName` (e.g. `CP-7965G`); the inventory's model is the fallback.
 */
export function phoneFamily(modelHeader: string | undefined, inventoryModel: string | undefined): PhoneFamily {
  const model = (modelHeader || inventoryModel || "").toUpperCase().replace(/^CP-/, "");
  return model.startsWith("79") ? "79xx" : "88xx";
}
