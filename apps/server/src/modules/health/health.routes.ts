import { dashboardSchema, errorBodySchema, healthSchema } from "@cisisk/contract";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { HealthService } from "./health.service.js";

export function healthRoutes(health: HealthService) {
  return async (app: FastifyInstance) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      "/health",
      {
        schema: {
          tags: ["system"],
          summary: "Liveness and database check (no auth)",
          response: { 200: healthSchema, 503: healthSchema },
        },
      },
      async (_request, reply) => {
        const h = await health.health();
        return reply.code(h.db === "ok" ? 200 : 503).send(h);
      },
    );
  };
}

export function dashboardRoutes(health: HealthService) {
  return async (app: FastifyInstance) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      "/dashboard",
      {
        schema: {
          tags: ["system"],
          summary: "Counts and component health for the console dashboard",
          response: { 200: dashboardSchema, 401: errorBodySchema, 403: errorBodySchema },
        },
      },
      async () => health.dashboard(),
    );
  };
}
