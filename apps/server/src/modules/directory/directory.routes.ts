import {
  contactListSchema,
  contactSchema,
  createContactSchema,
  errorBodySchema,
  idParamsSchema,
  importQuerySchema,
  importResultSchema,
  listContactsQuerySchema,
  updateContactSchema,
} from "@cisisk/contract";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ValidationFailed } from "../../errors.js";
import type { DirectoryService, ImportFormat } from "./directory.service.js";

const errors = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
};

const CSV_TYPES = ["text/csv", "application/csv", "text/comma-separated-values"];
const VCARD_TYPES = ["text/vcard", "text/x-vcard", "text/directory"];

/** The import format from the request's media type; text/plain is sniffed for BEGIN:VCARD. */
function formatOf(contentType: string | undefined, body: string): ImportFormat {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (CSV_TYPES.includes(type)) return "csv";
  if (VCARD_TYPES.includes(type)) return "vcard";
  if (type === "text/plain") return /^\uFEFF?\s*BEGIN:VCARD/i.test(body) ? "vcard" : "csv";
  throw new ValidationFailed("send the file as text/csv or text/vcard", [
    { path: "headers.content-type", message: type },
  ]);
}

export function directoryRoutes(directory: DirectoryService) {
  return async (app: FastifyInstance) => {
    // Import bodies are files, read as text; encapsulated in this plugin so no other route accepts them.
    app.addContentTypeParser([...CSV_TYPES, ...VCARD_TYPES], { parseAs: "string" }, (_req, body, done) =>
      done(null, body),
    );
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["directory"];

    r.get(
      "/directory",
      {
        schema: {
          tags,
          summary: "List and search the corporate directory (or a user's personal one)",
          querystring: listContactsQuerySchema,
          response: { 200: contactListSchema, ...errors },
        },
      },
      async (request) => directory.list(request.query),
    );
    r.post(
      "/directory",
      {
        schema: {
          tags,
          summary: "Create a contact",
          body: createContactSchema,
          response: { 201: contactSchema, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await directory.create(request.body)),
    );
    r.get(
      "/directory/export.csv",
      { schema: { tags, summary: "Export the corporate directory as CSV (UTF-8 with BOM)" } },
      async (_request, reply) =>
        reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", 'attachment; filename="directory.csv"')
          .send(await directory.exportCsv()),
    );
    r.get(
      "/directory/export.vcf",
      {
        schema: {
          tags,
          summary: "Export the corporate directory as vCards (3.0 by default, ?version=4.0)",
          querystring: z.object({ version: z.enum(["3.0", "4.0"]).default("3.0") }),
        },
      },
      async (request, reply) =>
        reply
          .type("text/vcard; charset=utf-8")
          .header("content-disposition", 'attachment; filename="directory.vcf"')
          .send(await directory.exportVcards(request.query.version)),
    );
    r.post(
      "/directory/import",
      {
        schema: {
          tags,
          summary: "Import CSV or vCards, all or nothing (?dryRun=true previews)",
          description:
            "Body `text/csv` (header row; `;` or `,`; UTF-8 with or without BOM) or `text/vcard` (3.0/4.0). " +
            "With any rejected record nothing is imported and the answer is 400 with the rejections as details.",
          querystring: importQuerySchema,
          response: { 200: importResultSchema, 201: importResultSchema, ...errors },
        },
      },
      async (request, reply) => {
        const body = typeof request.body === "string" ? request.body : "";
        const result = await directory.import(
          formatOf(request.headers["content-type"], body),
          body,
          request.query.dryRun,
        );
        return reply.code(result.dryRun ? 200 : 201).send(result);
      },
    );
    r.get(
      "/directory/:id",
      {
        schema: { tags, summary: "Get a contact", params: idParamsSchema, response: { 200: contactSchema, ...errors } },
      },
      async (request) => directory.get(request.params.id),
    );
    r.patch(
      "/directory/:id",
      {
        schema: {
          tags,
          summary: "Update a contact",
          params: idParamsSchema,
          body: updateContactSchema,
          response: { 200: contactSchema, ...errors },
        },
      },
      async (request) => directory.update(request.params.id, request.body),
    );
    r.delete(
      "/directory/:id",
      { schema: { tags, summary: "Delete a contact", params: idParamsSchema, response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await directory.delete(request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
