import { macProblem, normalizeMac } from "@cisisk/contract";
import type { GenericExtension, ProvisionFileMatch, ProvisioningDriver } from "../../vendors/vendor-driver.js";

/** What a requested file name means, before any device is looked up. */
export type ParsedFileName =
  /** `<mac>`, `<mac>.cfg`, `<mac>.xml` in any MAC spelling: what they are depends on the phone's brand. */
  | { kind: "generic"; mac: string; ext: GenericExtension }
  /** One vendor's own name (`SEP<MAC>.cnf.xml`, `y0000000000XX.cfg`). */
  | { kind: "vendor"; driver: ProvisioningDriver; match: ProvisionFileMatch }
  | { kind: "bad" };

const SAFE_NAME = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Parses `/provision/<file>` knowing no vendor: the drivers claim their own names, the generic MAC names are
 * everyone's. Anything else (a path, `..`, a NUL, 13 hex digits, an all-zero or group MAC, SQL) is `bad`.
 */
export function parseFileName(name: string, drivers: readonly ProvisioningDriver[]): ParsedFileName {
  if (!SAFE_NAME.test(name) || name.includes("..")) return { kind: "bad" };
  for (const driver of drivers) {
    const match = driver.matchFile(name);
    if (match) {
      if (match.kind === "device" && macProblem(match.mac)) return { kind: "bad" };
      return { kind: "vendor", driver, match };
    }
  }
  const ext = /\.(cfg|xml)$/i.exec(name)?.[1]?.toLowerCase() as GenericExtension | undefined;
  const mac = normalizeMac(ext ? name.slice(0, -4) : name);
  if (!mac || macProblem(mac)) return { kind: "bad" };
  return { kind: "generic", mac, ext: ext ?? "" };
}
