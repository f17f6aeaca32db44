import type { BuiltinTemplate, Phone, RenderWarning, SoftwareType } from "@cisisk/contract";
import type { FastifyInstance } from "fastify";

/**
 * The vendor seam: everything that differs between phone brands sits behind one driver per vendor, so the
 * deploy pipeline (backup → upload → restart → clear session) and the profiles module stay vendor-neutral.
 * Cisco is the only deploy driver today; every brand has a provisioning driver below (issue 11).
 */
export interface VendorDriver {
  /** "cisco", "yealink", "fanvil": what the console and logs call the vendor. */
  readonly vendor: string;
  /** Whether this driver serves the phone (its brand, then its model). */
  handles(phone: Pick<Phone, "model"> & { brand?: string }): boolean;
  /** The phone's own config file on the phones' file server (Cisco `SEP<MAC>.cnf.xml`, Yealink `<mac>.cfg`). */
  configFile(phone: Pick<Phone, "mac" | "model">): string;
  /** Makes the phone take its new file, by the vendor's means (SIP NOTIFY, AMI, HTTP push…). Never throws. */
  restart(phone: Phone, lines: readonly DeployLine[]): Promise<StepOutcome>;
  /** Phone-facing endpoints the vendor's firmware calls back (no console auth), registered by app.ts. */
  routes?: (app: FastifyInstance) => Promise<void>;

  /** The starting templates the console offers (`GET /profiles/templates`). */
  readonly builtinTemplates: readonly BuiltinTemplate[];
  /** The template a new profile gets when it brings none. */
  builtinTemplate(softwareType: SoftwareType | null): string;
  /**
   * Save-time check of a profile's template (the vendor's language and file format, rendered for a sample
   * phone of the profile's kind). Problems carry the template's line; empty when the template is fine.
   */
  checkTemplate(template: string, kind: ProfileKind, server: ServerFacts): TemplateProblem[];
  /** The phone's config file from a profile's template (Cisco XML, Yealink `key = value` text, Fanvil XML). */
  render(template: string, phone: RenderPhone, context: RenderContext): string;
  /** Deploy-time check of a rendered file against the phone's firmware; empty when it may go to the phone. */
  checkFile(file: string, phone: Pick<Phone, "softwareType" | "mac">): TemplateProblem[];
  /** What a rendered file means for the phone: which of its lines register, and what will not work. */
  review(
    file: string,
    phone: Pick<Phone, "model" | "softwareType">,
    lines: readonly RenderLine[],
    server: ServerFacts,
  ): FileReview;
}

/** What the server tells phones about itself, whatever their vendor. */
export interface ServerFacts {
  asteriskHost: string;
  sipPort: number;
  sccpPort: number;
  /** `[sip] transport`. */
  transport: "udp" | "tcp" | "tls";
  /** How phones reach this server (`[phone_services] base_url`), no trailing slash. */
  baseUrl: string;
}

/** A line of the phone as its file needs it, in button order. */
export interface RenderLine {
  button: number;
  number: string;
  displayName: string;
  authName: string;
  /** In clear: SIP phones need it in their file. Never logged. */
  password: string;
}

/** The phone facts a file is rendered from. */
export type RenderPhone = Pick<Phone, "mac" | "model" | "ip" | "label" | "location" | "softwareType" | "kems">;

export interface RenderContext {
  lines: readonly RenderLine[];
  server: ServerFacts;
  /** Passwords replaced by `********` (previews). */
  maskSecrets: boolean;
  /** Changes on every render, so phones see a new file. */
  versionStamp: string;
  /** The firmware load the phone gets, null for none. */
  load: string | null;
}

/** What a profile is for, as far as a save-time check can know without a phone. */
export interface ProfileKind {
  softwareType: SoftwareType | null;
  compatibleModels: readonly string[];
}

export interface TemplateProblem {
  line: number;
  column?: number;
  message: string;
}

export interface FileReview {
  lines: Array<{ button: number; number: string; registers: boolean }>;
  warnings: RenderWarning[];
}

/** A line of the phone, in button order, as the restart needs it. */
export interface DeployLine {
  number: string;
}

export interface StepOutcome {
  ok: boolean;
  detail: string;
}

/** Where a line is registered now, as Asterisk says; null when Asterisk cannot be asked. */
export type LineRegistry = (number: string) => Promise<{
  technology: "SCCP" | "SIP" | "PJSIP";
  state: "registered" | "unregistered";
  contacts: Array<{ uri: string; ip: string | null; callId: string | null }>;
} | null>;

