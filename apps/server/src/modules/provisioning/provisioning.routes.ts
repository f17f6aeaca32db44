import {
  createEndpointDeviceSchema,
  editEndpointDeviceSchema,
  endpointDeviceListSchema,
  endpointDeviceSchema,
  endpointMacParamsSchema,
  errorBodySchema,
  listEndpointDevicesQuerySchema,
  provisioningFileSchema,
  provisioningSettingsSchema,
  rebootRequestSchema,
  rebootResultSchema,
} from "@cisisk/contract";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { UpstreamFailed } from "../../errors.js";
import { errorBody } from "../../http/error-handler.js";
import type { ProvisionHttp } from "./provision-http.js";
import type { ProvisioningService } from "./provisioning.service.js";

const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

/**
 * `GET /provision/<file>`: phone-facing, no console auth (`[provisioning]` protects it). `provision-http.ts`
 * writes the answer here, and takes plain requests before routing (the storm's path).
 */
export function provisionRoutes(http: ProvisionHttp) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/provision/:file",
      {
        // The console's CSP is for pages, not a phone's text file; the answer sets no-store and nosniff itself.
        helmet: false,
        schema: {
          tags: ["provisioning"],
          summary:
            "A phone's own config file: <mac>[.cfg|.xml] in any MAC spelling, SEP<MAC>.cnf.xml, y0000000000XX.cfg",
          security: [],
          params: z.object({ file: z.string().max(1024) }),
          response: {
            400: errorBodySchema,
            401: errorBodySchema,
            403: errorBodySchema,
            404: errorBodySchema,
            429: errorBodySchema,
          },
        },
      },
      async (request, reply) => {
        reply.hijack();
        await http.serve(request.raw, reply.raw, request.params.file, request.raw.socket?.remoteAddress ?? request.ip);
      },
    );
    // Deeper paths (`/provision/a/b`, `/provision/../x`) are never a phone's file.
    r.get("/provision/*", { helmet: false, schema: { hide: true } }, async (_request, reply) =>
      reply.code(400).send(errorBody("validation_failed", http.badNameMessage)),
    );
  };
}

const rebootBody = rebootRequestSchema;

async function rebootOrFail(provisioning: ProvisioningService, mac: string, mode: "reboot" | "resync") {
  const result = await provisioning.reboot(mac, mode);
  if (!result.ok) throw new UpstreamFailed(`the ${mode} did not reach the phone: ${result.detail}`, result);
  return result;
}

/**
 * The endpoint manager's console API at the seed's paths (`/console/endpoint-manager/…`), on the console's
 * auth (the caller registers it behind the admin-session hook).
 */
export function endpointManagerRoutes(provisioning: ProvisioningService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["endpoint-manager"];
    const base = "/console/endpoint-manager";
    r.get(
      `${base}/devices`,
      {
        schema: {
          tags,
          summary: "Device list (every brand)",
          description:
            "Without `page`, `pageSize` or `cursor`: every device, `{data, total}`. With one of them it pages like " +
            "every list (sort: mac, brand, model, label, createdAt; `q` searches).",
          querystring: listEndpointDevicesQuerySchema,
          response: { 200: endpointDeviceListSchema, ...errors },
        },
      },
      async (request) => provisioning.listDevices(request.query),
    );
    r.post(
      `${base}/devices`,
      {
        schema: {
          tags,
          summary: "Add a device",
          body: createEndpointDeviceSchema,
          response: { 201: endpointDeviceSchema, ...errors },
        },
      },
      async (request, reply) => {
        const b = request.body;
        return reply.code(201).send(
          await provisioning.addDevice({
            ...b,
            password: b.password ?? null,
            server: b.server ?? null,
            extensionId: b.extensionId ?? null,
            transport: b.transport ?? null,
          }),
        );
      },
    );
    r.post(
      `${base}/devices/:mac/edit`,
      {
        schema: {
          tags,
          summary: "Edit a device",
          params: endpointMacParamsSchema,
          body: editEndpointDeviceSchema,
          response: { 200: endpointDeviceSchema, ...errors },
        },
      },
      async (request) => provisioning.editDevice(request.params.mac, request.body),
    );
    r.post(
      `${base}/devices/:mac/delete`,
      {
        schema: {
          tags,
          summary: "Delete a device",
          params: endpointMacParamsSchema,
          response: { 200: z.object({ deleted: z.boolean() }), ...errors },
        },
      },
      async (request) => {
        await provisioning.deleteDevice(request.params.mac);
        return { deleted: true };
      },
    );
    r.post(
      `${base}/devices/:mac/reboot`,
      {
        schema: {
          tags,
          summary: "Reboot (or resync) a device with its vendor's SIP NOTIFY; 502 when the phone does not accept it",
          params: endpointMacParamsSchema,
          body: rebootBody,
          response: { 200: rebootResultSchema, ...errors, 502: errorBodySchema },
        },
      },
      async (request) => rebootOrFail(provisioning, request.params.mac, request.body?.mode ?? "reboot"),
    );
    r.get(
      `${base}/settings`,
      {
        schema: {
          tags,
          summary: "Provisioning settings ([provisioning]), model catalogue and DHCP snippets",
          response: { 200: provisioningSettingsSchema, ...errors },
        },
      },
      async () => provisioning.settings(),
    );
  };
}

/** The same operations in /api/v1 for the console (devices themselves are /api/v1/phones with brand fields). */
export function provisioningApiRoutes(provisioning: ProvisioningService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["provisioning"];
    r.get(
      "/provisioning/settings",
      {
        schema: {
          tags,
          summary: "Provisioning settings ([provisioning]), model catalogue and DHCP snippets",
          response: { 200: provisioningSettingsSchema, ...errors },
        },
      },
      async () => provisioning.settings(),
    );
    r.get(
      "/provisioning/devices/:mac/file",
      {
        schema: {
          tags,
          summary: "The exact file the phone gets from /provision (passwords masked unless showSecrets=true)",
          params: endpointMacParamsSchema,
          querystring: z.object({ showSecrets: z.enum(["true", "false"]).optional() }),
          response: { 200: provisioningFileSchema, ...errors },
        },
      },
      async (request) => provisioning.preview(request.params.mac, request.query.showSecrets === "true"),
    );
    r.post(
      "/provisioning/devices/:mac/reboot",
      {
        schema: {
          tags,
          summary: "Reboot (or resync) a device with its vendor's SIP NOTIFY; 502 when the phone does not accept it",
          params: endpointMacParamsSchema,
          body: rebootBody,
          response: { 200: rebootResultSchema, ...errors, 502: errorBodySchema },
        },
      },
      async (request) => rebootOrFail(provisioning, request.params.mac, request.body?.mode ?? "reboot"),
    );
  };
}
