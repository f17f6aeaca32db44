import {
  authTokenListSchema,
  authTokenSchema,
  changePasswordSchema,
  errorBodySchema,
  idParamsSchema,
  listAuthTokensQuerySchema,
  loginRequestSchema,
  loginResponseSchema,
  logoutRequestSchema,
  refreshRequestSchema,
  signInListQuerySchema,
  signInListSchema,
  tokenPairSchema,
  userSchema,
} from "@cisisk/contract";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { Forbidden } from "../../errors.js";
import { API_PREFIX_AUTH, REFRESH_COOKIE, CSRF_HEADER } from "./cookie.js";
import { bearerToken, principalOf, type RequirePrincipal } from "../../http/authenticate.js";
import { clientIp } from "../../http/client-ip.js";
import type { AuthService, ClientInfo } from "./auth.service.js";
import type { Passkeys } from "./passkeys.js";

const errors = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  429: errorBodySchema,
};

const client = (request: FastifyRequest): ClientInfo => ({
  ip: clientIp(request),
  userAgent: request.headers["user-agent"] ?? null,
});

/** A WebAuthn credential as the browser library sends it (checked in depth by @simplewebauthn/server). */
const credentialSchema = z
  .object({
    id: z.string().min(1).max(1024),
    rawId: z.string().min(1).max(1024),
    type: z.literal("public-key"),
    response: z.looseObject({ clientDataJSON: z.string().min(1).max(8192) }),
    clientExtensionResults: z.looseObject({}).default({}),
    authenticatorAttachment: z.string().max(32).optional(),
  })
  .loose();
const webauthnOptionsSchema = z.looseObject({ challenge: z.string() });
const loose = (options: { challenge: string }) => options as { challenge: string; [key: string]: unknown };

/**
 * The refresh cookie is only ever sent to /api/v1/auth (path), never cross-site (SameSite=Strict), never
 * read by scripts (httpOnly). When a request uses it, it must also carry the X-Cisisk-CSRF header (a
 * cross-site form cannot set one, a cross-origin script needs a CORS preflight we never grant) and, if it
 * says where it comes from, come from this very host.
 */
function cookieToken(request: FastifyRequest): string | undefined {
  const token = request.cookies?.[REFRESH_COOKIE];
  if (!token) return undefined;
  if (request.headers[CSRF_HEADER] !== "1") throw new Forbidden(`cookie requests need the ${CSRF_HEADER}: 1 header`);
  refuseCrossOrigin(request);
  return token;
}

/**
 * A browser says where a request comes from; one from another site is refused. On the logins this stops login
 * CSRF (a hostile page logging the admin's browser into an account of the attacker's); API clients send no Origin.
 */
function refuseCrossOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (!origin || origin === "null") return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host !== request.headers.host) throw new Forbidden("cross-origin request refused");
}

function setRefreshCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAgeSeconds: number) {
  reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: "strict",
    secure: request.protocol === "https",
    path: API_PREFIX_AUTH,
    maxAge: maxAgeSeconds,
  });
}

