import {
  createServiceSchema,
  errorBodySchema,
  idParamsSchema,
  listServicesQuerySchema,
  serviceListSchema,
  servicePreviewQuerySchema,
  servicePreviewSchema,
  serviceSchema,
  updateServiceSchema,
} from "@cisisk/contract";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ServicesService } from "./services.service.js";

const errors = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
};

/** How phones reach this server: `[phone_services] base_url`, else the origin of the request. */
export function phoneBaseUrl(baseUrl: string | undefined, request: FastifyRequest): string {
  return (baseUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, "");
}

export function servicesRoutes(services: ServicesService, baseUrl: string | undefined) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["services"];

    r.get(
      "/services",
      {
        schema: {
          tags,
          summary: "List phone services (built-ins first)",
          querystring: listServicesQuerySchema,
          response: { 200: serviceListSchema, ...errors },
        },
      },
      async (request) => services.list(request.query),
    );
    r.post(
      "/services",
      {
        schema: {
          tags,
          summary: "Create a phone service",
          body: createServiceSchema,
          response: { 201: serviceSchema, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await services.create(request.body)),
    );
    r.get(
      "/services/:id",
      {
        schema: {
          tags,
          summary: "Get a phone service",
          params: idParamsSchema,
          response: { 200: serviceSchema, ...errors },
        },
      },
      async (request) => services.get(request.params.id),
    );
    r.get(
      "/services/:id/preview",
      {
        schema: {
          tags,
          summary: "What a 79xx or 88xx screen shows for the service (XML and soft keys)",
          params: idParamsSchema,
          querystring: servicePreviewQuerySchema,
          response: { 200: servicePreviewSchema, ...errors },
        },
      },
      async (request) => services.preview(request.params.id, request.query.family, phoneBaseUrl(baseUrl, request)),
    );
    r.patch(
      "/services/:id",
      {
        schema: {
          tags,
          summary: "Update a phone service (built-ins: 403)",
          params: idParamsSchema,
          body: updateServiceSchema,
          response: { 200: serviceSchema, ...errors },
        },
      },
      async (request) => services.update(request.params.id, request.body),
    );
    r.delete(
      "/services/:id",
      {
        schema: {
          tags,
          summary: "Delete a phone service (built-ins: 403)",
          params: idParamsSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await services.delete(request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
