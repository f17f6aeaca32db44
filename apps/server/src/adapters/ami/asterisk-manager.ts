import { AmiError, type AmiClient } from "./ami-client.js";
import { field, fieldAll } from "./ami-wire.js";

export type Technology = "SCCP" | "SIP" | "PJSIP";

/** What a reload re-reads: a driver's whole config, or only PJSIP's wizards (pjsip_wizard.conf). */
export type ReloadTarget = Technology | "PJSIP_WIZARDS";

export interface PjsipContact {
  /** The contact's sorcery id (`<aor>;@<hash>`), what removing it needs. */
  id: string | null;
  endpoint: string;
  aor: string;
  uri: string;
  userAgent: string | null;
  viaAddr: string | null;
  /** Call-ID of the REGISTER that made this contact (Cisco's service-control restart quotes it). */
  callId: string | null;
  status: string | null;
  expiresAt: string | null;
}

export interface SipPeerState {
  name: string;
  ip: string | null;
  status: string | null;
}

/** What the extensions module needs from Asterisk's manager interface, in its own words. */
export interface AsteriskManager {
  /** Re-reads the config of each channel driver (after the files mode rewrote its fragment). */
  reload(targets: readonly ReloadTarget[]): Promise<void>;
  /** Every config file Asterisk has read, included ones too (CLI `config list`), as Asterisk names them. */
  loadedConfigFiles(): Promise<string[]>;
  /** Every registered PJSIP contact (PJSIPShowContacts). */
  pjsipContacts(): Promise<PjsipContact[]>;
  /** chan_sip peers (SIPpeers); null when chan_sip is not loaded (gone since Asterisk 21). */
  sipPeers(): Promise<SipPeerState[] | null>;
  /** Forgets one registered PJSIP contact (its row in Asterisk's astdb registrar). */
  removeContact(id: string): Promise<void>;
  ping(): Promise<void>;
}

/** CLI commands run through AMI `Command` (Asterisk 14+ answers with `Output:` lines). */
export const reloadCommands: Record<ReloadTarget, string> = {
  PJSIP: "module reload res_pjsip.so",
  // Re-reads pjsip_wizard.conf and re-creates only the wizards whose text changed.
  PJSIP_WIZARDS: "module reload res_pjsip_config_wizard.so",
  SIP: "sip reload",
  SCCP: "sccp reload",
};

/**
 * A reload answers once Asterisk has re-read the config: at site scale (10,000 PJSIP endpoints) that takes
 * seconds, more on a busy machine. Failing it at the AMI's usual timeout would mark a change failed that
 * Asterisk then applies anyway, and hold every later change behind its retry.
 */
const RELOAD_TIMEOUT_MS = 60_000;

export function createAsteriskManager(ami: AmiClient): AsteriskManager {
  return {
    async reload(targets) {
      for (const tech of targets) {
        const reply = await ami.action("Command", { Command: reloadCommands[tech] }, { timeoutMs: RELOAD_TIMEOUT_MS });
        const output = fieldAll(reply, "Output").join("\n");
        // A CLI error still comes back as Response: Success; its text tells.
        if (/No such command|not found|Unable to/i.test(output)) {
          throw new AmiError("action_failed", `${reloadCommands[tech]}: ${output.slice(0, 200)}`);
        }
      }
    },
    async loadedConfigFiles() {
      const reply = await ami.action("Command", { Command: "config list" });
      // One line per (module, file): `<who asked, 20 columns> <file>`; the file is the last word.
      return fieldAll(reply, "Output")
        .flatMap((out) => out.split("\n"))
        .map((line) => line.trim().split(/\s+/).at(-1) ?? "")
        .filter((file) => file.endsWith(".conf"));
    },
    async pjsipContacts() {
      try {
        const { events } = await ami.listAction("PJSIPShowContacts");
        return events
          .filter((e) => field(e, "Event") === "ContactList")
          .map((e) => ({
            id: field(e, "ObjectName") || null,
            endpoint: field(e, "Endpoint") ?? "",
            aor: field(e, "Aor") ?? "",
            uri: field(e, "Uri") ?? "",
            userAgent: field(e, "UserAgent") || null,
            viaAddr: field(e, "ViaAddr") || null,
            callId: field(e, "CallId") || null,
            status: field(e, "Status") || null,
            expiresAt: expirationOf(field(e, "RegExpire") ?? field(e, "ExpirationTime")),
          }));
      } catch (err) {
        // Asterisk answers an empty list with Response: Error "No Contacts found".
        if (err instanceof AmiError && err.code === "action_failed" && /no .*found/i.test(err.message)) return [];
        throw err;
      }
    },
    async sipPeers() {
      try {
        const { events } = await ami.listAction("SIPpeers");
        return events
          .filter((e) => field(e, "Event") === "PeerEntry")
          .map((e) => {
            const ip = field(e, "IPaddress");
            return {
              name: field(e, "ObjectName") ?? "",
              ip: ip && ip !== "-none-" && ip !== "(null)" ? ip : null,
              status: field(e, "Status") || null,
            };
          });
      } catch (err) {
        if (err instanceof AmiError && err.code === "action_failed" && /Invalid\/unknown command/i.test(err.message))
          return null;
        throw err;
      }
    },
    async removeContact(id) {
      // res_pjsip keeps registered contacts in the astdb (sorcery `contact=astdb,registrar`).
      await ami.action("DBDel", { Family: "registrar/contact", Key: id });
    },
    async ping() {
      await ami.action("Ping");
    },
  };
}

/** ExpirationTime is seconds since the epoch. */
function expirationOf(value: string | undefined): string | null {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : null;
}
