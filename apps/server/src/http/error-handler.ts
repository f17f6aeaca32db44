import type { ErrorCode } from "@cisisk/contract";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { DomainError, RateLimited } from "../errors.js";

const statusByCode: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  upstream_failed: 502,
  unavailable: 503,
  internal_error: 500,
};

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** The one place where errors become HTTP: `{ error: { code, message, details? } }`, 5xx messages hidden. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof DomainError) {
      if (err instanceof RateLimited) reply.header("Retry-After", String(err.retryAfterSeconds));
      return reply.code(statusByCode[err.code]).send(errorBody(err.code, err.message, err.details));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? "body";
      const details = err.validation.map((v) => ({
        path: [where, ...v.instancePath.split("/").filter(Boolean)].join("."),
        message: v.message,
      }));
      return reply.code(400).send(errorBody("validation_failed", `invalid request ${where}`, details));
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause.issues }, "response does not match its schema");
      return reply.code(500).send(errorBody("internal_error", "internal error"));
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors: malformed JSON, wrong content type, body too large, …
      const message =
        err.code === "FST_ERR_CTP_INVALID_JSON_BODY" || err instanceof SyntaxError
          ? "malformed JSON body"
          : err.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
            ? "empty JSON body"
            : err.message;
      const code: ErrorCode = status === 401 ? "unauthenticated" : status === 404 ? "not_found" : "validation_failed";
      return reply.code(status).send(errorBody(code, message));
    }
    request.log.error({ err }, "unhandled error");
    return reply.code(500).send(errorBody("internal_error", "internal error"));
  });
}
