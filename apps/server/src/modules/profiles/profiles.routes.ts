import {
  builtinTemplatesSchema,
  createProfileSchema,
  errorBodySchema,
  idParamsSchema,
  listProfilesQuerySchema,
  profileListSchema,
  profileSchema,
  renderQuerySchema,
  renderReportSchema,
  updateProfileSchema,
} from "@cisisk/contract";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { builtinTemplates } from "./builtin-templates.js";
import type { ProfilesService } from "./profiles.service.js";

const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export function profilesRoutes(profiles: ProfilesService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["profiles"];

    r.get(
      "/profiles",
      {
        schema: {
          tags,
          summary: "List profiles",
          querystring: listProfilesQuerySchema,
          response: { 200: profileListSchema, ...errors },
        },
      },
      async (request) => profiles.list(request.query),
    );
    r.get(
      "/profiles/templates",
      {
        schema: {
          tags,
          summary: "Built-in starting templates per software type",
          response: { 200: builtinTemplatesSchema },
        },
      },
      async () => ({ data: builtinTemplates }),
    );
    r.post(
      "/profiles",
      {
        schema: {
          tags,
          summary: "Create a profile (cnfXml defaults to the built-in template of its software type)",
          body: createProfileSchema,
          response: { 201: profileSchema, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await profiles.create(request.body)),
    );
    r.get(
      "/profiles/:id",
      {
        schema: { tags, summary: "Get a profile", params: idParamsSchema, response: { 200: profileSchema, ...errors } },
      },
      async (request) => profiles.get(request.params.id),
    );
    r.patch(
      "/profiles/:id",
      {
        schema: {
          tags,
          summary: "Update a profile",
          params: idParamsSchema,
          body: updateProfileSchema,
          response: { 200: profileSchema, ...errors },
        },
      },
      async (request) => profiles.update(request.params.id, request.body),
    );
    r.delete(
      "/profiles/:id",
      { schema: { tags, summary: "Delete a profile", params: idParamsSchema, response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await profiles.delete(request.params.id);
        return reply.code(204).send(null);
      },
    );
    r.get(
      "/profiles/:id/render",
      {
        schema: {
          tags,
          summary: "Preview the exact SEP<MAC>.cnf.xml a phone would get (passwords masked unless showSecrets=true)",
          params: idParamsSchema,
          querystring: renderQuerySchema,
          response: { 200: z.string().meta({ description: "text/xml" }), ...errors },
        },
      },
      async (request, reply) => {
        const xml = await profiles.preview(request.params.id, request.query.phoneId, request.query.showSecrets);
        return reply.type("text/xml; charset=utf-8").header("cache-control", "no-store").send(xml);
      },
    );
    r.get(
      "/profiles/:id/render/report",
      {
        schema: {
          tags,
          summary:
            "What the preview means for the phone: load from phone / from model / none, where the lines come from, which register, and warnings",
          params: idParamsSchema,
          querystring: renderQuerySchema.pick({ phoneId: true }),
          response: { 200: renderReportSchema, ...errors },
        },
      },
      async (request) => profiles.report(request.params.id, request.query.phoneId),
    );
  };
}
