import {
  createExtensionSchema,
  errorBodySchema,
  extensionImportQuerySchema,
  extensionImportResultSchema,
  extensionListSchema,
  extensionSchema,
  idParamsSchema,
  listExtensionsQuerySchema,
  updateExtensionSchema,
} from "@cisisk/contract";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { importExtensionsCsv } from "./extensions-import.js";
import type { ExtensionsService } from "./extensions.service.js";

const errors = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
};

export function extensionsRoutes(extensions: ExtensionsService) {
  return async (app: FastifyInstance) => {
    // CSV bodies for the import (scoped to this plugin).
    app.addContentTypeParser(["text/csv", "text/plain"], { parseAs: "string" }, (_req, body, done) => done(null, body));
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["extensions"];

    r.get(
      "/extensions",
      {
        schema: {
          tags,
          summary: "List extensions (with registration state and Asterisk sync state)",
          querystring: listExtensionsQuerySchema,
          response: { 200: extensionListSchema, ...errors },
        },
      },
      async (request) => extensions.list(request.query),
    );
    r.post(
      "/extensions",
      {
        schema: {
          tags,
          summary: "Create an extension (the secret is generated when omitted and never returned)",
          body: createExtensionSchema,
          response: { 201: extensionSchema, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await extensions.create(request.body)),
    );
    r.post(
      "/extensions/import",
      {
        schema: {
          tags,
          summary: "Import extensions from CSV (number,technology,displayName,username); all or nothing",
          description:
            "Body `text/csv`; `?dryRun=true` checks and answers what would be created, writing nothing. On any " +
            "invalid row answers 400 with `details: [{row, field, message}]` and writes nothing.",
          querystring: extensionImportQuerySchema,
          body: z.string().max(5 * 1024 * 1024),
          response: { 200: extensionImportResultSchema, ...errors },
        },
      },
      async (request) => importExtensionsCsv(extensions, request.body, request.query.dryRun),
    );
    r.get(
      "/extensions/:id",
      {
        schema: {
          tags,
          summary: "Get an extension",
          params: idParamsSchema,
          response: { 200: extensionSchema, ...errors },
        },
      },
      async (request) => extensions.get(request.params.id),
    );
    r.patch(
      "/extensions/:id",
      {
        schema: {
          tags,
          summary: "Update an extension",
          params: idParamsSchema,
          body: updateExtensionSchema,
          response: { 200: extensionSchema, ...errors },
        },
      },
      async (request) => extensions.update(request.params.id, request.body),
    );
    r.delete(
      "/extensions/:id",
      {
        schema: {
          tags,
          summary: "Delete an extension (and its Asterisk objects)",
          params: idParamsSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await extensions.delete(request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
