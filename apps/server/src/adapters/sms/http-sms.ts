export interface OutgoingSms {
  to: string;
  text: string;
}

/** What the domain needs from an SMS gateway. */
export interface SmsSender {
  send(sms: OutgoingSms): Promise<void>;
}

export interface HttpSmsOptions {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  /** `{{to}}` and `{{text}}` are replaced (JSON-escaped in a JSON body, URL-encoded otherwise). */
  bodyTemplate: string | undefined;
  timeoutMs: number;
}

const jsonLike = (template: string) => /^\s*[[{]/.test(template);

/** Fills `{{to}}` / `{{text}}`; exported for its test. */
export function fillTemplate(template: string, sms: OutgoingSms, escape: (v: string) => string): string {
  return template.replace(/\{\{\s*(to|text)\s*\}\}/g, (_, key: "to" | "text") => escape(sms[key]));
}

/**
 * A provider's HTTP API: each vendor has its own, so the request is configured, not coded. GET puts the
 * placeholders in the URL; POST sends the body template. Anything but a 2xx answer is a failure.
 */
export function createHttpSms(options: HttpSmsOptions): SmsSender {
  return {
    async send(sms) {
      const url = fillTemplate(options.url, sms, encodeURIComponent);
      const template = options.bodyTemplate ?? '{"to":"{{to}}","text":"{{text}}"}';
      const json = jsonLike(template);
      const body =
        options.method === "POST"
          ? fillTemplate(template, sms, json ? (v) => JSON.stringify(v).slice(1, -1) : encodeURIComponent)
          : undefined;
      const headers: Record<string, string> = {
        ...(body !== undefined && {
          "content-type": json ? "application/json" : "application/x-www-form-urlencoded",
        }),
        ...options.headers,
      };
      let res: Response;
      try {
        res = await fetch(url, {
          method: options.method,
          headers,
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        throw new Error(`SMS gateway unreachable: ${(error as Error).message}`);
      }
      const answer = (await res.text().catch(() => "")).slice(0, 200);
      if (!res.ok) throw new Error(`SMS gateway answered ${res.status}${answer ? `: ${answer}` : ""}`);
    },
  };
}