export function authRoutes(
  auth: AuthService,
  passkeys: Passkeys,
  requirePrincipal: RequirePrincipal,
  tokenValidityDays: () => Promise<number>,
) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["auth"];

    /** Cookie mode: the refresh token goes into the cookie and out of the body. */
    async function answer<T extends { refreshToken?: string | undefined }>(
      request: FastifyRequest,
      reply: FastifyReply,
      pair: T,
      cookie: boolean,
    ): Promise<T> {
      if (!cookie || !pair.refreshToken) return pair;
      setRefreshCookie(request, reply, pair.refreshToken, (await tokenValidityDays()) * 86_400);
      const { refreshToken: _inCookie, ...rest } = pair;
      return rest as T;
    }

    r.post(
      "/auth/login",
      {
        schema: {
          tags,
          summary: "Log in to the console (superadmins only); cookie: true keeps the refresh token in a cookie",
          body: loginRequestSchema,
          response: { 200: loginResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        refuseCrossOrigin(request);
        const res = await auth.login(request.body.username, request.body.password, client(request));
        return answer(request, reply, res, request.body.cookie === true);
      },
    );

    r.post(
      "/auth/refresh",
      {
        schema: {
          tags,
          summary: "Exchange a refresh token (body or cookie) for a new pair (the old refresh token stops working)",
          body: refreshRequestSchema.nullish(),
          response: { 200: tokenPairSchema, ...errors },
        },
      },
      async (request, reply) => {
        const fromBody = request.body?.refreshToken;
        const fromCookie = fromBody ? undefined : cookieToken(request);
        const token = fromBody ?? fromCookie;
        if (!token) {
          return reply.code(400).send({
            error: {
              code: "validation_failed",
              message: "a refreshToken in the body, or the refresh cookie, is required",
              details: [{ path: "body.refreshToken", message: "required" }],
            },
          });
        }
        const pair = await auth.refresh(token, client(request)).catch((error: unknown) => {
          if (fromCookie) reply.clearCookie(REFRESH_COOKIE, { path: API_PREFIX_AUTH });
          throw error;
        });
        return answer(request, reply, pair, fromCookie !== undefined);
      },
    );

    r.post(
      "/auth/logout",
      {
        schema: {
          tags,
          summary: "End the session: the bearer token's, and the refresh token's (body or cookie) family",
          body: logoutRequestSchema.nullish(),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const token = bearerToken(request);
        const principal = token ? await auth.authenticate(token, clientIp(request)).catch(() => null) : null;
        const refreshToken = request.body?.refreshToken ?? cookieToken(request);
        await auth.logout(principal, refreshToken);
        reply.clearCookie(REFRESH_COOKIE, { path: API_PREFIX_AUTH });
        return reply.code(204).send(null);
      },
    );

    r.get(
      "/auth/me",
      {
        onRequest: requirePrincipal("admin_session"),
        schema: { tags, summary: "The logged-in user", response: { 200: userSchema, ...errors } },
      },
      async (request) => principalOf(request, "admin_session").user,
    );

    r.post(
      "/auth/password",
      {
        onRequest: requirePrincipal("admin_session"),
        schema: {
          tags,
          summary: "Change your own password (the current one is required); every other session ends",
          body: changePasswordSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const { currentPassword, newPassword } = request.body;
        await auth.changePassword(principalOf(request, "admin_session"), currentPassword, newPassword, client(request));
        return reply.code(204).send(null);
      },
    );

    r.get(
      "/auth/tokens",
      {
        onRequest: requirePrincipal("admin_session"),
        schema: {
          tags,
          summary: "Your logins (sessions) and passkeys, newest first (sort: createdAt, lastUsedAt)",
          querystring: listAuthTokensQuerySchema,
          response: { 200: authTokenListSchema, ...errors },
        },
      },
      async (request) => auth.tokens(principalOf(request, "admin_session"), request.query),
    );

    r.delete(
      "/auth/tokens/:id",
      {
        onRequest: requirePrincipal("admin_session"),
        schema: {
          tags,
          summary: "End a login or delete a passkey, at once",
          params: idParamsSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await auth.deleteToken(principalOf(request, "admin_session"), request.params.id);
        return reply.code(204).send(null);
      },
    );

    r.get(
      "/auth/sign-ins",
      {
        onRequest: requirePrincipal("admin_session"),
        schema: {
          tags,
          summary:
            "The sign-in log: every attempt, newest first (sort: at, username, ip, result; filters: username, ip, result, from, to)",
          querystring: signInListQuerySchema,
          response: { 200: signInListSchema, ...errors },
        },
      },
      async (request) => auth.signIns(request.query),
    );

    r.post(
      "/auth/passkeys/registration-options",
      {
        onRequest: requirePrincipal("admin_session"),
        schema: {
          tags,
          summary: "WebAuthn options to register a passkey for yourself",
          response: { 200: webauthnOptionsSchema, ...errors },
        },
      },
      async (request) =>
        loose(await passkeys.registrationOptions(principalOf(request, "admin_session"), client(request))),
    );

    r.post(
      "/auth/passkeys",
      {
        onRequest: requirePrincipal("admin_session"),
        schema: {
          tags,
          summary: "Register a passkey (the browser's answer to the registration options)",
          body: z.object({ name: z.string().max(100).optional(), response: credentialSchema }),
          response: { 201: authTokenSchema, ...errors },
        },
      },
      async (request, reply) => {
        const row = await passkeys.register(
          principalOf(request, "admin_session"),
          request.body.response as unknown as RegistrationResponseJSON,
          request.body.name,
          client(request),
        );
        return reply.code(201).send(row);
      },
    );

    r.post(
      "/auth/passkeys/login-options",
      {
        schema: {
          tags,
          summary: "WebAuthn options to log in with a passkey",
          response: { 200: webauthnOptionsSchema, ...errors },
        },
      },
      async (request) => loose(await passkeys.loginOptions(client(request))),
    );

    r.post(
      "/auth/passkeys/login",
      {
        schema: {
          tags,
          summary: "Log in with a passkey (the allowed networks still apply)",
          body: z.object({ response: credentialSchema, cookie: z.boolean().optional() }),
          response: { 200: loginResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        const res = await passkeys.login(
          request.body.response as unknown as AuthenticationResponseJSON,
          client(request),
        );
        return answer(request, reply, res, request.body.cookie === true);
      },
    );
  };
}
