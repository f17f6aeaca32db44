import { directoryCsvColumns, type Contact } from "@cisisk/contract";
import { CsvError, parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";

/** One record read from a file, before validation: field name → text, and where it was. */
export interface RawRecord {
  row: number;
  fields: Record<string, string>;
}
/** A problem that makes the whole file unreadable (bad quoting, unknown column, no card). */
export class FileProblem extends Error {
  constructor(
    readonly row: number,
    message: string,
  ) {
    super(message);
  }
}

type Column = (typeof directoryCsvColumns)[number];
const key = (header: string) => header.toLowerCase().replace(/[^a-z]/g, "");
// Besides our own headers, the spellings address-book and spreadsheet exports commonly use.
const HEADER_ALIASES: Record<string, Column> = {
  ...Object.fromEntries(directoryCsvColumns.map((c) => [key(c), c])),
  first: "firstName",
  givenname: "firstName",
  last: "lastName",
  surname: "lastName",
  familyname: "lastName",
  work: "workNumber",
  workphone: "workNumber",
  businessphone: "workNumber",
  phone: "workNumber",
  mobile: "mobileNumber",
  mobilephone: "mobileNumber",
  cell: "mobileNumber",
  home: "homeNumber",
  homephone: "homeNumber",
  emailaddress: "email",
  mail: "email",
};

/** `;` or `,`: whichever occurs more often outside quotes on the header line. */
function detectDelimiter(text: string): ";" | "," {
  let inQuotes = false;
  let semicolons = 0;
  let commas = 0;
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === "\n" || ch === "\r")) break;
    else if (!inQuotes && ch === ";") semicolons++;
    else if (!inQuotes && ch === ",") commas++;
  }
  return semicolons > commas ? ";" : ",";
}

