import { escapeXml } from "../../lib/xml-escape.js";
import { macFromText, type ProvisionDevice, type ProvisioningDriver } from "../vendor-driver.js";

/** Fanvil `<Transport>`: 0 UDP, 1 TCP, 3 TLS (2 is TLS on some older X-series firmware; 3 on current). */
const TRANSPORT = { udp: 0, tcp: 1, tls: 3 } as const;

const el = (indent: string, name: string, v: string | number) => `${indent}<${name}>${escapeXml(String(v))}</${name}>`;

/** `section.Tag` extra keys become `<section><Tag>value</Tag></section>` (e.g. `sip.DTMFMode`, `phone.MenuPassword`). */
function extraSections(keys: Readonly<Record<string, string>>): Map<string, Array<[string, string]>> {
  const sections = new Map<string, Array<[string, string]>>();
  for (const [key, v] of Object.entries(keys)) {
    const dot = key.indexOf(".");
    const section = dot > 0 ? key.slice(0, dot) : "sip";
    const tag = dot > 0 ? key.slice(dot + 1) : key;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(section) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(tag)) continue;
    sections.set(section, [...(sections.get(section) ?? []), [tag, v]]);
  }
  return sections;
}

/**
 * Fanvil X-series device file: the `<sysConf>` XML their firmware reads (not the seed's illustrative
 * `<config><sip_account>`), with one `<line index="N">` per SIP account and `NotifyReboot` on, so a
 * `check-sync;reboot=true` NOTIFY reboots the phone.
 */
export function renderFanvilDevice(device: ProvisionDevice): string {
  const extra = extraSections(device.extraKeys);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- Cisisk: Fanvil ${escapeXml(device.model)} ${device.mac.toLowerCase()} -->`,
    "<sysConf>",
    "  <Version>2.0000000000</Version>",
    "  <sip>",
    "    <SIPPort>5060</SIPPort>",
    "    <NotifyReboot>1</NotifyReboot>",
  ];
  const byIndex = new Map(device.accounts.map((a) => [a.index, a]));
  for (let n = 1; n <= device.capacity; n++) {
    const a = byIndex.get(n);
    out.push(`    <line index="${n}">`);
    if (!a) out.push(el("      ", "EnableReg", 0));
    else
      out.push(
        el("      ", "PhoneNumber", a.username),
        el("      ", "DisplayName", a.displayName),
        el("      ", "SipName", a.label),
        el("      ", "RegisterAddr", a.host),
        el("      ", "RegisterPort", a.port),
        el("      ", "RegisterUser", a.authName),
        el("      ", "RegisterPswd", a.password),
        el("      ", "RegisterTTL", 3600),
        el("      ", "EnableReg", 1),
        el("      ", "Transport", TRANSPORT[a.transport]),
      );
    out.push("    </line>");
  }
  for (const [tag, v] of extra.get("sip") ?? []) out.push(el("    ", tag, v));
  out.push("  </sip>", "  <ap>");
  out.push(el("    ", "DownloadDeviceConf", 1), el("    ", "FlashServerIP", `${device.provisionUrl}/`));
  for (const [tag, v] of extra.get("ap") ?? []) out.push(el("    ", tag, v));
  out.push("  </ap>");
  for (const [section, entries] of extra) {
    if (section === "sip" || section === "ap") continue;
    out.push(`  <${section}>`, ...entries.map(([tag, v]) => el("    ", tag, v)), `  </${section}>`);
  }
  out.push("</sysConf>");
  return `${out.join("\n")}\n`;
}

export const fanvilProvisioning: ProvisioningDriver = {
  vendor: "fanvil",
  // `<mac>.cfg` (FlashFileName default) and `<mac>.xml` on some firmware: the generic names.
  genericFile: () => "device",
  matchFile: () => null,
  deviceFile: (mac) => `${mac.toLowerCase()}.cfg`,
  contentType: "application/xml; charset=utf-8",
  renderDevice: renderFanvilDevice,
  // "Fanvil X4 2.10.2.6887 0c383e07e16c": the bare MAC comes last.
  userAgentMac: (ua) => (/fanvil/i.test(ua) ? macFromText(ua) : null),
  notifyEvent: (mode) => (mode === "reboot" ? "check-sync;reboot=true" : "check-sync"),
};
