import { vendorModelCatalogue } from "@cisisk/contract";
import {
  macFromText,
  type CommonFileSettings,
  type ProvisionDevice,
  type ProvisioningDriver,
} from "../vendor-driver.js";

/** Yealink `account.N.sip_server.1.transport_type` / legacy `account.N.transport`: 0 UDP, 1 TCP, 2 TLS. */
const TRANSPORT = { udp: 0, tcp: 1, tls: 2 } as const;

/** Yealink values are the rest of the line: no line breaks can reach the file. */
const value = (v: string | number) => String(v).replace(/[\r\n]/g, " ");

const models = vendorModelCatalogue.filter((m) => m.brand === "yealink");

/**
 * Yealink auto provisioning: plain text `key = value` files whose first line is `#!version:1.0.0.1`.
 * The device file is `<mac>.cfg` (lowercase); the model's common file `y0000000000XX.cfg` carries what every
 * phone of the model shares (here: where to fetch files, and that a NOTIFY without `reboot=true` only resyncs).
 * T2xP/T19P/VP530-era firmware reads the legacy `account.N.sip_server_host/port` keys; current firmware
 * (T2x E2, T3x, T4x, T5x) reads `account.N.sip_server.1.address/port`.
 */
export function renderYealinkDevice(device: ProvisionDevice): string {
  const legacy = models.find((m) => m.model === device.model)?.legacyKeys ?? false;
  const out = ["#!version:1.0.0.1", `## Cisisk: Yealink ${device.model} ${device.mac.toLowerCase()}`];
  const byIndex = new Map(device.accounts.map((a) => [a.index, a]));
  for (let n = 1; n <= device.capacity; n++) {
    const a = byIndex.get(n);
    const k = `account.${n}`;
    if (!a) {
      out.push(`${k}.enable = 0`);
      continue;
    }
    out.push(
      `${k}.enable = 1`,
      `${k}.label = ${value(a.label)}`,
      `${k}.display_name = ${value(a.displayName)}`,
      `${k}.auth_name = ${value(a.authName)}`,
      `${k}.user_name = ${value(a.username)}`,
      `${k}.password = ${value(a.password)}`,
    );
    if (legacy)
      out.push(
        `${k}.sip_server_host = ${value(a.host)}`,
        `${k}.sip_server_port = ${a.port}`,
        `${k}.transport = ${TRANSPORT[a.transport]}`,
      );
    else
      out.push(
        `${k}.sip_server.1.address = ${value(a.host)}`,
        `${k}.sip_server.1.port = ${a.port}`,
        `${k}.sip_server.1.transport_type = ${TRANSPORT[a.transport]}`,
      );
  }
  const extra = Object.entries(device.extraKeys);
  if (extra.length > 0) out.push("## extra keys", ...extra.map(([key, v]) => `${key} = ${value(v)}`));
  return `${out.join("\n")}\n`;
}

export function renderYealinkCommon(code: string, settings: CommonFileSettings): string | null {
  const model = models.filter((m) => m.commonFile === `y0000000000${code}.cfg`);
  if (model.length === 0) return null;
  const out = [
    "#!version:1.0.0.1",
    `## Cisisk: Yealink common file for ${model.map((m) => m.model).join(", ")}`,
    `static.auto_provision.server.url = ${value(settings.provisionUrl)}/`,
    "static.auto_provision.power_on = 1",
    // 0: a check-sync NOTIFY reboots only with reboot=true, else the phone just re-reads its files.
    "sip.notify_reboot_enable = 0",
  ];
  if (settings.username)
    out.push(
      `static.auto_provision.server.username = ${value(settings.username)}`,
      `static.auto_provision.server.password = ${value(settings.password ?? "")}`,
    );
  return `${out.join("\n")}\n`;
}

export const yealinkProvisioning: ProvisioningDriver = {
  vendor: "yealink",
  genericFile: () => "device",
  matchFile(name) {
    const common = /^y0000000000(\d{2,3})\.cfg$/i.exec(name);
    return common ? { kind: "common", code: common[1]! } : null;
  },
  deviceFile: (mac) => `${mac.toLowerCase()}.cfg`,
  contentType: "text/plain; charset=utf-8",
  renderDevice: renderYealinkDevice,
  renderCommon: renderYealinkCommon,
  // "Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37"; T5x may send the MAC without colons.
  userAgentMac: (ua) => (/yealink/i.test(ua) ? macFromText(ua) : null),
  notifyEvent: (mode) => (mode === "reboot" ? "check-sync;reboot=true" : "check-sync;reboot=false"),
};
