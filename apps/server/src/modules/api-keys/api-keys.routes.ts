import {
  apiKeyListSchema,
  createApiKeySchema,
  createdApiKeySchema,
  errorBodySchema,
  idParamsSchema,
  listApiKeysQuerySchema,
} from "@cisisk/contract";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiKeysService } from "./api-keys.service.js";

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

export function apiKeysRoutes(keys: ApiKeysService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["api-keys"];
    r.post(
      "/api-keys",
      {
        schema: {
          tags,
          summary: "Create an API key (the key is shown once)",
          body: createApiKeySchema,
          response: { 201: createdApiKeySchema, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await keys.create(request.body)),
    );
    r.get(
      "/api-keys",
      {
        schema: {
          tags,
          summary: "List API keys (sort: name, createdAt, expiresAt, lastUsedAt)",
          querystring: listApiKeysQuerySchema,
          response: { 200: apiKeyListSchema, ...errors },
        },
      },
      async (request) => keys.list(request.query),
    );
    r.delete(
      "/api-keys/:id",
      {
        schema: { tags, summary: "Delete an API key", params: idParamsSchema, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await keys.delete(request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
