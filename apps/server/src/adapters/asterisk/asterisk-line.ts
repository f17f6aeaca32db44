import type { PjsipOptions, SccpOptions, SipOptions } from "@cisisk/contract";

/** Everything Asterisk needs to know about one extension, whatever the way it is told (tables or files). */
export interface AsteriskLine {
  number: string;
  technology: "SCCP" | "SIP" | "PJSIP";
  displayName: string;
  context: string;
  /**
   * Plaintext, opened on demand: only written where Asterisk needs it (PJSIP auth_type=userpass), so
   * rendering 10,000 md5 lines decrypts none.
   */
  secret(): string;
  /** MD5(number:realm:secret), what md5_cred / md5secret hold. */
  ha1Md5: string;
  realm: string;
  voicemail: string | null;
  codecs: string[] | null;
  transport: string | null;
  sccp: SccpOptions | null;
  sip: SipOptions | null;
  pjsip: PjsipOptions | null;
}

/**
 * A chan_sccp device: one per SCCP phone of the inventory. The phones' side owns it (its lines and KEMs);
 * extensions only ever write their own `sccpline`.
 */
export interface SccpDevice {
  /** `SEP<MAC>`. */
  name: string;
  /** chan_sccp's `devicetype` (the model, e.g. 7965). */
  deviceType: string;
  description: string;
  /** Line numbers in button order (`button=line,<number>`). */
  lines: string[];
  /** chan_sccp add-on names (`7914`, `7915`, `7916`), at most two. */
  addons: string[];
}

export const DEFAULT_CODECS = ["ulaw", "alaw", "g722"];

/** A caller-id display name safe inside `"…"` of a .conf value or a realtime column. */
export function safeName(name: string, max = 30): string {
  return name
    .replace(/["\\\r\n;]/g, "")
    .slice(0, max)
    .trim();
}

export const callerId = (line: AsteriskLine, max = 40): string => {
  const suffix = ` <${line.number}>`;
  return `"${safeName(line.displayName, Math.max(1, max - suffix.length - 2))}"${suffix}`;
};

export const yesNo = (b: boolean): "yes" | "no" => (b ? "yes" : "no");
