import type { ErrorCode } from "@cisisk/contract";

/** Domain errors: a stable code and no HTTP status (http/error-handler.ts maps code → status). */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFound extends DomainError {
  constructor(what: string, details?: unknown) {
    super("not_found", `${what} not found`, details);
  }
}
export class Conflict extends DomainError {
  constructor(message: string, details?: unknown) {
    super("conflict", message, details);
  }
}
export class ValidationFailed extends DomainError {
  constructor(message: string, details?: unknown) {
    super("validation_failed", message, details);
  }
}
export class Forbidden extends DomainError {
  constructor(message = "forbidden", details?: unknown) {
    super("forbidden", message, details);
  }
}
export class Unauthenticated extends DomainError {
  constructor(message = "authentication required") {
    super("unauthenticated", message);
  }
}
export class InvalidCredentials extends DomainError {
  constructor() {
    super("invalid_credentials", "invalid username or password");
  }
}
export class RateLimited extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super("rate_limited", "too many attempts, try again later", { retryAfterSeconds });
  }
}
export class UpstreamFailed extends DomainError {
  constructor(message: string, details?: unknown) {
    super("upstream_failed", message, details);
  }
}
/** A dependency the request cannot do without (the database) did not answer in time or at all. */
export class DatabaseUnavailable extends DomainError {
  constructor(message: string) {
    super("unavailable", message);
  }
}
