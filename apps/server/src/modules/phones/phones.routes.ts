import {
  createPhoneSchema,
  errorBodySchema,
  idParamsSchema,
  listPhonesQuerySchema,
  phoneImportQuerySchema,
  phoneImportResultSchema,
  phoneListSchema,
  phoneSchema,
  putKemsSchema,
  updatePhoneSchema,
} from "@cisisk/contract";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { importPhonesCsv } from "./phones-import.js";
import type { PhonesService } from "./phones.service.js";

const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export function phonesRoutes(phones: PhonesService) {
  return async (app: FastifyInstance) => {
    // CSV bodies for the import (scoped to this plugin).
    app.addContentTypeParser(["text/csv", "text/plain"], { parseAs: "string" }, (_req, body, done) => done(null, body));
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["phones"];

    r.get(
      "/phones",
      {
        schema: {
          tags,
          summary: "List phones (filters: model, softwareType, profileId)",
          querystring: listPhonesQuerySchema,
          response: { 200: phoneListSchema, ...errors },
        },
      },
      async (request) => phones.list(request.query),
    );
    r.post(
      "/phones",
      { schema: { tags, summary: "Add a phone", body: createPhoneSchema, response: { 201: phoneSchema, ...errors } } },
      async (request, reply) => reply.code(201).send(await phones.create(request.body)),
    );
    r.post(
      "/phones/import",
      {
        schema: {
          tags,
          summary: "Import phones from CSV (mac,model,softwareType,label,location,ip,username,kems); all or nothing",
          description:
            "Body `text/csv`; `?dryRun=true` checks and answers what would be created, writing nothing. On any " +
            "invalid row answers 400 with `details: [{row, field, message}]` and writes nothing.",
          querystring: phoneImportQuerySchema,
          body: z.string().max(5 * 1024 * 1024),
          response: { 200: phoneImportResultSchema, ...errors },
        },
      },
      async (request) => importPhonesCsv(phones, request.body, request.query.dryRun),
    );
    r.get(
      "/phones/:id",
      { schema: { tags, summary: "Get a phone", params: idParamsSchema, response: { 200: phoneSchema, ...errors } } },
      async (request) => phones.get(request.params.id),
    );
    r.patch(
      "/phones/:id",
      {
        schema: {
          tags,
          summary: "Update a phone",
          params: idParamsSchema,
          body: updatePhoneSchema,
          response: { 200: phoneSchema, ...errors },
        },
      },
      async (request) => phones.update(request.params.id, request.body),
    );
    r.delete(
      "/phones/:id",
      { schema: { tags, summary: "Delete a phone", params: idParamsSchema, response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await phones.delete(request.params.id);
        return reply.code(204).send(null);
      },
    );
    r.put(
      "/phones/:id/kems",
      {
        schema: {
          tags,
          summary:
            "Replace the phone's key expansion modules (KEM-30, KEM-80, 7914, 7915, 7916, BEKEM, CP-8800-Audio, CP-8800-Video)",
          params: idParamsSchema,
          body: putKemsSchema,
          response: { 200: phoneSchema, ...errors },
        },
      },
      async (request) => phones.putKems(request.params.id, request.body.kems),
    );
  };
}
