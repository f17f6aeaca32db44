import { errorBodySchema, firmwareSettingsSchema, putFirmwareSettingsSchema } from "@cisisk/contract";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { FirmwareService } from "./firmware.service.js";

const errors = { 400: errorBodySchema, 401: errorBodySchema };

export function firmwareRoutes(firmware: FirmwareService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["settings"];
    r.get(
      "/settings/firmware",
      {
        schema: {
          tags,
          summary: "Firmware load per phone model (the loadInformation its phones get unless a phone has its own)",
          response: { 200: firmwareSettingsSchema, ...errors },
        },
      },
      async () => firmware.get(),
    );
    r.put(
      "/settings/firmware",
      {
        schema: {
          tags,
          summary: "Replace every model's firmware load (models left out get none)",
          body: putFirmwareSettingsSchema,
          response: { 200: firmwareSettingsSchema, ...errors },
        },
      },
      async (request) => firmware.put(request.body.loads),
    );
  };
}
