import type { Socket } from "node:net";
import type { ErrorCode } from "@cisisk/contract";
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
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

/** The status and body for an error; 5xx are logged here and their message hidden. */
export function toHttp(err: FastifyError, log: FastifyBaseLogger): [number, ReturnType<typeof errorBody>] {
  if (err instanceof DomainError) {
    if (statusByCode[err.code] >= 500) log.warn({ err }, "dependency unavailable");
    return [statusByCode[err.code], errorBody(err.code, err.message, err.details)];
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? "body";
    const details = err.validation.map((v) => ({
      path: [where, ...v.instancePath.split("/").filter(Boolean)].join("."),
      message: v.message,
    }));
    return [400, errorBody("validation_failed", `invalid request ${where}`, details)];
  }
  if (isResponseSerializationError(err)) {
    log.error({ err, issues: err.cause.issues }, "response does not match its schema");
    return [500, errorBody("internal_error", "internal error")];
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
    return [status, errorBody(code, message)];
  }
  log.error({ err }, "unhandled error");
  return [500, errorBody("internal_error", "internal error")];
}

/**
 * The one place where errors become HTTP: `{ error: { code, message, details? } }`, 5xx messages hidden.
 * Phone-facing paths (`/cisco/…`) answer the phone's error page instead (`phonePage`): a phone shows only
 * XML it can parse, so they answer 200 with a CiscoIPPhoneText whatever went wrong.
 */
export function registerErrorHandler(app: FastifyInstance, phonePage?: (message: string) => string): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const [status, body] = toHttp(err, request.log);
    if (phonePage && request.url.startsWith("/cisco/"))
      return reply.code(200).type(PHONE_CONTENT_TYPE).send(phonePage(body.error.message));
    if (err instanceof RateLimited) reply.header("Retry-After", String(err.retryAfterSeconds));
    return reply.code(status).send(body);
  });
}

/**
 * Errors Fastify raises before a route runs (a URL it cannot decode, a path parameter over its length):
 * the same envelope as every other error, or the phone's error page on phone-facing paths.
 */
export function frameworkErrorHandler(phonePage: (message: string) => string) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
    const message = err.code === "FST_ERR_MAX_PARAM_LENGTH" ? "a path parameter is too long" : "malformed URL";
    if (request.url.startsWith("/cisco/")) return reply.code(200).type(PHONE_CONTENT_TYPE).send(phonePage(message));
    return reply.code(status).send(errorBody("validation_failed", message));
  };
}
const PHONE_CONTENT_TYPE = "text/xml; charset=utf-8";

/**
 * Errors of the HTTP parser itself (headers or request line too large, garbage on the socket): there is
 * no request yet, so no route and no path; the answer is the JSON envelope, written on the socket.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const [status, reason, message] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request Header Fields Too Large", "the request line or headers are too large"]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "Request Timeout", "the request took too long to arrive"]
        : [400, "Bad Request", "malformed HTTP request"];
  const body = JSON.stringify(errorBody("validation_failed", message));
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy();
}
