import { findPhoneModel, kemCatalogue, type KemModel, type Phone } from "@cisisk/contract";
import { escapeXml } from "../../lib/xml-escape.js";
import type { TemplateContext } from "./cnf-template.js";
import type { RenderLine, ServerFacts } from "../vendor-driver.js";
import { deviceName } from "./cisco-restart.js";

const MASK = "********";

/**
 * `<transportLayerProtocol>`: 1 TCP, 2 UDP, 3 TLS (Cisco's values, usecallmanager's SEP reference). Cisco
 * firmware retransmits badly over UDP, so TCP is the recommended `[sip] transport`; TLS needs
 * `<deviceSecurityMode>` 3 (encrypted; 2 would be TLS with a NULL cipher), everything else 1 (non-secure).
 */
const TRANSPORT_LAYER = {
  tcp: { transportLayerProtocol: "1", deviceSecurityMode: "1" },
  udp: { transportLayerProtocol: "2", deviceSecurityMode: "1" },
  tls: { transportLayerProtocol: "3", deviceSecurityMode: "3" },
} as const;

/** The SIP `<sipLines>` block: featureID 9, proxy USECALLMANAGER; credentials on the primary line only. */
function sipLinesBlock(lines: readonly RenderLine[], sipPort: number, mask: boolean, indent: boolean): string {
  const nl = indent ? "\n" : "";
  const pad = (n: number) => (indent ? " ".repeat(n) : "");
  const el = (n: number, name: string, value: string | number) =>
    `${pad(n)}<${name}>${escapeXml(String(value))}</${name}>${nl}`;
  let out = `${pad(4)}<sipLines>${nl}`;
  lines.forEach((l, i) => {
    out += `${pad(6)}<line button="${l.button}" lineIndex="${i + 1}">${nl}`;
    out += el(8, "featureID", 9);
    out += el(8, "featureLabel", l.displayName || l.number);
    out += el(8, "proxy", "USECALLMANAGER");
    out += el(8, "port", sipPort);
    out += el(8, "name", l.number);
    out += el(8, "displayName", l.displayName || l.number);
    out += `${pad(8)}<autoAnswer><autoAnswerEnabled>2</autoAnswerEnabled></autoAnswer>${nl}`;
    out += el(8, "callWaiting", 3);
    // Stock Asterisk registers only the primary line; secondary lines carry no credentials.
    if (i === 0) {
      out += el(8, "authName", l.authName);
      out += el(8, "authPassword", mask ? MASK : l.password);
    }
    out += el(8, "sharedLine", "false");
    out += el(8, "messageWaitingLampPolicy", 3);
    out += el(8, "messagesNumber", "*97");
    out += el(8, "ringSettingIdle", 4);
    out += el(8, "ringSettingActive", 5);
    out += el(8, "contact", l.number);
    out += el(8, "maxNumCalls", 2);
    out += el(8, "busyTrigger", 1);
    out += `${pad(6)}</line>${nl}`;
  });
  out += `${pad(4)}</sipLines>`;
  return out;
}

/** 79xx modules: `loadInformation` per module. 88xx modules: `deviceType` + `deviceLine`, no load. */
function addOnModulesBlock(phone: Pick<Phone, "kems">, indent: boolean): string {
  if (phone.kems.length === 0) return "";
  const nl = indent ? "\n" : "";
  const pad = (n: number) => (indent ? " ".repeat(n) : "");
  let out = `${pad(2)}<addOnModules>${nl}`;
  for (const k of phone.kems) {
    const facts = kemCatalogue[k.model as KemModel];
    out += `${pad(4)}<addOnModule idx="${k.position}">${nl}`;
    if (facts?.family === "79xx") out += `${pad(6)}<loadInformation>${facts.loadInformation}</loadInformation>${nl}`;
    else {
      out += `${pad(6)}<deviceType>${escapeXml(k.model)}</deviceType>${nl}`;
      out += `${pad(6)}<deviceLine>${facts?.buttons ?? 0}</deviceLine>${nl}`;
    }
    out += `${pad(4)}</addOnModule>${nl}`;
  }
  return `${out}${pad(2)}</addOnModules>`;
}

/**
 * 88xx: the keys right of the display are session keys unless `<vendorConfig><lineMode>1` ("Enhanced Line
 * Mode") makes them line keys; the catalogue's 10 line keys, and KEM buttons numbered from 11, assume it.
 */
const lineModeBlock = (model: string, indent: boolean) =>
  findPhoneModel(model)?.sessionModeLineKeys ? `${indent ? "    " : ""}<lineMode>1</lineMode>` : "";

export function buildContext(
  phone: Pick<Phone, "mac" | "model" | "ip" | "label" | "location" | "softwareType" | "kems">,
  lines: readonly RenderLine[],
  server: ServerFacts,
  options: { maskSecrets: boolean; versionStamp: string; loadInformation?: string | null },
): TemplateContext {
  const model = findPhoneModel(phone.model);
  const mac = phone.mac;
  const base = server.baseUrl.replace(/\/+$/, "");
  const values: Record<string, string> = {
    mac,
    deviceName: deviceName(mac),
    model: phone.model,
    productName: model?.productName ?? `Cisco ${phone.model}`,
    ip: phone.ip ?? "",
    label: phone.label ?? "",
    location: phone.location ?? "",
    // ≤ 12 characters and no spaces on 79xx.
    phoneLabel: (phone.label ?? lines[0]?.number ?? "").replace(/\s+/g, "").slice(0, 12),
    deviceProtocol: phone.softwareType === "SCCP" ? "SCCP" : "SIP",
    asteriskHost: server.asteriskHost,
    sipPort: String(server.sipPort),
    sccpPort: String(server.sccpPort),
    ...TRANSPORT_LAYER[server.transport],
    loadInformation: options.loadInformation ?? "",
    baseUrl: base,
    servicesUrl: `${base}/cisco/services?mac=${mac}`,
    directoryUrl: `${base}/cisco/directory?mac=${mac}`,
    authenticationUrl: `${base}/cisco/authenticate`,
    versionStamp: options.versionStamp,
    lineCount: String(lines.length),
    kemCount: String(phone.kems.length),
  };
  lines.forEach((l, i) => {
    const p = `line${i + 1}.`;
    values[`${p}number`] = l.number;
    values[`${p}displayName`] = l.displayName;
    values[`${p}label`] = l.displayName || l.number;
    values[`${p}authName`] = l.authName;
    values[`${p}password`] = options.maskSecrets ? MASK : l.password;
    values[`${p}button`] = String(l.button);
  });
  const isSip = phone.softwareType !== "SCCP";
  return {
    values,
    blocks: {
      sipLines: {
        pretty: isSip ? sipLinesBlock(lines, server.sipPort, options.maskSecrets, true) : "",
        compact: isSip ? sipLinesBlock(lines, server.sipPort, options.maskSecrets, false) : "",
      },
      addOnModules: { pretty: addOnModulesBlock(phone, true), compact: addOnModulesBlock(phone, false) },
      lineMode: { pretty: lineModeBlock(phone.model, true), compact: lineModeBlock(phone.model, false) },
    },
  };
}
