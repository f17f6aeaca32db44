// XML 1.0 forbids C0 controls other than tab, LF and CR (and U+FFFE/U+FFFF), even as character
// references: one in a name would make a whole SEP file or phone page unparsable, so they are dropped.
// eslint-disable-next-line no-control-regex
export const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

const XML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** The one XML escaper (element text and attribute values alike). */
export function escapeXml(value: string): string {
  return value.replace(INVALID_XML_CHARS, "").replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}
