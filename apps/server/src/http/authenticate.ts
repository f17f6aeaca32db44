import type { FastifyReply, FastifyRequest } from "fastify";
import { Forbidden, Unauthenticated } from "../errors.js";
import type { Principal, PrincipalKind, PrincipalOf } from "./principals.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(" ", 2);
  return scheme?.toLowerCase() === "bearer" && token ? token.trim() : undefined;
}

/** The `X-API-Key` header, when present. */
export function apiKeyHeader(request: FastifyRequest): string | undefined {
  const key = request.headers["x-api-key"];
  return typeof key === "string" && key.trim() ? key.trim() : undefined;
}

/**
 * How each kind of principal is recognised: null when the request does not carry that kind's credentials,
 * a principal when they are valid, a thrown 401/403 when they are present but not good enough.
 */
export type PrincipalResolvers = { [K in PrincipalKind]?: (request: FastifyRequest) => Promise<PrincipalOf<K> | null> };

export type RequirePrincipal = (
  ...kinds: PrincipalKind[]
) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * `requirePrincipal("admin_session", "api_key")`: an onRequest hook that lets the request through when it
 * carries one of these kinds of principal (set on `request.principal`), else 401.
 */
export function createRequirePrincipal(resolvers: PrincipalResolvers): RequirePrincipal {
  return (...kinds) =>
    async (request) => {
      for (const kind of kinds) {
        const resolve = resolvers[kind] as ((r: FastifyRequest) => Promise<Principal | null>) | undefined;
        const principal = resolve ? await resolve(request) : null;
        if (principal) {
          request.principal = principal;
          return;
        }
      }
      throw new Unauthenticated();
    };
}

/** The request's principal, of one of `kinds` (default: any); 401 without one, 403 for another kind. */
export function principalOf<K extends PrincipalKind = PrincipalKind>(
  request: FastifyRequest,
  ...kinds: K[]
): PrincipalOf<K> {
  const p = request.principal;
  if (!p) throw new Unauthenticated();
  if (kinds.length > 0 && !kinds.includes(p.kind as K)) throw new Forbidden(`not allowed for a ${p.kind} principal`);
  return p as PrincipalOf<K>;
}
