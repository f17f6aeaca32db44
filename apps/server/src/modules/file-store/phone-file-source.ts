import { inNetworks, normaliseIp, type Network } from "../../lib/ip-networks.js";
import type { Throttle } from "../../throttle/throttle.js";
import { throttleKey } from "../../throttle/throttle.js";

/** What a phone asked for, whatever the transport (TFTP, HTTP on 6970, /provision). */
export interface PhoneFileRequest {
  fileName: string;
  clientIp: string;
  userAgent?: string | undefined;
}

export type PhoneFileAnswer =
  | { kind: "file"; body: Buffer; contentType: string }
  | { kind: "not_found" }
  | { kind: "bad_name" }
  | { kind: "throttled"; retryAfterSeconds: number };

/**
 * One place phone files come from. `bad_name` means "not a name this source knows how to serve", `not_found`
 * "a name it serves, but no such file": the chain asks the next source after either.
 */
export interface PhoneFileSource {
  lookupFile(request: PhoneFileRequest): Promise<PhoneFileAnswer>;
}

/** The content type phones expect for a file name. */
export function contentTypeOf(fileName: string): string {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".xml")) return "text/xml; charset=utf-8";
  if (lower.endsWith(".cfg") || lower.endsWith(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

/**
 * The sources in order (deps.ts lists them): the first file found wins. A name no source serves is `bad_name`,
 * a name some source knows but has no file for is `not_found`; both are misses, counted per client address
 * (`[provisioning] miss_limit_per_minute`, like /provision), and an address over the limit is `throttled`.
 * Clients outside `[provisioning] allowed_networks` (when set) get `not_found` for everything.
 */
export function createPhoneFileChain(deps: {
  sources: readonly PhoneFileSource[];
  throttle: Pick<Throttle, "attempt">;
  missLimitPerMinute: number;
  allowedNetworks: readonly Network[];
}): PhoneFileSource {
  return {
    async lookupFile(request) {
      const normal = normaliseIp(request.clientIp);
      const ip = normal ?? request.clientIp;
      let answer: PhoneFileAnswer = { kind: "bad_name" };
      if (deps.allowedNetworks.length > 0 && !(normal && inNetworks(normal, deps.allowedNetworks)))
        answer = { kind: "not_found" };
      // Each source judges the names it serves; nothing longer than a path a phone would ask for reaches them.
      else if (request.fileName.length <= 256)
        for (const source of deps.sources) {
          const a = await source.lookupFile(request);
          if (a.kind === "file" || a.kind === "throttled") return a;
          if (a.kind === "not_found") answer = a;
        }
      const verdict = await deps.throttle.attempt([
        { key: throttleKey("phone-file-miss", ip), limit: deps.missLimitPerMinute, windowSeconds: 60 },
      ]);
      return verdict.ok ? answer : { kind: "throttled", retryAfterSeconds: verdict.retryAfterSeconds };
    },
  };
}
