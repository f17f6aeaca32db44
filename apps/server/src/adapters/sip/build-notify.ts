/** Pure SIP message text for the NOTIFY Cisisk sends to a phone, and a parser for the phone's answer. */

export type SipTransport = "udp" | "tcp";

export interface NotifyRequest {
  /** The phone's address. */
  host: string;
  port: number;
  /** User part of the Request-URI and To (the phone's primary line, or its device name). */
  user: string;
  transport: SipTransport;
  /**
   * `check-sync` (re-read config), Yealink/Fanvil `check-sync;reboot=true|false`, or Cisco `service-control`
   * (`restart`/`reset`).
   */
  event: string;
  action?: "restart" | "reset";
  /** Our address as the phone should answer it (Via, Contact). */
  localHost: string;
  localPort: number;
  callId: string;
  branch: string;
  fromTag: string;
  cseq: number;
  /** For service-control: the Call-ID of the phone's last REGISTER (firmware answers 400 on a mismatch); `{}` when unknown. */
  registerCallId?: string;
}

const bracketHost = (h: string) => (h.includes(":") && !h.startsWith("[") ? `[${h}]` : h);

export function buildNotify(r: NotifyRequest): string {
  const target = `sip:${r.user}@${bracketHost(r.host)}:${r.port}`;
  const uri = r.transport === "tcp" ? `${target};transport=tcp` : target;
  const local = `${bracketHost(r.localHost)}:${r.localPort}`;
  const serviceControl = r.event === "service-control";
  const body = serviceControl
    ? [
        `action=${r.action ?? "restart"}`,
        `RegisterCallId={${r.registerCallId ?? ""}}`,
        "ConfigVersionStamp={00000000-0000-0000-0000-000000000000}",
        "DialplanVersionStamp={00000000-0000-0000-0000-000000000000}",
        "SoftkeyVersionStamp={00000000-0000-0000-0000-000000000000}",
        "",
      ].join("\r\n")
    : "";
  const headers = [
    `NOTIFY ${uri} SIP/2.0`,
    `Via: SIP/2.0/${r.transport.toUpperCase()} ${local};branch=${r.branch};rport`,
    "Max-Forwards: 70",
    // Cisco firmware answers 400 to a service-control whose From has a user part (7975/9.4.2).
    serviceControl ? `From: <sip:${local}>;tag=${r.fromTag}` : `From: <sip:cisisk@${local}>;tag=${r.fromTag}`,
    `To: <${target}>`,
    `Call-ID: ${r.callId}`,
    `CSeq: ${r.cseq} NOTIFY`,
    `Contact: <sip:cisisk@${local}${r.transport === "tcp" ? ";transport=tcp" : ""}>`,
    `Event: ${r.event}`,
    `Subscription-State: ${serviceControl ? "active" : "terminated"}`,
    "User-Agent: Cisisk",
    ...(serviceControl ? ["Content-Type: text/plain"] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return `${headers.join("\r\n")}\r\n\r\n${body}`;
}

/** The parts of a registered contact URI a NOTIFY is sent to; null for what Cisisk cannot send over (TLS, WS). */
export function parseContactUri(
  uri: string,
): { user: string; host: string; port: number; transport: SipTransport } | null {
  const m = /^sips?:(?:([^@;]+)@)?(\[[^\]]+\]|[^:;>]+)(?::(\d+))?((?:;[^;>]*)*)/i.exec(
    uri.trim().replace(/^<|>$/g, ""),
  );
  if (!m || uri.toLowerCase().startsWith("sips:")) return null;
  const params = new Map(
    (m[4] ?? "")
      .split(";")
      .filter(Boolean)
      .map((p) => {
        const [k, v = ""] = p.split("=");
        return [k!.toLowerCase(), v.toLowerCase()] as const;
      }),
  );
  const transport = params.get("transport") ?? "udp";
  if (transport !== "udp" && transport !== "tcp") return null;
  return { user: m[1] ?? "", host: m[2]!.replace(/^\[|\]$/g, ""), port: Number(m[3] ?? 5060), transport };
}

export interface SipMessage {
  /** Request line or status line. */
  startLine: string;
  /** Lower-cased header names (compact forms expanded); repeated headers keep the first. */
  headers: Record<string, string>;
  body: string;
}

const compact: Record<string, string> = {
  i: "call-id",
  f: "from",
  t: "to",
  v: "via",
  l: "content-length",
  c: "content-type",
  o: "event",
};

/** Parses one SIP message; returns null when the text is not complete yet (TCP) or not SIP. */
export function parseSipMessage(text: string): { message: SipMessage; length: number } | null {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const lines = text.slice(0, end).split("\r\n");
  const startLine = lines.shift() ?? "";
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    let name = line.slice(0, i).trim().toLowerCase();
    name = compact[name] ?? name;
    if (!(name in headers)) headers[name] = line.slice(i + 1).trim();
  }
  const length = Number(headers["content-length"] ?? 0);
  const bodyStart = end + 4;
  if (Buffer.byteLength(text.slice(bodyStart)) < length) return null;
  const body = Buffer.from(text.slice(bodyStart)).subarray(0, length).toString();
  return { message: { startLine, headers, body }, length: bodyStart + Buffer.byteLength(body) };
}

export function statusOf(message: SipMessage): { code: number; reason: string } | null {
  const m = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(message.startLine);
  return m ? { code: Number(m[1]), reason: m[2] ?? "" } : null;
}
