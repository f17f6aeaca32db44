import { findPhoneModel, type Phone, type RenderWarning } from "@cisisk/contract";
import { XMLParser } from "fast-xml-parser";
import type { RenderLine } from "./line-source.js";

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: true });

const asList = (v: unknown): Record<string, unknown>[] =>
  v === undefined
    ? []
    : (Array.isArray(v) ? v : [v]).filter((x): x is Record<string, unknown> => typeof x === "object");

/** `<loadInformation>` that is empty: only the device's own can be (a 79xx KEM's always names its load). */
const EMPTY_LOAD = /<loadInformation\s*\/>|<loadInformation>\s*<\/loadInformation>/;

/** Templates saved before `{{loadInformation}}` existed still get the load in their empty element. */
export function fillEmptyLoad(xml: string, load: string | null): string {
  return load ? xml.replace(EMPTY_LOAD, `<loadInformation>${load}</loadInformation>`) : xml;
}

/**
 * What the administrator should know before this file reaches the phone: things that make it register less
 * than it seems (no line, lines 2+ on stock Asterisk, 88xx keys without line mode) and references to files
 * Cisisk does not provide.
 */
export function renderWarnings(
  xml: string,
  phone: Pick<Phone, "model" | "softwareType">,
  lines: RenderLine[],
  transport: "udp" | "tcp" | "tls",
): RenderWarning[] {
  const warnings: RenderWarning[] = [];
  const sip = phone.softwareType !== "SCCP";
  let device: Record<string, unknown> = {};
  try {
    device = ((parser.parse(xml) as Record<string, unknown>).device as Record<string, unknown>) ?? {};
  } catch {
    // The file is checked elsewhere; warnings are best effort.
  }
  const sipProfile = (device.sipProfile ?? {}) as Record<string, unknown>;
  const sipLines = asList((sipProfile.sipLines as Record<string, unknown> | undefined)?.line).filter(
    (l) => String(l.featureID) === "9",
  );
  if (sip ? sipLines.length === 0 : lines.length === 0)
    warnings.push({
      code: "no_line",
      message: sip
        ? "The file has no line: the phone will not register. Give the profile or the phone an owner with extensions, or link extensions to the phone's buttons."
        : "No extension is tied to this phone: chan_sccp gives it no line. Give the profile or the phone an owner with SCCP extensions, or link extensions to its buttons.",
    });
  if (sip && sipLines.length > 1) {
    const numbers = sipLines.slice(1).map((l) => String(l.name ?? ""));
    warnings.push({
      code: "secondary_lines_unregistered",
      message: `Lines 2-${sipLines.length} (${numbers.join(", ")}) are written without credentials: Cisco firmware sends REGISTER for line 1 only, so with stock Asterisk they show on the phone but never register (calls to them fail). They register only on Asterisk with the usecallmanager patch (line 1's chan_sip peer with register=${numbers.join(",")}); otherwise give the phone one line.`,
    });
  }
  const model = findPhoneModel(phone.model);
  const vendor = (device.vendorConfig ?? {}) as Record<string, unknown>;
  if (sip && model?.sessionModeLineKeys && String(vendor.lineMode ?? "") !== "1") {
    const beyond = lines.filter((l) => l.button > model.sessionModeLineKeys! && l.button <= model.lineKeys);
    warnings.push({
      code: "no_line_mode",
      message: `The file has no <vendorConfig><lineMode>1</lineMode>: the ${model.lineKeys - model.sessionModeLineKeys} keys right of the display are session keys, not line keys${beyond.length ? `, so ${beyond.map((l) => l.number).join(", ")} on buttons ${beyond.map((l) => l.button).join(", ")} will not show` : ""}.`,
    });
  }
  if (sip && transport === "udp")
    warnings.push({
      code: "udp_transport",
      message:
        'transportLayerProtocol 2 (UDP): Cisco firmware retransmits SIP badly over UDP. Set [sip] transport = "tcp" (1) or "tls" (3).',
    });
  if (!("loadInformation" in device))
    warnings.push({
      code: "no_load_information",
      message: "The file has no <loadInformation>: the phone keeps whatever firmware it runs.",
    });
  const dialTemplate = sipProfile.dialTemplate;
  if (typeof dialTemplate === "string" && dialTemplate.trim())
    warnings.push({
      code: "dial_template_not_provided",
      message: `The file names the dial template ${dialTemplate}, which Cisisk does not upload: put it on the phones' TFTP/HTTP server or remove <dialTemplate>.`,
    });
  return warnings;
}
