import { escapeXml } from "../../lib/xml-escape.js";

/**
 * Pushes to a Cisco phone's `/CGI/Execute`: a form POST with one field `XML=`,
 * at most 512 bytes and 3 ExecuteItems, HTTP Basic credentials that the phone checks against its
 * `authenticationURL`. Answers are `CiscoIPPhoneResponse` or `CiscoIPPhoneError Number="N"`.
 */
export interface CgiTarget {
  host: string;
  port: number;
  username: string;
  password: string;
}

export interface CgiResult {
  ok: boolean;
  detail: string;
}

export interface CgiExecutor {
  execute(target: CgiTarget, urls: string[]): Promise<CgiResult>;
}

export const CGI_XML_MAX = 512;

const cgiErrors: Record<string, string> = {
  "1": "XML parse error",
  "2": "framing error",
  "3": "internal file error",
  "4": "authentication error",
};

export function buildExecuteXml(urls: string[], priority: 0 | 1 | 2 = 0): string {
  if (urls.length === 0 || urls.length > 3) throw new Error("CiscoIPPhoneExecute takes 1 to 3 ExecuteItems");
  const items = urls.map((u) => `<ExecuteItem Priority="${priority}" URL="${escapeXml(u)}"/>`).join("");
  const xml = `<CiscoIPPhoneExecute>${items}</CiscoIPPhoneExecute>`;
  if (Buffer.byteLength(xml) > CGI_XML_MAX) throw new Error(`CiscoIPPhoneExecute is over ${CGI_XML_MAX} bytes`);
  return xml;
}

/** Reads the phone's answer: success only for a CiscoIPPhoneResponse whose items all have Status="0". */
export function parseExecuteResponse(status: number, body: string): CgiResult {
  const error = /<CiscoIPPhoneError\s+Number="(\d+)"/i.exec(body);
  if (error) {
    const n = error[1]!;
    return { ok: false, detail: `CiscoIPPhoneError ${n} (${cgiErrors[n] ?? "unknown error"})` };
  }
  if (status < 200 || status >= 300) return { ok: false, detail: `HTTP ${status} from the phone` };
  if (!/<CiscoIPPhoneResponse/i.test(body)) return { ok: false, detail: "the phone gave no CiscoIPPhoneResponse" };
  const bad = /<ResponseItem[^>]*Status="([1-9]\d*)"[^>]*Data="([^"]*)"/i.exec(body);
  if (bad) return { ok: false, detail: `ResponseItem status ${bad[1]}: ${bad[2]}` };
  return { ok: true, detail: "CiscoIPPhoneResponse Status 0" };
}

export function createCgiExecutor(options: { timeoutMs: number }): CgiExecutor {
  return {
    async execute(target, urls) {
      const xml = buildExecuteXml(urls);
      const host = target.host.includes(":") ? `[${target.host}]` : target.host;
      try {
        const res = await fetch(`http://${host}:${target.port}/CGI/Execute`, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            authorization: `Basic ${Buffer.from(`${target.username}:${target.password}`).toString("base64")}`,
          },
          body: new URLSearchParams({ XML: xml }).toString(),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        return parseExecuteResponse(res.status, await res.text());
      } catch (error) {
        const e = error as Error;
        if (e.name === "TimeoutError")
          return { ok: false, detail: `no answer from ${target.host}:${target.port} within ${options.timeoutMs} ms` };
        return {
          ok: false,
          detail: `HTTP ${target.host}:${target.port}: ${(e.cause as Error | undefined)?.message ?? e.message}`,
        };
      }
    },
  };
}
