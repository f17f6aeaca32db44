import { errorBodySchema, securitySettingsSchema, updateSecuritySettingsSchema } from "@cisisk/contract";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { principalOf } from "../../http/authenticate.js";
import { clientIp } from "../../http/client-ip.js";
import type { SecuritySettingsService } from "./security-settings.service.js";

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 409: errorBodySchema };

export function securitySettingsRoutes(settings: SecuritySettingsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["settings"];
    r.get(
      "/settings/security",
      { schema: { tags, summary: "Security settings", response: { 200: securitySettingsSchema, ...errors } } },
      async (request) => settings.get(principalOf(request, "admin_session").user),
    );
    r.put(
      "/settings/security",
      {
        schema: {
          tags,
          summary: "Change the security settings (confirmLockout: true when they shut out your own address)",
          body: updateSecuritySettingsSchema,
          response: { 200: securitySettingsSchema, ...errors },
        },
      },
      async (request) => settings.update(request.body, principalOf(request, "admin_session").user, clientIp(request)),
    );
  };
}
