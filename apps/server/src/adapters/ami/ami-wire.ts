/**
 * The AMI wire format, as pure functions: `Key: Value\r\n` lines, a blank line ends a message, keys are
 * case-insensitive and may repeat (`Variable`, `Output`). The server greets with one banner line
 * `Asterisk Call Manager/<version>\r\n` before any message.
 */

export interface AmiMessage {
  /** Every line in order, keys as sent. */
  readonly lines: ReadonlyArray<readonly [string, string]>;
}

export type AmiFields = Record<string, string | number | readonly string[] | undefined>;

/** First value of a key (case-insensitive). */
export function field(message: AmiMessage, key: string): string | undefined {
  const k = key.toLowerCase();
  for (const [name, value] of message.lines) if (name.toLowerCase() === k) return value;
  return undefined;
}

/** Every value of a repeated key (case-insensitive). */
export function fieldAll(message: AmiMessage, key: string): string[] {
  const k = key.toLowerCase();
  return message.lines.filter(([name]) => name.toLowerCase() === k).map(([, value]) => value);
}

/** Serialises one action. Values may not contain CR/LF (that would inject lines): rejected. */
export function encodeAction(action: string, actionId: string, fields: AmiFields = {}): string {
  const lines: string[] = [`Action: ${action}`, `ActionID: ${actionId}`];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      const text = String(v);
      if (/[\r\n]/.test(text) || /[\r\n:]/.test(key)) throw new Error(`AMI field ${key} contains a line break`);
      lines.push(`${key}: ${text}`);
    }
  }
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** Incremental parser: feed it socket chunks, it calls back with the banner then each complete message. */
export function createAmiParser(handlers: { banner(line: string): void; message(message: AmiMessage): void }) {
  let buffer = "";
  let bannerSeen = false;
  return {
    push(chunk: string): void {
      buffer += chunk;
      if (!bannerSeen) {
        const eol = buffer.indexOf("\n");
        if (eol < 0) return;
        const line = buffer.slice(0, eol).replace(/\r$/, "");
        buffer = buffer.slice(eol + 1);
        bannerSeen = true;
        handlers.banner(line);
      }
      for (;;) {
        const match = /\r?\n\r?\n/.exec(buffer);
        if (!match) return;
        const block = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        if (block.trim() === "") continue;
        const lines: Array<[string, string]> = [];
        for (const raw of block.split(/\r?\n/)) {
          const colon = raw.indexOf(":");
          if (colon < 0) lines.push(["", raw]);
          else lines.push([raw.slice(0, colon).trim(), raw.slice(colon + 1).replace(/^ /, "")]);
        }
        handlers.message({ lines });
      }
    },
  };
}

/** True when a banner line is Asterisk's manager greeting. */
export const isAmiBanner = (line: string): boolean => /^Asterisk Call Manager\//.test(line);
