import type { FastifyReply, FastifyRequest } from "fastify";
import { Unauthenticated } from "../errors.js";
import type { AuthService, Principal } from "../modules/auth/auth.service.js";

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

/** onRequest hook for console routes: a live superadmin session, or 401/403. */
export function requireConsoleUser(auth: AuthService) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    if (!token) throw new Unauthenticated();
    request.principal = await auth.authenticate(token);
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Unauthenticated();
  return request.principal;
}
