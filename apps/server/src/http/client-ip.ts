import type { FastifyInstance, FastifyRequest } from "fastify";
import { inNetworks, normaliseIp, parseNetwork } from "../lib/ip-networks.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The client's address: the peer, or what trusted proxies say in X-Forwarded-For (see client-ip.ts). */
    clientIp: string;
  }
}

/**
 * The client address of a request: the socket's peer, unless the peer is a trusted proxy; then the
 * X-Forwarded-For hops are read from the right (the nearest) and the first one that is not itself a trusted
 * proxy is the client. Anyone else's X-Forwarded-For is ignored: it is only a header a client can write.
 */
export function createClientIpResolver(trustedProxies: readonly string[]) {
  const ranges = trustedProxies.map((t) => {
    const r = parseNetwork(t);
    if (!r) throw new Error(`not an address or CIDR range: ${t}`);
    return r;
  });
  const trusted = (ip: string) => inNetworks(ip, ranges);
  return (peer: string | undefined, forwardedFor: string | string[] | undefined): string => {
    const from = normaliseIp(peer) ?? "0.0.0.0";
    if (ranges.length === 0 || !forwardedFor || !trusted(from)) return from;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",");
    let client = from;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normaliseIp(hops[i]);
      // A malformed hop: nothing left of it can be believed.
      if (!hop) return client;
      client = hop;
      if (!trusted(hop)) return hop;
    }
    return client;
  };
}

/**
 * The client address of a request, for trusted proxies that may change at run time (security settings): the
 * list is asked for on each request, and a resolver is kept per list.
 */
export function createClientIpSource(trustedProxies: () => Promise<readonly string[]>) {
  let cached: { key: string; resolve: ReturnType<typeof createClientIpResolver> } | null = null;
  const resolverFor = (proxies: readonly string[]) => {
    const key = proxies.join(",");
    if (cached?.key !== key) {
      // Entries are validated when saved; anything unreadable is left out rather than trusted.
      cached = { key, resolve: createClientIpResolver(proxies.filter((p) => parseNetwork(p) !== null)) };
    }
    return cached.resolve;
  };
  return async (peer: string | undefined, forwardedFor: string | string[] | undefined): Promise<string> => {
    // Until the list can be read (database down), no proxy is believed.
    const proxies = await trustedProxies().catch(() => []);
    return resolverFor(proxies)(peer, forwardedFor);
  };
}

export type ClientIpSource = ReturnType<typeof createClientIpSource>;

/** Sets `request.clientIp` on every request, before any route or hook that needs it. */
export function registerClientIp(app: FastifyInstance, source: ClientIpSource): void {
  app.decorateRequest("clientIp", "");
  app.addHook("onRequest", async (request) => {
    request.clientIp = await source(
      request.raw.socket?.remoteAddress ?? request.ip,
      request.headers["x-forwarded-for"],
    );
  });
}

export const clientIp = (request: FastifyRequest): string =>
  request.clientIp || (normaliseIp(request.ip) ?? request.ip);