/** Picks the driver of a phone; the first that handles its model wins. */
export function vendorDrivers(drivers: readonly VendorDriver[]) {
  return {
    all: drivers,
    /** null when no driver serves the model (the deploy fails its restart step with the reason). */
    driverFor(phone: Pick<Phone, "model"> & { brand?: string }): VendorDriver | null {
      return drivers.find((d) => d.handles(phone)) ?? null;
    },
  };
}
export type VendorDrivers = ReturnType<typeof vendorDrivers>;

// ── Zero-touch provisioning (issue 11): how each vendor's phones name, read and re-read their own file. ──

/** A SIP account of a device's file (Yealink `account.N`, Fanvil `<line index="N">`, Snom `idx="N"`, Polycom `reg.N`). */
export interface ProvisionAccount {
  index: number;
  /** SIP user (registration user, URI user). */
  username: string;
  authName: string;
  /** In clear: the phone needs it. Never logged. */
  password: string;
  displayName: string;
  label: string;
  host: string;
  port: number;
  transport: "udp" | "tcp" | "tls";
}

/** What a device file is rendered from. */
export interface ProvisionDevice {
  id: string;
  /** 12 uppercase hex. */
  mac: string;
  model: string;
  label: string | null;
  /** Accounts 1..N in order (gaps are disabled accounts). */
  accounts: readonly ProvisionAccount[];
  /** Accounts the model holds. */
  capacity: number;
  /** Model keys (`[provisioning] model_keys`) overridden by the device's own. */
  extraKeys: Readonly<Record<string, string>>;
  /** Where phones fetch their files (`[provisioning] provision_url_base`), no trailing slash. */
  provisionUrl: string;
  /** A console preview: passwords already masked in `accounts`; drivers rendering elsewhere mask theirs. */
  maskSecrets: boolean;
}

/** A file name one vendor's phones ask for. */
export type ProvisionFileMatch =
  | { kind: "device"; mac: string }
  /** A phone's master file, which only names the files it reads next (Polycom `<mac>.cfg`): no secrets. */
  | { kind: "master"; mac: string }
  /** A model's common file (Yealink `y0000000000XX.cfg`): no secrets, the same for every phone of the model. */
  | { kind: "common"; code: string }
  /** A name the phones try first that is never served here (Grandstream's binary `cfg<mac>`): 404, no miss. */
  | { kind: "absent" };

/** The extension of a generic MAC name: `<mac>`, `<mac>.cfg`, `<mac>.xml`. */
export type GenericExtension = "" | "cfg" | "xml";

export interface ProvisioningDriver {
  readonly vendor: string;
  /** This vendor's own names (`SEP<MAC>.cnf.xml`, `cfg<mac>.xml`…); null when the name is not one of them. */
  matchFile(name: string): ProvisionFileMatch | null;
  /**
   * What the generic `<mac>`, `<mac>.cfg`, `<mac>.xml` names are for this vendor's phones: their device file, their
   * master file (Polycom `<mac>.cfg`), or nothing (null: Cisco, Grandstream; Snom only reads `.xml`). The phone's
   * brand decides, so `<mac>.xml` is a Fanvil's or a Snom's file and `<mac>.cfg` a Yealink's, Fanvil's or Polycom's.
   */
  genericFile(ext: GenericExtension): "device" | "master" | null;
  /** The device file the console shows (`<mac>.cfg`, `SEP<MAC>.cnf.xml`). */
  deviceFile(mac: string): string;
  readonly contentType: string;
  /** The device's file; null when there is nothing to serve (a Cisco phone without a profile). */
  renderDevice(device: ProvisionDevice): Promise<string | null> | string | null;
  /** The device's master file, for vendors whose phones read one first (Polycom). */
  renderMaster?(device: ProvisionDevice): string;
  /** A model common file; null when the code is no model's. */
  renderCommon?(code: string, settings: CommonFileSettings): string | null;
  /** The MAC a User-Agent carries (Yealink, Fanvil, Grandstream), 12 uppercase hex; null when it carries none. */
  userAgentMac(userAgent: string): string | null;
  /** The NOTIFY Event that makes the phone reboot or re-read its file; null = the driver restarts it itself. */
  notifyEvent(mode: "reboot" | "resync"): string | null;
}

export interface CommonFileSettings {
  provisionUrl: string;
  /** Provisioning HTTP credentials when `[provisioning] auth` asks for them. */
  username: string | null;
  password: string | null;
}

/** 12 uppercase hex digits from a MAC the way a User-Agent spells it (with or without colons). */
export function macFromText(text: string): string | null {
  const m = /(?:^|[\s(;])((?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{12})(?:$|[\s);])/.exec(text);
  return m ? m[1]!.replace(/:/g, "").toUpperCase() : null;
}
