import { accountSchema, errorBodySchema, idParamsSchema, provisioningLinkSchema } from "@cisisk/contract";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import QRCode from "qrcode";
import { z } from "zod";
import { principalOf } from "../../http/authenticate.js";
import type { AccountsService } from "./accounts.service.js";

const errors = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
};
const actorOf = (request: FastifyRequest) => {
  const p = principalOf(request, "admin_session", "api_key");
  return p.kind === "admin_session" ? p.user.id : `api-key:${p.keyId}`;
};

/** The console's side of SIP accounts: activation, SIP password, Linphone provisioning link and QR code. */
export function accountsAdminRoutes(accounts: AccountsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["users"];
    r.get(
      "/users/:id/account",
      {
        schema: {
          tags,
          summary: "A user's SIP account",
          params: idParamsSchema,
          response: { 200: accountSchema, ...errors },
        },
      },
      async (request) => accounts.account(request.params.id),
    );
    for (const [action, activated] of [
      ["activate", true],
      ["deactivate", false],
    ] as const) {
      r.post(
        `/users/:id/${action}`,
        {
          schema: {
            tags,
            summary: `${action[0]!.toUpperCase()}${action.slice(1)} an account`,
            params: idParamsSchema,
            response: { 200: accountSchema, ...errors },
          },
        },
        async (request) => accounts.setActivated(request.params.id, activated, actorOf(request)),
      );
    }
    r.put(
      "/users/:id/account/password",
      {
        schema: {
          tags,
          summary: "Set an account's SIP password",
          params: idParamsSchema,
          body: z.object({ password: z.string().min(8).max(128), sha256: z.boolean().default(false) }),
          response: { 200: accountSchema, ...errors },
        },
      },
      async (request) => accounts.adminSetPassword(request.params.id, request.body.password, request.body.sha256),
    );
    r.post(
      "/users/:id/provisioning",
      {
        schema: {
          tags,
          summary: "A new single-use Linphone provisioning link (earlier links stop working)",
          params: idParamsSchema,
          response: { 201: provisioningLinkSchema, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await accounts.newProvisioningLink(request.params.id)),
    );
    r.get(
      "/users/:id/provisioning/qr.png",
      {
        schema: {
          tags,
          summary: "The QR code (PNG) of the newest provisioning link",
          params: idParamsSchema,
          produces: ["image/png"],
          response: { 200: z.any(), ...errors },
        },
      },
      async (request, reply) => {
        const url = await accounts.currentProvisioningUrl(request.params.id);
        const png = await QRCode.toBuffer(url, { type: "png", errorCorrectionLevel: "M", margin: 2, scale: 6 });
        return reply.type("image/png").header("cache-control", "no-store").send(png);
      },
    );
  };
}

/** `GET /provisioning/<token>`: Linphone's remote provisioning (no console auth: the token is the credential). */
export function provisioningRoutes(accounts: AccountsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/provisioning/:token",
      {
        schema: {
          tags: ["account"],
          security: [],
          summary: "Linphone remote provisioning (lpconfig XML); only Linphone's request uses the link",
          params: z.object({ token: z.string().min(16).max(128) }),
          produces: ["application/xml"],
          response: { 200: z.any(), 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema },
        },
      },
      async (request, reply) => {
        const fromLinphone = request.headers["x-linphone-provisioning"] !== undefined;
        const xml = await accounts.provision(request.params.token, fromLinphone);
        return reply.type("application/xml; charset=utf-8").header("cache-control", "no-store").send(xml);
      },
    );
  };
}
