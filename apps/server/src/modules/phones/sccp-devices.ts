import type { ExtensionTechnology, Phone } from "@cisisk/contract";
import type { SccpDevice } from "../../adapters/asterisk/asterisk-line.js";
import type { PhoneRecord, PhonesRepository } from "./phones.repository.js";

/** What the devices need from the extensions service: each line's number and technology. */
export interface DeviceLines {
  lineCredentialsForUser(userId: string): Promise<Array<{ number: string; technology: ExtensionTechnology }>>;
  lineCredentialsByIds(ids: string[]): Promise<Map<string, { number: string; technology: ExtensionTechnology }>>;
}

/** chan_sccp knows the 79xx modules by number only (`addon=7914|7915|7916`, at most two; sccp_config.c). */
const SCCP_ADDONS = new Set(["7914", "7915", "7916"]);

/** A SCCP phone's chan_sccp device: `SEP<MAC>`, its model as devicetype, its SCCP lines in key order, its KEMs. */
export function sccpDeviceOf(
  phone: Pick<Phone, "mac" | "model" | "label" | "location" | "kems">,
  lines: Array<{ number: string; technology: ExtensionTechnology }>,
): SccpDevice {
  return {
    name: `SEP${phone.mac}`,
    deviceType: phone.model,
    description: phone.label ?? phone.location ?? `Cisco ${phone.model}`,
    // A SCCP phone registers SCCP lines only; others would be buttons chan_sccp cannot resolve.
    lines: lines.filter((l) => l.technology === "SCCP").map((l) => l.number),
    addons: [...phone.kems]
      .sort((a, b) => a.position - b.position)
      .map((k) => k.model)
      .filter((m) => SCCP_ADDONS.has(m))
      .slice(0, 2),
  };
}

/**
 * The phones' side owns `sccpdevice`/`buttonconfig` and the `[SEP…] type=device` sections: a device per
 * SCCP phone, with the phone's explicit button links, else its owner's extensions in number order.
 */
export function createSccpDevices(
  repo: Pick<PhonesRepository, "findByMac" | "findBySoftwareType">,
  lines: DeviceLines,
) {
  async function linesOf(phone: PhoneRecord) {
    if (phone.lines.length > 0) {
      const byId = await lines.lineCredentialsByIds(phone.lines.map((l) => l.extensionId));
      return [...phone.lines]
        .sort((a, b) => a.button - b.button)
        .flatMap((l) => (byId.has(l.extensionId) ? [byId.get(l.extensionId)!] : []));
    }
    return phone.userId ? lines.lineCredentialsForUser(phone.userId) : [];
  }
  return {
    async all(): Promise<SccpDevice[]> {
      const phones = await repo.findBySoftwareType("SCCP");
      return Promise.all(phones.map(async (p) => sccpDeviceOf(p, await linesOf(p))));
    },
    async byName(name: string): Promise<SccpDevice | null> {
      const phone = /^SEP[0-9A-F]{12}$/.test(name) ? await repo.findByMac(name.slice(3)) : undefined;
      return phone?.softwareType === "SCCP" ? sccpDeviceOf(phone, await linesOf(phone)) : null;
    },
  };
}
