import {
  errorBodySchema,
  fileNameParamsSchema,
  fileServingSchema,
  listStoredFilesQuerySchema,
  storedFileListSchema,
  storedFileSchema,
} from "@cisisk/contract";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ValidationFailed } from "../../errors.js";
import type { FileStoreService } from "./file-store.service.js";

const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema };

export function fileStoreRoutes(files: FileStoreService) {
  return async (app: FastifyInstance) => {
    const limit = files.serving().uploadLimitBytes;
    // Uploads are raw bytes; encapsulated in this plugin so no other route accepts them.
    app.addContentTypeParser("application/octet-stream", { parseAs: "buffer", bodyLimit: limit }, (_req, body, done) =>
      done(null, body),
    );
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["files"];

    r.get(
      "/files",
      {
        schema: {
          tags,
          summary: 'Files uploaded for the phones (served over TFTP and HTTP when [provisioning] store = "self")',
          description: "Sort: name (the default), size, uploadedAt; `q` searches the name.",
          querystring: listStoredFilesQuerySchema,
          response: { 200: storedFileListSchema, ...errors },
        },
      },
      async (request) => files.list(request.query),
    );
    r.put(
      "/files/:name",
      {
        bodyLimit: limit,
        schema: {
          tags,
          summary: "Upload (or replace) a file for the phones: the body is the file, application/octet-stream",
          description:
            "Ring tones, dial plans, XMLDefault.cnf.xml, firmware loads. Names: letters, digits, '.', '_' and '-', " +
            "not starting with '.', at most 100 characters; size up to [provisioning] upload_limit_mb.",
          params: fileNameParamsSchema,
          response: { 200: storedFileSchema, 201: storedFileSchema, ...errors, 413: errorBodySchema },
        },
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body))
          throw new ValidationFailed("send the file itself as the body, Content-Type: application/octet-stream", [
            { path: "body", message: "expected application/octet-stream" },
          ]);
        const { file, created } = await files.put(request.params.name, request.body);
        return reply.code(created ? 201 : 200).send(file);
      },
    );
    r.get(
      "/files/:name",
      { schema: { tags, summary: "Download an uploaded file", params: fileNameParamsSchema } },
      async (request, reply) => {
        const { body } = await files.download(request.params.name);
        return reply
          .type("application/octet-stream")
          .header("content-disposition", `attachment; filename="${request.params.name}"`)
          .send(body);
      },
    );
    r.delete(
      "/files/:name",
      {
        schema: {
          tags,
          summary: "Delete an uploaded file",
          params: fileNameParamsSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await files.remove(request.params.name);
        return reply.code(204).send(null);
      },
    );
    r.get(
      "/file-serving",
      {
        schema: {
          tags,
          summary: "Cisisk's TFTP and HTTP (6970) file serving on this server: store, listeners, recent hits",
          response: { 200: fileServingSchema, ...errors },
        },
      },
      async () => files.serving(),
    );
  };
}
