import { findPhoneModel, phoneCatalogue, type SoftwareType } from "@cisisk/contract";
import type { VendorDriver } from "../vendor-driver.js";
import { builtinTemplateFor, builtinTemplates } from "./builtin-templates.js";
import { checkRenderedFile, elementLineFinder, renderTemplate, unknownPlaceholders } from "./cnf-template.js";
import { buildContext } from "./render-context.js";
import { fillEmptyLoad, renderWarnings } from "./render-report.js";

const protocolOf = (t: SoftwareType | null): "SCCP" | "SIP" | null =>
  t === null ? null : t === "SCCP" ? "SCCP" : "SIP";

/**
 * The check of a rendered file is pure, and a bulk deploy renders one profile for thousands of phones whose
 * files differ only in the MAC and the version stamp: those are masked character by character (a digit stays
 * a digit, a letter a letter, so the XML's structure is the same) and files found acceptable are remembered
 * in a small bounded set, so the same XML is not parsed thousands of times. A file with problems is always
 * checked in full (its messages may quote the text).
 */
const acceptable = new Set<string>();
const mask = (text: string) => text.replace(/[0-9]/g, "0").replace(/[A-Za-z]/g, "A");
function checkFile(xml: string, phone: { mac: string; softwareType: SoftwareType | null }) {
  const protocol = protocolOf(phone.softwareType);
  const key = `${protocol ?? ""}\n${xml.replaceAll(phone.mac, mask(phone.mac)).replace(/\b\d{13}\b/g, "0000000000000")}`;
  if (acceptable.has(key)) return [];
  const problems = checkRenderedFile(xml, { protocol });
  if (problems.length > 0) return problems;
  if (acceptable.size >= 32) acceptable.delete(acceptable.values().next().value!);
  acceptable.add(key);
  return problems;
}

/** The Cisco side of profiles: `SEP<MAC>.cnf.xml` templates, their checks, and what a file means. */
export const ciscoProfiles: Pick<
  VendorDriver,
  "builtinTemplates" | "builtinTemplate" | "checkTemplate" | "render" | "checkFile" | "review"
> = {
  builtinTemplates,
  builtinTemplate: builtinTemplateFor,

  /**
   * Placeholders known, then the template rendered for a sample phone of the profile's kind (values with `&`
   * and `<` to prove escaping) must be a well-formed SEP file within Cisco limits. Blocks render on one line
   * so reported lines are the template's.
   */
  checkTemplate(cnfXml, { softwareType, compatibleModels }, server) {
    const unknown = unknownPlaceholders(cnfXml);
    if (unknown.length) return unknown;
    const sampleModel =
      compatibleModels
        .map((m) => findPhoneModel(m))
        .find((m) => m && (!softwareType || m.protocols.includes(softwareType))) ??
      phoneCatalogue.find((m) => !softwareType || m.protocols.includes(softwareType))!;
    const sampleType: SoftwareType = softwareType ?? (/<deviceProtocol>\s*SCCP/.test(cnfXml) ? "SCCP" : "SIP");
    const ctx = buildContext(
      {
        mac: "0011223344AA",
        model: sampleModel.model,
        ip: "192.0.2.10",
        label: "Desk",
        location: "R&D <lab>",
        softwareType: sampleType,
        kems: [],
      },
      [{ button: 1, number: "1001", displayName: "Sample & <User>", authName: "1001", password: "sample&secret" }],
      server,
      { maskSecrets: false, versionStamp: "0" },
    );
    const rendered = renderTemplate(cnfXml, ctx, { compact: true });
    return checkRenderedFile(rendered, { protocol: protocolOf(softwareType) }, elementLineFinder(cnfXml));
  },

  render(cnfXml, phone, { lines, server, maskSecrets, versionStamp, load }) {
    const ctx = buildContext(phone, lines, server, { maskSecrets, versionStamp, loadInformation: load });
    return fillEmptyLoad(renderTemplate(cnfXml, ctx), load);
  },

  checkFile,

  review(xml, phone, lines, server) {
    const sip = phone.softwareType !== "SCCP";
    return {
      // SIP: Cisco firmware registers line 1 only (stock Asterisk); SCCP lines come from chan_sccp.
      lines: lines.map((l, i) => ({ button: l.button, number: l.number, registers: !sip || i === 0 })),
      warnings: renderWarnings(xml, phone, lines, server.transport),
    };
  },
};
