import type { Phone } from "@cisisk/contract";
import type { FastifyInstance } from "fastify";

/**
 * The vendor seam: everything that differs between phone brands sits behind one driver per vendor, so the
 * deploy pipeline (backup → upload → restart → clear session) and the profiles module stay vendor-neutral.
 * Cisco is the only driver today; Yealink and Fanvil (issue 11) add theirs here.
 */
export interface VendorDriver {
  /** "cisco", "yealink", "fanvil": what the console and logs call the vendor. */
  readonly vendor: string;
  /** Whether this driver serves the phone's model. */
  handles(phone: Pick<Phone, "model">): boolean;
  /** The phone's own config file on the phones' file server (Cisco `SEP<MAC>.cnf.xml`, Yealink `<mac>.cfg`). */
  configFile(phone: Pick<Phone, "mac" | "model">): string;
  /** Makes the phone take its new file, by the vendor's means (SIP NOTIFY, AMI, HTTP push…). Never throws. */
  restart(phone: Phone, lines: readonly DeployLine[]): Promise<StepOutcome>;
  /** Phone-facing endpoints the vendor's firmware calls back (no console auth), registered by app.ts. */
  routes?: (app: FastifyInstance) => Promise<void>;
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
    driverFor(phone: Pick<Phone, "model">): VendorDriver | null {
      return drivers.find((d) => d.handles(phone)) ?? null;
    },
  };
}
export type VendorDrivers = ReturnType<typeof vendorDrivers>;
