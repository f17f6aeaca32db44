import { escapeXml } from "../../lib/xml-escape.js";
import type { CommonFileSettings, ProvisionDevice, ProvisioningDriver } from "../vendor-driver.js";

/** `reg.N.server.1.transport`. */
const TRANSPORT = { udp: "UDPOnly", tcp: "TCPOnly", tls: "TLS" } as const;

/** A Polycom parameter name: dotted words (`voIpProt.SIP.specialEvent.checkSync.alwaysReboot`). */
const PARAM = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

const attr = (name: string, value: string | number) => `    ${name}="${escapeXml(String(value))}"`;

/** The per-phone file the master file names: lowercase MAC, as the firmware's `[PHONE_MAC_ADDRESS]`. */
const phoneFile = (mac: string) => `phone${mac}.cfg`;

function master(configFiles: string, comment: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    `<!-- Cisisk: ${escapeXml(comment)} -->`,
    `<APPLICATION APP_FILE_PATH="sip.ld" CONFIG_FILES="${escapeXml(configFiles)}" MISC_FILES=""` +
      ' LOG_FILE_DIRECTORY="" OVERRIDES_DIRECTORY="" CONTACTS_DIRECTORY="" LICENSE_DIRECTORY=""' +
      ' USER_PROFILES_DIRECTORY="" CALL_LISTS_DIRECTORY="" COREFILE_DIRECTORY="" />',
    "",
  ].join("\n");
}

/**
 * Polycom/Poly VVX (UC Software): the phone reads the master file `<mac>.cfg` (else `000000000000.cfg`), which
 * holds no settings, only `CONFIG_FILES` naming what to read next: here the per-phone `phone<mac>.cfg`.
 */
export function renderPolycomMaster(device: ProvisionDevice): string {
  const mac = device.mac.toLowerCase();
  return master(phoneFile(mac), `Polycom ${device.model} ${mac} master file`);
}

/** `000000000000.cfg`, for phones without a master file of their own: the firmware fills in its MAC. */
export function renderPolycomCommon(code: string, _settings: CommonFileSettings): string | null {
  if (code !== "000000000000") return null;
  return master(phoneFile("[PHONE_MAC_ADDRESS]"), "Polycom default master file");
}

/**
 * The per-phone file: `<polycomConfig>` whose `<reg>` element carries `reg.N.*` for each registration
 * (`address` the SIP user, `auth.userId`/`auth.password`, `displayName`, `label`, `server.1.address/port/
 * transport`); the model's other registrations are emptied so none is left from an earlier file. Extra keys
 * (any Polycom parameter) go in a `<cisisk>` element after it, so they win over the generated values.
 */
export function renderPolycomDevice(device: ProvisionDevice): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    `<!-- Cisisk: Polycom ${escapeXml(device.model)} ${device.mac.toLowerCase()} -->`,
    "<polycomConfig>",
    "  <reg",
  ];
  const byIndex = new Map(device.accounts.map((a) => [a.index, a]));
  for (let n = 1; n <= device.capacity; n++) {
    const a = byIndex.get(n);
    const k = `reg.${n}`;
    if (!a) {
      out.push(attr(`${k}.address`, ""));
      continue;
    }
    out.push(
      attr(`${k}.address`, a.username),
      attr(`${k}.auth.userId`, a.authName),
      attr(`${k}.auth.password`, a.password),
      attr(`${k}.displayName`, a.displayName),
      attr(`${k}.label`, a.label),
      attr(`${k}.server.1.address`, a.host),
      attr(`${k}.server.1.port`, a.port),
      attr(`${k}.server.1.transport`, TRANSPORT[a.transport]),
    );
  }
  out.push("  />");
  const extra = Object.entries(device.extraKeys).filter(([key]) => PARAM.test(key));
  if (extra.length > 0) out.push("  <cisisk", ...extra.map(([key, v]) => attr(key, v)), "  />");
  out.push("</polycomConfig>");
  return `${out.join("\n")}\n`;
}

export const polycomProvisioning: ProvisioningDriver = {
  vendor: "polycom",
  // `<mac>.cfg` is a Polycom's master file (the same name as a Yealink's or Fanvil's device file: the brand decides).
  genericFile: (ext) => (ext === "cfg" ? "master" : null),
  matchFile(name) {
    if (name === "000000000000.cfg") return { kind: "common", code: "000000000000" };
    const m = /^phone([0-9a-f]{12})\.cfg$/i.exec(name);
    return m ? { kind: "device", mac: m[1]!.toUpperCase() } : null;
  },
  deviceFile: (mac) => phoneFile(mac.toLowerCase()),
  contentType: "application/xml; charset=utf-8",
  renderDevice: renderPolycomDevice,
  renderMaster: renderPolycomMaster,
  renderCommon: renderPolycomCommon,
  // "FileTransport PolycomVVX-VVX_450-UA/6.4.3.5018": no MAC.
  userAgentMac: () => null,
  // UC Software answers check-sync only: it re-reads its files and restarts when they changed
  // (`voIpProt.SIP.specialEvent.checkSync.alwaysReboot = 1`, an extra key, makes it always restart).
  notifyEvent: () => "check-sync",
};
