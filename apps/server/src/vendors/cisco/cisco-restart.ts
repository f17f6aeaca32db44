import type { Phone } from "@cisisk/contract";
import type { AsteriskPhoneControl } from "../../adapters/ami/phone-control.js";
import type { CgiExecutor } from "../../adapters/cgi/cgi-execute.js";
import { parseContactUri } from "../../adapters/sip/build-notify.js";
import type { SipNotifier } from "../../adapters/sip/sip-notify.js";
import type { DeployLine, LineRegistry, StepOutcome } from "../vendor-driver.js";

export interface CiscoRestartSettings {
  sipMethod: "notify" | "ami";
  sipEvent: "check-sync" | "service-control";
  /** Fallback target `<phone ip>:sip_port` when Asterisk cannot say where the line is registered. */
  sipPort: number;
  sipTransport: "udp" | "tcp";
  sccpMethod: "cgi" | "ami";
  cgiUsername: string;
  cgiPassword: string;
  cgiPort: number;
  /** Pause between the key-press POSTs of a CGI restart (phones need about 1 s to act on a key). */
  cgiKeyDelayMs: number;
}

export interface CiscoRestartPorts {
  sip: SipNotifier;
  cgi: CgiExecutor;
  ami: AsteriskPhoneControl | null;
  lineRegistration: LineRegistry;
}

/**
 * CUCM firmware has no restart URI; tools press keys instead, one POST per group, about 1 s apart
 * (reference §3.3): on 79xx, Settings then `**#**` restarts the phone.
 */
export const SCCP_RESTART_KEYS: string[][] = [
  ["Key:Settings"],
  ["Key:KeyPadStar", "Key:KeyPadStar", "Key:KeyPadPound"],
  ["Key:KeyPadStar", "Key:KeyPadStar"],
];

const ZERO_STAMP = "{00000000-0000-0000-0000-000000000000}";

/**
 * The body of Cisco's `service-control` NOTIFY (text/plain): the firmware answers 400 unless
 * `RegisterCallId` is the Call-ID of its own REGISTER (reference §3.1).
 */
export function serviceControlBody(callId: string): string[] {
  return [
    "action=restart",
    `RegisterCallId={${callId}}`,
    `ConfigVersionStamp=${ZERO_STAMP}`,
    `DialplanVersionStamp=${ZERO_STAMP}`,
    `SoftkeyVersionStamp=${ZERO_STAMP}`,
  ];
}

export const deviceName = (mac: string) => `SEP${mac}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createCiscoRestart(settings: CiscoRestartSettings, ports: CiscoRestartPorts) {
  /** SCCP: chan_sccp's SCCPDeviceRestart, or the CGI key sequence on the phone itself. */
  async function sccp(phone: Phone): Promise<StepOutcome> {
    const name = deviceName(phone.mac);
    if (settings.sccpMethod === "ami") {
      if (!ports.ami) return { ok: false, detail: "sccp_method is ami but AMI is not configured" };
      await ports.ami.sccpDeviceRestart(name, "restart");
      return { ok: true, detail: `SCCPDeviceRestart ${name} sent` };
    }
    if (!phone.ip) return { ok: false, detail: "the phone has no IP address to send the restart to" };
    const target = {
      host: phone.ip,
      port: settings.cgiPort,
      username: settings.cgiUsername,
      password: settings.cgiPassword,
    };
    let pushes = 0;
    for (const [i, keys] of SCCP_RESTART_KEYS.entries()) {
      if (i > 0 && settings.cgiKeyDelayMs > 0) await sleep(settings.cgiKeyDelayMs);
      const r = await ports.cgi.execute(target, keys);
      if (!r.ok) return { ok: false, detail: `CGI/Execute ${keys.join(",")}: ${r.detail}` };
      pushes++;
    }
    return { ok: true, detail: `CGI/Execute key sequence accepted (${pushes} pushes)` };
  }

  /**
   * SIP: a NOTIFY (check-sync, or service-control with the REGISTER's Call-ID) to the primary line's
   * registered contact, sent by Asterisk (AMI) or by Cisisk itself.
   */
  async function sip(phone: Phone, line: DeployLine | undefined): Promise<StepOutcome> {
    const event = settings.sipEvent;
    const registration = line ? await ports.lineRegistration(line.number) : null;
    // The phone's own contact when it registered the line from several places.
    const contacts = registration?.contacts ?? [];
    const contact = contacts.find((c) => phone.ip && c.ip === phone.ip) ?? contacts[0];
    const notRegistered = `line ${line?.number} is not registered with Asterisk: the phone cannot be sent a ${event}`;
    if (event === "service-control" && !contact) {
      if (registration) return { ok: false, detail: notRegistered };
      if (settings.sipMethod === "ami")
        return { ok: false, detail: `Asterisk cannot be asked where line ${line?.number} is registered` };
    }
    if (event === "service-control" && contact && !contact.callId)
      return { ok: false, detail: `Asterisk does not say the Call-ID of line ${line?.number}'s REGISTER` };

    if (settings.sipMethod === "ami") {
      if (!ports.ami) return { ok: false, detail: "sip_method is ami but AMI is not configured" };
      if (!line) return { ok: false, detail: "the phone has no line for Asterisk to send the NOTIFY to" };
      // PJSIPNotify/SIPnotify answer "NOTIFY sent" even with no contact to send to: check first.
      if (registration && !contact) return { ok: false, detail: notRegistered };
      const variables: Array<[string, string]> = [["Event", event]];
      if (event === "service-control") {
        variables.push(["Content-Type", "text/plain"]);
        // Each Content line becomes one body line (joined with CRLF); the empty last one ends it with CRLF.
        for (const l of [...serviceControlBody(contact!.callId!), ""]) variables.push(["Content", l]);
      }
      const chanSip = registration?.technology === "SIP";
      if (chanSip) await ports.ami.sipNotify(line.number, variables);
      else await ports.ami.pjsipNotify(line.number, variables);
      // Asterisk's "NOTIFY sent" only means it was queued (reference §3.1).
      return {
        ok: true,
        detail: `${chanSip ? "SIPnotify" : "PJSIPNotify"} ${line.number} ${event} queued by Asterisk${contact ? ` for ${contact.uri}` : ""}`,
      };
    }

    const target = contact ? parseContactUri(contact.uri) : null;
    if (contact && !target) return { ok: false, detail: `cannot send a NOTIFY to ${contact.uri} (only UDP and TCP)` };
    if (!target && !phone.ip) return { ok: false, detail: "the phone has no IP address to send the restart to" };
    const to = target ?? {
      host: phone.ip!,
      port: settings.sipPort,
      user: line?.number ?? deviceName(phone.mac),
      transport: settings.sipTransport,
    };
    const r = await ports.sip.notify({
      ...to,
      user: to.user || line?.number || deviceName(phone.mac),
      event,
      // Without Asterisk the Call-ID is unknown: `{}`, which only lenient firmware accepts.
      ...(event === "service-control" && { action: "restart" as const, registerCallId: contact?.callId ?? "" }),
    });
    const where = target ? `registered contact ${contact!.uri}` : `${to.host}:${to.port} (Asterisk could not be asked)`;
    return { ok: r.ok, detail: `NOTIFY ${event} over ${to.transport.toUpperCase()} to ${where}: ${r.detail}` };
  }

  return (phone: Phone, lines: readonly DeployLine[]): Promise<StepOutcome> =>
    phone.softwareType === "SCCP" ? sccp(phone) : sip(phone, lines[0]);
}
