import { escapeXml } from "../../lib/xml-escape.js";
import { macFromText, type ProvisionAccount, type ProvisionDevice, type ProvisioningDriver } from "../vendor-driver.js";

/** Account 1 has its own P-values, the oldest of the firmware. */
const ACCOUNT_ONE = {
  active: "P271",
  name: "P270",
  server: "P47",
  userId: "P35",
  authId: "P36",
  password: "P34",
  displayName: "P3",
} as const;

/** Accounts 2-4 are P4xx-P6xx, 5 and 6 P17xx and P18xx, each with the same two-digit suffixes. */
const ACCOUNT_PREFIX: Readonly<Record<number, string>> = { 2: "4", 3: "5", 4: "6", 5: "17", 6: "18" };
const SUFFIX = {
  active: "01",
  server: "02",
  userId: "04",
  authId: "05",
  password: "06",
  displayName: "07",
  name: "17",
} as const;

/** The P-value names of account `n`; null beyond account 6 (no GXP/GRP model has more). */
export function grandstreamAccountKeys(n: number): Record<keyof typeof ACCOUNT_ONE, string> | null {
  if (n === 1) return { ...ACCOUNT_ONE };
  const prefix = ACCOUNT_PREFIX[n];
  if (!prefix) return null;
  const keys = {} as Record<keyof typeof ACCOUNT_ONE, string>;
  for (const [field, suffix] of Object.entries(SUFFIX)) keys[field as keyof typeof SUFFIX] = `P${prefix}${suffix}`;
  return keys;
}

const P_VALUE = /^P\d{1,5}$/;
const el = (name: string, v: string | number) => `    <${name}>${escapeXml(String(v))}</${name}>`;

function accountValues(a: ProvisionAccount, keys: Record<keyof typeof ACCOUNT_ONE, string>): string[] {
  return [
    el(keys.active, 1),
    el(keys.name, a.label),
    el(keys.server, `${a.host}:${a.port}`),
    el(keys.userId, a.username),
    el(keys.authId, a.authName),
    el(keys.password, a.password),
    el(keys.displayName, a.displayName),
  ];
}

/**
 * Grandstream GXP/GRP device file `cfg<mac>.xml`: `<gs_provision version="1">` with the phone's MAC (the
 * firmware refuses a file for another MAC) and P-values. The provisioning server is P237 (without the scheme)
 * with P212 saying how to reach it (1 HTTP, 2 HTTPS). Extra keys are P-values (`P130 = 1` …); any other name
 * is left out, since config version 1 reads nothing else.
 */
export function renderGrandstreamDevice(device: ProvisionDevice): string {
  const mac = device.mac.toLowerCase();
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- Cisisk: Grandstream ${escapeXml(device.model)} ${mac} -->`,
    '<gs_provision version="1">',
    `  <mac>${mac}</mac>`,
    '  <config version="1">',
  ];
  const byIndex = new Map(device.accounts.map((a) => [a.index, a]));
  for (let n = 1; n <= device.capacity; n++) {
    const keys = grandstreamAccountKeys(n);
    if (!keys) break;
    const a = byIndex.get(n);
    if (a) out.push(...accountValues(a, keys));
    else out.push(el(keys.active, 0));
  }
  const url = /^(https?):\/\/(.*)$/i.exec(device.provisionUrl);
  if (url) out.push(el("P212", url[1]!.toLowerCase() === "https" ? 2 : 1), el("P237", url[2]!));
  for (const [key, v] of Object.entries(device.extraKeys)) if (P_VALUE.test(key)) out.push(el(key, v));
  out.push("  </config>", "</gs_provision>");
  return `${out.join("\n")}\n`;
}

export const grandstreamProvisioning: ProvisioningDriver = {
  vendor: "grandstream",
  // The phones ask for `cfg<mac>` (binary P-values) first, then `cfg<mac>.xml`, then model and common files:
  // only `cfg<mac>.xml` exists here, and none of the generic names are a Grandstream's.
  genericFile: () => null,
  matchFile(name) {
    const xml = /^cfg([0-9a-f]{12})\.xml$/i.exec(name);
    if (xml) return { kind: "device", mac: xml[1]!.toUpperCase() };
    // `cfg<mac>`, `cfg.xml`, model files such as `cfggxp2170.xml`: asked for, never served.
    if (/^cfg[0-9a-z]*(\.xml)?$/i.test(name)) return { kind: "absent" };
    return null;
  },
  deviceFile: (mac) => `cfg${mac.toLowerCase()}.xml`,
  contentType: "text/xml; charset=utf-8",
  renderDevice: renderGrandstreamDevice,
  // "Grandstream Model HW GXP2170 SW 1.0.11.16 DevId 000b82a1b2c3": the bare MAC comes last.
  userAgentMac: (ua) => (/grandstream/i.test(ua) ? macFromText(ua) : null),
  // Grandstream reboots on check-sync with reboot=true and re-provisions without rebooting on `resync`.
  notifyEvent: (mode) => (mode === "reboot" ? "check-sync;reboot=true" : "resync"),
};
