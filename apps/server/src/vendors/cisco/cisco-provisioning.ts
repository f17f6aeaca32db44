import type { ProvisionDevice, ProvisioningDriver } from "../vendor-driver.js";

/**
 * Cisco over /provision: `SEP<MAC>.cnf.xml` (the MAC uppercase, as the firmware asks), the same file the
 * deploy pipeline writes, rendered by the cisco driver from the phone's current profile. Restarts go through
 * the cisco driver's own restart (notifyEvent null).
 */
export function createCiscoProvisioning(ports: {
  /** The phone's SEP file from its current profile; null when it has none. */
  currentFile(phoneId: string, maskSecrets: boolean): Promise<string | null>;
}): ProvisioningDriver {
  return {
    vendor: "cisco",
    genericFile: () => null,
    matchFile(name) {
      const m = /^SEP([0-9A-Fa-f]{12})\.cnf\.xml$/.exec(name);
      return m ? { kind: "device", mac: m[1]!.toUpperCase() } : null;
    },
    deviceFile: (mac) => `SEP${mac}.cnf.xml`,
    contentType: "text/xml; charset=utf-8",
    renderDevice: (device: ProvisionDevice) => ports.currentFile(device.id, device.maskSecrets),
    userAgentMac: () => null,
    notifyEvent: () => null,
  };
}
