import {
  acceptedSchema,
  accountLoginResponseSchema,
  accountLoginSchema,
  accountRefreshSchema,
  accountSchema,
  changeAccountPasswordSchema,
  changeEmailSchema,
  confirmAccountSchema,
  confirmEmailSchema,
  confirmPhoneSchema,
  deleteAccountSchema,
  deviceListSchema,
  deviceParamsSchema,
  errorBodySchema,
  recoverSchema,
  registerEmailSchema,
  registerPhoneSchema,
  resetPasswordSchema,
} from "@cisisk/contract";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, type RequirePrincipal } from "../../http/authenticate.js";
import { clientIp } from "../../http/client-ip.js";
import type { AccountsService } from "./accounts.service.js";

const errors = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  429: errorBodySchema,
  502: errorBodySchema,
};
const client = (request: FastifyRequest) => ({
  ip: clientIp(request),
  userAgent: request.headers["user-agent"] ?? null,
});

/** Self-service under /api/v1/account: public flows, then the panel behind a self-service token. */
export function accountRoutes(accounts: AccountsService, requirePrincipal: RequirePrincipal) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["account"];
    const security: Array<Record<string, string[]>> = [];

    r.post(
      "/account/register",
      {
        schema: {
          tags,
          security,
          summary: "Register by email (the answer is the same whether or not the email is in use)",
          body: registerEmailSchema,
          response: { 202: acceptedSchema, ...errors },
        },
      },
      async (request, reply) => reply.code(202).send(await accounts.registerByEmail(request.body, client(request))),
    );
    r.post(
      "/account/confirm",
      {
        schema: {
          tags,
          security,
          summary: "Confirm an email registration and set the password",
          body: confirmAccountSchema,
          response: { 200: accountSchema, ...errors },
        },
      },
      async (request) => accounts.confirm(request.body),
    );
    r.post(
      "/account/register/phone",
      {
        schema: {
          tags,
          security,
          summary: "Register by phone: a 6-digit PIN is sent by SMS (also resends it)",
          body: registerPhoneSchema,
          response: { 202: acceptedSchema, ...errors },
        },
      },
      async (request, reply) => reply.code(202).send(await accounts.registerByPhone(request.body, client(request))),
    );
    r.post(
      "/account/register/phone/confirm",
      {
        schema: {
          tags,
          security,
          summary: "Confirm a phone registration with its PIN and set the password",
          body: confirmPhoneSchema,
          response: { 200: accountSchema, ...errors },
        },
      },
      async (request) => accounts.confirmPhone(request.body),
    );
    r.post(
      "/account/login",
      {
        schema: {
          tags,
          security,
          summary: "Log in with username or phone and password",
          body: accountLoginSchema,
          response: { 200: accountLoginResponseSchema, ...errors },
        },
      },
      async (request) => accounts.login(request.body, client(request)),
    );
    r.post(
      "/account/refresh",
      {
        schema: {
          tags,
          security,
          summary: "Rotate a self-service refresh token",
          body: accountRefreshSchema,
          response: { 200: accountLoginResponseSchema, ...errors },
        },
      },
      async (request) => accounts.refresh(request.body.refreshToken, client(request)),
    );
    r.post(
      "/account/recover",
      {
        schema: {
          tags,
          security,
          summary: "Recover an account by email (link) or phone (PIN); same answer either way",
          body: recoverSchema,
          response: { 202: acceptedSchema, ...errors },
        },
      },
      async (request, reply) => reply.code(202).send(await accounts.recover(request.body, client(request))),
    );
    r.post(
      "/account/reset",
      {
        schema: {
          tags,
          security,
          summary: "Set a new password with a recovery link token or a phone PIN",
          body: resetPasswordSchema,
          response: { 200: accountSchema, ...errors },
        },
      },
      async (request) => accounts.reset(request.body),
    );
    r.post(
      "/account/email/confirm",
      {
        schema: {
          tags,
          security,
          summary: "Apply an email change (the link sent to the new address)",
          body: confirmEmailSchema,
          response: { 200: accountSchema, ...errors },
        },
      },
      async (request) => accounts.confirmEmailChange(request.body.token),
    );

    await app.register(async (panel) => {
      panel.addHook("onRequest", requirePrincipal("account"));
      const p = panel.withTypeProvider<ZodTypeProvider>();
      const me = (request: FastifyRequest) => principalOf(request, "account");
      p.post(
        "/account/logout",
        { schema: { tags, summary: "End this self-service session", response: { 204: z.null(), ...errors } } },
        async (request, reply) => {
          await accounts.logout(me(request).sessionId);
          return reply.code(204).send(null);
        },
      );
      p.get(
        "/account/me",
        { schema: { tags, summary: "The signed-in account", response: { 200: accountSchema, ...errors } } },
        async (request) => accounts.me(me(request).accountId),
      );
      p.post(
        "/account/email",
        {
          schema: {
            tags,
            summary: "Change the email: a link goes to the new address, applied when opened",
            body: changeEmailSchema,
            response: { 202: acceptedSchema, ...errors },
          },
        },
        async (request, reply) =>
          reply.code(202).send(await accounts.requestEmailChange(me(request).accountId, request.body.email)),
      );
      p.post(
        "/account/password",
        {
          schema: {
            tags,
            summary: "Change the password (ends the other self-service sessions)",
            body: changeAccountPasswordSchema,
            response: { 200: accountSchema, ...errors },
          },
        },
        async (request) => accounts.changePassword(me(request), request.body),
      );
      p.post(
        "/account/delete",
        {
          schema: {
            tags,
            summary: "Delete the account (retype the full SIP address)",
            body: deleteAccountSchema,
            response: { 204: z.null(), ...errors },
          },
        },
        async (request, reply) => {
          await accounts.deleteSelf(me(request).accountId, request.body.sipAddress);
          return reply.code(204).send(null);
        },
      );
      p.get(
        "/account/devices",
        {
          schema: {
            tags,
            summary: "Devices registered with this account (Asterisk's contacts)",
            response: { 200: deviceListSchema, ...errors },
          },
        },
        async (request) => accounts.devices(me(request).accountId),
      );
      p.delete(
        "/account/devices/:id",
        {
          schema: {
            tags,
            summary: "Forget one registered device",
            params: deviceParamsSchema,
            response: { 204: z.null(), ...errors },
          },
        },
        async (request, reply) => {
          await accounts.removeDevice(me(request).accountId, request.params.id);
          return reply.code(204).send(null);
        },
      );
    });
  };
}
