import {
  bulkDeployBodySchema,
  deployBodySchema,
  deploymentBatchSchema,
  deploymentListSchema,
  deploymentSchema,
  errorBodySchema,
  idParamsSchema,
  listDeploymentsQuerySchema,
} from "@cisisk/contract";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { DeploymentsService } from "./deployments.service.js";

const errors = {
  400: errorBodySchema,
  401: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  502: errorBodySchema,
};

export function deploymentsRoutes(deployments: DeploymentsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["deployments"];

    r.post(
      "/profiles/:id/deploy",
      {
        schema: {
          tags,
          summary: "Deploy a profile to one phone: backup, upload, restart, clear_session (409 when incompatible)",
          params: idParamsSchema,
          body: deployBodySchema,
          response: { 200: deploymentSchema, ...errors },
        },
      },
      async (request) => deployments.deploy(request.params.id, request.body.phoneId),
    );
    r.get(
      "/deployments",
      {
        schema: {
          tags,
          summary: "Deployment history, newest first",
          querystring: listDeploymentsQuerySchema,
          response: { 200: deploymentListSchema, ...errors },
        },
      },
      async (request) => deployments.list(request.query),
    );
    r.post(
      "/deployments",
      {
        schema: {
          tags,
          summary:
            "Bulk deploy a profile to many phones (runs in the background; follow /deployments/batches/:id/events)",
          body: bulkDeployBodySchema,
          response: { 202: deploymentBatchSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(202).send(await deployments.startBatch(request.body.profileId, request.body.phoneIds)),
    );
    r.get(
      "/deployments/:id",
      {
        schema: {
          tags,
          summary: "One deployment with its steps",
          params: idParamsSchema,
          response: { 200: deploymentSchema, ...errors },
        },
      },
      async (request) => deployments.get(request.params.id),
    );
    r.get(
      "/deployments/batches/:id",
      {
        schema: {
          tags,
          summary: "Progress and per-phone results of a bulk deploy",
          params: idParamsSchema,
          response: { 200: deploymentBatchSchema, ...errors },
        },
      },
      async (request) => deployments.batch(request.params.id),
    );
    r.get(
      "/deployments/batches/:id/events",
      {
        schema: {
          tags,
          summary:
            "Server-sent events: `progress` {total, done, succeeded, failed, status} until `done` (with per-phone results), also when the batch failed as abandoned",
          params: idParamsSchema,
          response: { 200: z.string().meta({ description: "text/event-stream" }), ...errors },
        },
      },
      async (request, reply) => {
        // Read from the database each tick, so any server sharing it can stream a batch another one runs.
        let snapshot = await deployments.batch(request.params.id, false);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-store",
          connection: "keep-alive",
          "x-accel-buffering": "no",
        });
        let closed = false;
        request.raw.on("close", () => {
          closed = true;
        });
        let last = "";
        // A batch whose server died is failed by the reads below once its heartbeat is stale, which ends the
        // stream with `done`; the hour is only a backstop.
        const until = Date.now() + 3_600_000;
        try {
          while (!closed && Date.now() < until) {
            const { results: _omit, ...progress } = snapshot;
            const text = JSON.stringify(progress);
            if (text !== last) {
              res.write(`event: progress\ndata: ${text}\n\n`);
              last = text;
            }
            if (snapshot.status !== "running") {
              const full = await deployments.batch(request.params.id, true);
              res.write(`event: done\ndata: ${JSON.stringify(full)}\n\n`);
              break;
            }
            await new Promise((r) => setTimeout(r, 250));
            snapshot = await deployments.batch(request.params.id, false);
          }
        } catch (error) {
          // The stream is already open: report in-band, never as a second HTTP answer.
          request.log.error({ err: error }, "deployment progress stream failed");
          res.write(`event: error\ndata: ${JSON.stringify({ message: "progress unavailable" })}\n\n`);
        }
        res.end();
      },
    );
    r.post(
      "/phones/:id/rollback",
      {
        schema: {
          tags,
          summary: "Restore the newest backup of the phone's config, restart it, clear its service session",
          params: idParamsSchema,
          response: { 200: deploymentSchema, ...errors },
        },
      },
      async (request) => deployments.rollback(request.params.id),
    );
    r.get(
      "/phones/:id/config",
      {
        schema: {
          tags,
          summary: "The SEP<MAC>.cnf.xml now on the phones' file server (404 when none)",
          params: idParamsSchema,
          response: { 200: z.string().meta({ description: "text/xml" }), ...errors },
        },
      },
      async (request, reply) => {
        const xml = await deployments.currentConfig(request.params.id);
        return reply.type("text/xml; charset=utf-8").header("cache-control", "no-store").send(xml);
      },
    );
  };
}
