import {
  errorBodySchema,
  loginRequestSchema,
  loginResponseSchema,
  logoutRequestSchema,
  refreshRequestSchema,
  tokenPairSchema,
  userSchema,
} from "@cisisk/contract";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { bearerToken, principalOf, type RequirePrincipal } from "../../http/authenticate.js";
import { clientIp } from "../../http/client-ip.js";
import type { AuthService } from "./auth.service.js";

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 429: errorBodySchema };

export function authRoutes(auth: AuthService, requirePrincipal: RequirePrincipal) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      "/auth/login",
      {
        schema: {
          tags: ["auth"],
          summary: "Log in to the console (superadmins only)",
          body: loginRequestSchema,
          response: { 200: loginResponseSchema, ...errors },
        },
      },
      async (request) =>
        auth.login(request.body.username, request.body.password, {
          ip: clientIp(request),
          userAgent: request.headers["user-agent"] ?? null,
        }),
    );

    r.post(
      "/auth/refresh",
      {
        schema: {
          tags: ["auth"],
          summary: "Exchange a refresh token for a new token pair (the old refresh token stops working)",
          body: refreshRequestSchema,
          response: { 200: tokenPairSchema, ...errors },
        },
      },
      async (request) => auth.refresh(request.body.refreshToken),
    );

    r.post(
      "/auth/logout",
      {
        schema: {
          tags: ["auth"],
          summary: "End the session (the refresh token's whole family)",
          body: logoutRequestSchema.optional(),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const token = bearerToken(request);
        const principal = token ? await auth.authenticate(token).catch(() => null) : null;
        await auth.logout(principal, request.body?.refreshToken);
        return reply.code(204).send(null);
      },
    );

    r.get(
      "/auth/me",
      {
        onRequest: requirePrincipal("admin_session"),
        schema: { tags: ["auth"], summary: "The logged-in user", response: { 200: userSchema, ...errors } },
      },
      async (request) => principalOf(request, "admin_session").user,
    );
  };
}