/** CSV with a header row, UTF-8 with or without BOM, `;` or `,` separated. Row 1 is the header. */
export function parseDirectoryCsv(text: string): RawRecord[] {
  const body = text.replace(/^\uFEFF/, "");
  let rows: string[][];
  try {
    rows = parse(body, {
      delimiter: detectDelimiter(body),
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
  } catch (error) {
    if (error instanceof CsvError)
      throw new FileProblem((error as CsvError & { lines?: number }).lines ?? 1, error.message);
    throw error;
  }
  const [header, ...data] = rows;
  if (!header) throw new FileProblem(1, "the file is empty: a header row is required");
  const columns = header.map((h) => HEADER_ALIASES[key(h)]);
  const unknown = header.filter((_, i) => !columns[i]);
  if (unknown.length > 0)
    throw new FileProblem(1, `unknown column(s): ${unknown.join(", ")}; expected ${directoryCsvColumns.join(", ")}`);
  return data.map((cells, i) => {
    const fields: Record<string, string> = {};
    columns.forEach((c, j) => {
      const cell = cells[j]?.replace(APOSTROPHED, "");
      if (c && cell !== undefined && cell !== "") fields[c] = cell;
    });
    if (cells.length > columns.length) fields["_extra"] = `${cells.length - columns.length} cell(s) beyond the header`;
    return { row: i + 2, fields };
  });
}

// CSV injection (OWASP): a spreadsheet runs a cell starting with = + - @ (or tab/CR before one) as a
// formula. Such cells are exported with a leading apostrophe, which spreadsheets show as text and hide;
// numbers like "+351 21 000 005" stay readable and dialable. The import removes that apostrophe again.
const FORMULA_START = /^[=+\-@\t\r]/;
const APOSTROPHED = /^'(?=[=+\-@\t\r])/;

export const neutraliseCell = (value: string) => (FORMULA_START.test(value) ? `'${value}` : value);

export function writeDirectoryCsv(contacts: Contact[]): string {
  return stringify(
    contacts.map((c) => directoryCsvColumns.map((col) => neutraliseCell(c[col] ?? ""))),
    {
      header: true,
      columns: [...directoryCsvColumns],
      bom: true,
      record_delimiter: "\r\n",
      // A lone CR ends a row in some readers: any cell holding one is quoted.
      quoted_match: /\r/,
    },
  );
}

// ── vCard 3.0 (RFC 2426) and 4.0 (RFC 6350) ─────────────────────────────────────────────────────────

const unescapeText = (v: string) => v.replace(/\\([\\,;nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
const escapeText = (v: string) => v.replace(/[\\,;]/g, (c) => `\\${c}`).replace(/\r?\n/g, "\\n");

/** Splits a structured value on unescaped `;` (N, ORG, ADR). */
function splitStructured(value: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === "\\" && i + 1 < value.length) {
      current += ch + value[i + 1];
      i++;
    } else if (ch === ";") {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts.map(unescapeText);
}

interface Property {
  name: string;
  types: string[];
  value: string;
}

function parseProperty(line: string): Property | undefined {
  // The value starts at the first colon outside a quoted parameter value.
  let inQuotes = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') inQuotes = !inQuotes;
    else if (line[i] === ":" && !inQuotes) {
      colon = i;
      break;
    }
  }
  if (colon < 0) return undefined;
  const [rawName, ...params] = line.slice(0, colon).split(";");
  const name = rawName!.replace(/^.*\./, "").toUpperCase();
  const types: string[] = [];
  for (const param of params) {
    const [k, v] = param.includes("=") ? param.split("=", 2) : ["TYPE", param]; // vCard 2.1 bare types
    if (k!.toUpperCase() === "TYPE") types.push(...v!.replace(/"/g, "").toLowerCase().split(","));
  }
  return { name, types, value: line.slice(colon + 1) };
}

/** Every VCARD in the text; row = the card's 1-based position. */
export function parseVcards(text: string): RawRecord[] {
  const lines = text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n|\r/g, "\n")
    .replace(/\n[ \t]/g, "") // unfold continuation lines
    .split("\n");
  const cards: RawRecord[] = [];
  let current: Property[] | null = null;
  for (const line of lines) {
    if (!line.trim()) continue;
    const upper = line.toUpperCase();
    if (upper === "BEGIN:VCARD") {
      current = [];
    } else if (upper === "END:VCARD") {
      if (current) cards.push({ row: cards.length + 1, fields: cardFields(current) });
      current = null;
    } else if (current) {
      const p = parseProperty(line);
      if (p) current.push(p);
    }
  }
  if (cards.length === 0) throw new FileProblem(1, "no BEGIN:VCARD … END:VCARD found");
  return cards;
}

function cardFields(props: Property[]): Record<string, string> {
  const f: Record<string, string> = {};
  const set = (k: string, v: string | undefined) => {
    if (v && v.trim() && f[k] === undefined) f[k] = v.trim();
  };
  for (const p of props) {
    switch (p.name) {
      case "N": {
        const [family, given] = splitStructured(p.value);
        set("lastName", family);
        set("firstName", given);
        break;
      }
      case "TEL": {
        const value = unescapeText(p.value).replace(/^tel:/i, "");
        const kind = p.types.includes("cell")
          ? "mobileNumber"
          : p.types.includes("home")
            ? "homeNumber"
            : p.types.includes("work")
              ? "workNumber"
              : (["workNumber", "mobileNumber", "homeNumber"].find((k) => f[k] === undefined) ?? "workNumber");
        set(kind, value);
        break;
      }
      case "EMAIL":
        set("email", unescapeText(p.value));
        break;
      case "ORG": {
        const parts = splitStructured(p.value);
        set("department", parts.length > 1 ? parts[1] : parts[0]);
        break;
      }
      case "X-CISISK-LOCATION":
        set("location", unescapeText(p.value));
        break;
      case "X-CISISK-BUILDING":
        set("building", unescapeText(p.value));
        break;
      case "X-CISISK-RINGTONE":
        set("ringtone", unescapeText(p.value));
        break;
    }
  }
  if (f.firstName === undefined && f.lastName === undefined) {
    const fn = props.find((p) => p.name === "FN");
    const words = fn ? unescapeText(fn.value).trim().split(/\s+/) : [];
    if (words.length > 0) {
      set("lastName", words.length > 1 ? words.pop() : words[0]);
      if (words.length > 0 && f.firstName === undefined) set("firstName", words.join(" "));
    }
  }
  return f;
}

/** Folds a content line at 75 octets without splitting a UTF-8 sequence (RFC 6350 §3.2). */
function fold(line: string): string {
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    if (octets + size > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = "";
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join("\r\n ");
}

export function writeVcards(contacts: Contact[], version: "3.0" | "4.0"): string {
  const v4 = version === "4.0";
  const cards = contacts.map((c) => {
    const lines = ["BEGIN:VCARD", `VERSION:${version}`];
    lines.push(`N:${escapeText(c.lastName)};${escapeText(c.firstName)};;;`);
    lines.push(`FN:${escapeText([c.firstName, c.lastName].filter(Boolean).join(" "))}`);
    const tels: Array<[string | null, string]> = [
      [c.workNumber, v4 ? "work,voice" : "WORK,VOICE"],
      [c.mobileNumber, v4 ? "cell" : "CELL"],
      [c.homeNumber, v4 ? "home,voice" : "HOME,VOICE"],
    ];
    for (const [number, type] of tels) {
      // 4.0 defaults TEL to a tel: URI, which cannot keep the spaces of the display form; say it is text.
      if (number) lines.push(`TEL;${v4 ? "VALUE=text;" : ""}TYPE=${type}:${escapeText(number)}`);
    }
    if (c.email) lines.push(`EMAIL;TYPE=${v4 ? "work" : "INTERNET"}:${escapeText(c.email)}`);
    if (c.department) lines.push(`ORG:;${escapeText(c.department)}`);
    if (c.location) lines.push(`X-CISISK-LOCATION:${escapeText(c.location)}`);
    if (c.building) lines.push(`X-CISISK-BUILDING:${escapeText(c.building)}`);
    if (c.ringtone) lines.push(`X-CISISK-RINGTONE:${escapeText(c.ringtone)}`);
    lines.push(`UID:urn:uuid:${c.id}`, "END:VCARD");
    return lines.map(fold).join("\r\n");
  });
  return cards.length > 0 ? `${cards.join("\r\n")}\r\n` : "";
}
