import { escapeXml } from "../../lib/xml-escape.js";
import { macFromText, type ProvisionDevice, type ProvisioningDriver } from "../vendor-driver.js";

/** One setting; `perm="R"`: the phone's user cannot change what the server manages. */
const setting = (name: string, value: string | number, idx?: number) =>
  `    <${name}${idx === undefined ? "" : ` idx="${idx}"`} perm="R">${escapeXml(String(value))}</${name}>`;

/** `user_dp_str` or `user_dp_str$2`: a Snom setting name, with the identity it is for. */
const EXTRA_KEY = /^([A-Za-z_][A-Za-z0-9_]*)(?:\$(\d{1,3}))?$/;

/**
 * Snom D7xx/D8xx device file `<mac>.xml`: `<settings><phone-settings>` with one set of `user_*` settings per
 * identity (`idx`, written `user_name$1` in Snom's own notation): `user_realname` (display name), `user_name`
 * (SIP user), `user_pname` (authentication user), `user_pass`, `user_host` (`host:port`) and, over TCP or TLS,
 * `user_outbound` with the transport. `setting_server` keeps the phone fetching its file from here (`{mac}` is
 * the phone's own substitution). Extra keys are setting names, `name$N` for identity N.
 */
export function renderSnomDevice(device: ProvisionDevice): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- Cisisk: Snom ${escapeXml(device.model)} ${device.mac.toLowerCase()} -->`,
    "<settings>",
    '  <phone-settings e="2">',
  ];
  const byIndex = new Map(device.accounts.map((a) => [a.index, a]));
  for (let n = 1; n <= device.capacity; n++) {
    const a = byIndex.get(n);
    if (!a) {
      out.push(setting("user_active", "off", n));
      continue;
    }
    const server = `${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;
    out.push(
      setting("user_active", "on", n),
      setting("user_realname", a.displayName, n),
      setting("user_name", a.username, n),
      setting("user_pname", a.authName, n),
      setting("user_pass", a.password, n),
      setting("user_host", server, n),
      setting("user_idle_text", a.label, n),
    );
    if (a.transport !== "udp") out.push(setting("user_outbound", `${server};transport=${a.transport}`, n));
  }
  out.push(setting("setting_server", `${device.provisionUrl}/{mac}.xml`));
  for (const [key, v] of Object.entries(device.extraKeys)) {
    const m = EXTRA_KEY.exec(key);
    if (m) out.push(setting(m[1]!, v, m[2] === undefined ? undefined : Number(m[2])));
  }
  out.push("  </phone-settings>", "</settings>");
  return `${out.join("\n")}\n`;
}

export const snomProvisioning: ProvisioningDriver = {
  vendor: "snom",
  // `setting_server` ends in `{mac}.xml`: only `<mac>.xml` (the same name as a Fanvil's; the brand decides).
  genericFile: (ext) => (ext === "xml" ? "device" : null),
  matchFile: () => null,
  deviceFile: (mac) => `${mac.toLowerCase()}.xml`,
  contentType: "application/xml; charset=utf-8",
  renderDevice: renderSnomDevice,
  // "Mozilla/4.0 (compatible; snomD785-SIP 10.1.54.13; 000413A1B2C3)" on firmware that sends it.
  userAgentMac: (ua) => (/snom/i.test(ua) ? macFromText(ua) : null),
  // Snom reboots on check-sync;reboot=true and only re-reads its settings with reboot=false.
  notifyEvent: (mode) => (mode === "reboot" ? "check-sync;reboot=true" : "check-sync;reboot=false"),
};
