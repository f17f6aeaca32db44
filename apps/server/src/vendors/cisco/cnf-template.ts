import { XMLParser, XMLValidator } from "fast-xml-parser";
import { escapeXml } from "../../lib/xml-escape.js";
import type { TemplateProblem } from "../vendor-driver.js";

/**
 * The profile template language (documented in docs/profiles.md):
 * - `{{name}}` inserts a value, XML-escaped (`&` → `&amp;` …): `{{mac}}`, `{{line1.password}}`.
 * - `{{@name}}` inserts a block generated per phone (`{{@sipLines}}`, `{{@addOnModules}}`), already XML.
 * Whitespace inside the braces is allowed. Anything else between `{{` and `}}` is an error at save time.
 */
const PLACEHOLDER = /\{\{\s*(@?)([A-Za-z][A-Za-z0-9_.]*)\s*\}\}/g;

const templateVariables = [
  "mac",
  "deviceName",
  "model",
  "productName",
  "ip",
  "label",
  "location",
  "phoneLabel",
  "deviceProtocol",
  "asteriskHost",
  "sipPort",
  "sccpPort",
  "transportLayerProtocol",
  "deviceSecurityMode",
  "loadInformation",
  "baseUrl",
  "servicesUrl",
  "directoryUrl",
  "authenticationUrl",
  "versionStamp",
  "lineCount",
  "kemCount",
] as const;
const templateBlocks = ["sipLines", "addOnModules", "lineMode"] as const;
/** Per line N (1-based): `lineN.number`, `lineN.displayName`, `lineN.authName`, `lineN.password`, `lineN.button`. */
const LINE_VAR = /^line([1-9][0-9]?)\.(number|displayName|authName|password|button|label)$/;

export interface TemplateContext {
  values: Record<string, string>;
  blocks: Record<(typeof templateBlocks)[number], { pretty: string; compact: string }>;
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Placeholders the language does not know, with their template line. */
export function unknownPlaceholders(template: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const [, at, name] = m;
    const ok = at
      ? (templateBlocks as readonly string[]).includes(name!)
      : (templateVariables as readonly string[]).includes(name!) || LINE_VAR.test(name!);
    if (!ok) problems.push({ line: lineOf(template, m.index), message: `unknown placeholder {{${at}${name}}}` });
  }
  // A `{{` that is not a placeholder (typo, unbalanced braces).
  const stripped = template.replace(PLACEHOLDER, (s) => " ".repeat(s.length));
  const stray = stripped.indexOf("{{");
  if (stray >= 0)
    problems.push({ line: lineOf(template, stray), message: "malformed placeholder: '{{' without a matching '}}'" });
  return problems;
}

/**
 * Fills the template. `compact` puts generated blocks on one line, so the rendered file's line numbers are
 * the template's (used at save time to report the template line of a problem).
 */
export function renderTemplate(template: string, ctx: TemplateContext, options: { compact?: boolean } = {}): string {
  return template.replace(PLACEHOLDER, (_s, at: string, name: string) => {
    if (at) {
      const block = ctx.blocks[name as keyof TemplateContext["blocks"]];
      return block ? (options.compact ? block.compact : block.pretty) : "";
    }
    return escapeXml(ctx.values[name] ?? "");
  });
}

// Entities are never expanded: a profile has no use for them, and expansion is how XML bombs work.
const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: true,
  processEntities: false,
});

