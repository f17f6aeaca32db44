import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyBaseLogger, FastifyError } from "fastify";
import { errorBody, toHttp } from "../../http/error-handler.js";
import type { ProvisioningAuth } from "./http-auth.js";
import type { FileLookup, ProvisioningService } from "./provisioning.service.js";

// `/provision/<file>` over HTTP, written straight to Node's response: a provisioning storm is thousands of
// requests a second for small text files, so nothing here is built per request that can be built once, and
// the console's hooks (CSP, cookies, the NUL guard on JSON bodies) are not on this path. The same function
// answers inside Fastify (the route, `inject` in tests) and in front of it (`takeFastPath`).

const JSON_TYPE = "application/json; charset=utf-8";
const BAD_NAME_MESSAGE = "not a provisioning file name (a MAC, or a vendor's own file name)";

/** Refusal bodies serialised once; one generic 404 says nothing about which MACs exist. */
const bodies = {
  notFound: JSON.stringify(errorBody("not_found", "not found")),
  badName: JSON.stringify(errorBody("validation_failed", BAD_NAME_MESSAGE)),
  throttled: JSON.stringify(
    errorBody("rate_limited", "too many unknown files requested from this address, try again later"),
  ),
  forbidden: JSON.stringify(errorBody("forbidden", "this address may not fetch provisioning files")),
  unauthorized: JSON.stringify(errorBody("unauthenticated", "provisioning credentials required")),
};

/** What the fast path takes: a plain GET of a file name with nothing to decode (everything else: Fastify). */
const PLAIN_REQUEST = /^\/provision\/[A-Za-z0-9._:-]{1,64}$/;
const PREFIX_LENGTH = "/provision/".length;

export interface ProvisionHttpDeps {
  provisioning: Pick<ProvisioningService, "lookupFile">;
  auth: ProvisioningAuth;
  /** The client's address from the socket's peer and X-Forwarded-For (trusted proxies only). */
  clientIp(peer: string | undefined, forwardedFor: string | string[] | undefined): Promise<string>;
  log: FastifyBaseLogger;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra?: [string, string]) {
  const headers: Record<string, string | number> = {
    "content-type": type,
    "content-length": typeof body === "string" ? Buffer.byteLength(body) : body.length,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  };
  if (extra) headers[extra[0]] = extra[1];
  res.writeHead(status, headers);
  res.end(body);
}

export function createProvisionHttp(deps: ProvisionHttpDeps) {
  const { provisioning, auth, log } = deps;

  function answer(res: ServerResponse, r: FileLookup): void {
    switch (r.kind) {
      case "file":
        return send(res, 200, r.contentType, r.body);
      case "not_found":
        return send(res, 404, JSON_TYPE, bodies.notFound);
      case "bad_name":
        return send(res, 400, JSON_TYPE, bodies.badName);
      case "throttled":
        return send(res, 429, JSON_TYPE, bodies.throttled, ["retry-after", String(r.retryAfterSeconds)]);
      case "forbidden":
        return send(res, 403, JSON_TYPE, bodies.forbidden);
      case "unauthorized":
        return send(res, 401, JSON_TYPE, bodies.unauthorized, ["www-authenticate", auth.challenge()]);
    }
  }

  /** Answers `GET /provision/<fileName>` (the name already decoded); never rejects. */
  async function serve(req: IncomingMessage, res: ServerResponse, fileName: string, peer?: string): Promise<void> {
    try {
      let credentialsOk: boolean | undefined;
      if (auth.enabled) {
        const verdict = auth.check(req.method ?? "GET", req.url ?? "", req.headers.authorization);
        if (verdict === "missing" || verdict === "stale")
          return send(res, 401, JSON_TYPE, bodies.unauthorized, [
            "www-authenticate",
            auth.challenge(verdict === "stale"),
          ]);
        credentialsOk = verdict === "ok";
      }
      const result = await provisioning.lookupFile({
        fileName,
        clientIp: await deps.clientIp(peer ?? req.socket?.remoteAddress, req.headers["x-forwarded-for"]),
        userAgent: req.headers["user-agent"] ?? null,
        credentialsOk,
      });
      answer(res, result);
    } catch (error) {
      // The same status and body the app's error handler gives (a database outage is 503, not a file).
      const [status, body] = toHttp(error as FastifyError, log);
      if (!res.headersSent) send(res, status, JSON_TYPE, JSON.stringify(body));
      else res.destroy();
    }
  }

  return {
    serve,
    /** Error bodies the route's schema documents. */
    badNameMessage: BAD_NAME_MESSAGE,
    /**
     * In front of Fastify (the HTTP server's own request handler): takes a plain `GET /provision/<name>` and
     * answers it; anything else (other methods, percent-encoding, a query, deeper paths) is left to Fastify.
     */
    takeFastPath(req: IncomingMessage, res: ServerResponse): boolean {
      const url = req.url;
      if (req.method !== "GET" || url === undefined || !PLAIN_REQUEST.test(url)) return false;
      void serve(req, res, url.slice(PREFIX_LENGTH));
      return true;
    },
  };
}
export type ProvisionHttp = ReturnType<typeof createProvisionHttp>;