/** Cisco limits: checked on a rendered file. */
export function checkRenderedFile(
  xml: string,
  expected: { protocol: "SCCP" | "SIP" | null },
  lineHint: (element: string) => number = () => 1,
): TemplateProblem[] {
  // A DTD could declare entities (billion laughs, external files); phones' files never carry one.
  const doctype = /<!DOCTYPE/i.exec(xml);
  if (doctype)
    return [{ line: lineOf(xml, doctype.index), message: "a DOCTYPE (DTD or entity declarations) is not allowed" }];
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return [{ line: valid.err.line, column: valid.err.col, message: `not well-formed XML: ${valid.err.msg}` }];
  }
  const problems: TemplateProblem[] = [];
  const doc = parser.parse(xml) as Record<string, unknown>;
  const root = Object.keys(doc).filter((k) => !k.startsWith("?"));
  if (root.length !== 1 || root[0] !== "device") {
    return [
      {
        line: 1,
        message: `the root element must be <device> (found ${root.map((r) => `<${r}>`).join(", ") || "none"})`,
      },
    ];
  }
  const device = doc.device as Record<string, unknown>;
  const protocol = typeof device.deviceProtocol === "string" ? device.deviceProtocol : null;
  if (!protocol) problems.push({ line: 1, message: "<deviceProtocol> (SCCP or SIP) is required" });
  else if (expected.protocol && protocol !== expected.protocol)
    problems.push({
      line: lineHint("deviceProtocol"),
      message: `<deviceProtocol> is ${protocol} but the profile is for ${expected.protocol} firmware`,
    });

  const walk = (node: unknown, name: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, name));
    if (node !== null && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) if (!k.startsWith("@_")) walk(v, k);
      return;
    }
    const text = String(node ?? "");
    const at = () => lineHint(name);
    if (/URL$/.test(name) && text.length > 255)
      problems.push({ line: at(), message: `<${name}> is ${text.length} characters; Cisco phones take at most 255` });
    if (name === "processNodeName" && text.length > 50)
      problems.push({ line: at(), message: "<processNodeName> is longer than 50 characters" });
    if (name === "phoneLabel" && text.length > 12)
      problems.push({ line: at(), message: "<phoneLabel> is longer than 12 characters" });
    if ((name === "authPassword" || name === "authName") && text.length > 30)
      problems.push({ line: at(), message: `<${name}> is longer than 30 characters` });
    if (/^(on|off|yes|no)$/i.test(text))
      problems.push({
        line: at(),
        message: `<${name}> is "${text}": Cisco firmware wants numeric or true/false booleans`,
      });
  };
  walk(device, "device");

  if (protocol === "SCCP") {
    if ("sipProfile" in device)
      problems.push({
        line: lineHint("sipProfile"),
        message: "an SCCP file carries no <sipProfile>: chan_sccp pushes lines over Skinny",
      });
    if (/<authPassword>/.test(xml))
      problems.push({ line: lineHint("authPassword"), message: "an SCCP file must not carry line credentials" });
  }
  if (protocol === "SIP") {
    const sipProfile = device.sipProfile as Record<string, unknown> | undefined;
    const lines = (sipProfile?.sipLines as Record<string, unknown> | undefined)?.line;
    const list = (Array.isArray(lines) ? lines : lines ? [lines] : []) as Record<string, unknown>[];
    if (!list.some((l) => String(l.featureID) === "9"))
      problems.push({
        line: lineHint("sipLines"),
        message: "a SIP file needs <sipProfile><sipLines> with at least one line (featureID 9)",
      });
    for (const l of list)
      if (String(l.featureID) === "9" && l.proxy !== "USECALLMANAGER")
        problems.push({
          line: lineHint("proxy"),
          message: "SIP lines need <proxy>USECALLMANAGER</proxy> on 9.x+ firmware",
        });
  }
  return problems;
}

/** The template line of the first `<element`, for problems found after parsing. */
export function elementLineFinder(template: string): (element: string) => number {
  return (element) => {
    const i = template.indexOf(`<${element}`);
    if (i >= 0) return lineOf(template, i);
    // Generated blocks: point at the placeholder that produced them.
    const block = element === "addOnModule" || element === "addOnModules" ? "@addOnModules" : "@sipLines";
    const j = template.search(new RegExp(`\\{\\{\\s*${block}\\s*\\}\\}`));
    return j >= 0 ? lineOf(template, j) : 1;
  };
}
