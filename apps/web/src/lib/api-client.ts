import type { ErrorCode, FieldIssue } from "@cisisk/contract";
import type { EventSourceMessage } from "eventsource-parser";
import { tokenStore, type TokenStore } from "./token-store";

/** Server codes, plus the two failures that never reach a server error body. */
export type ApiErrorCode = ErrorCode | "network_error" | "bad_response";

/** Every failed API call: the server's `{ error: { code, message, details? } }` with the HTTP status. */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
    /** From `Retry-After` on 429. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /**
   * validation_failed issues of one request part, keyed by field: `body.username` → `username`.
   * Issues of other parts (querystring, params) are left out.
   */
  fieldIssues(part: "body" | "querystring" | "params" = "body"): FieldIssue[] {
    if (this.code !== "validation_failed" || !Array.isArray(this.details)) return [];
    const prefix = `${part}.`;
    return this.details
      .filter((d): d is FieldIssue => typeof d?.path === "string" && typeof d?.message === "string")
      .filter((d) => d.path === part || d.path.startsWith(prefix))
      .map((d) => ({ path: d.path.slice(prefix.length), message: d.message }));
  }
}

export function isApiError(error: unknown, code?: ApiErrorCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /**
   * false for the calls that are themselves the authentication (login, refresh, logout): no bearer
   * token, and a 401 is just the answer, not a reason to refresh.
   */
  auth?: boolean;
  /** Media type of a string or Blob body sent as is (file uploads such as text/csv); JSON otherwise. */
  contentType?: string;
  /** "blob" for file downloads, "text" for XML and other text answers; JSON otherwise. */
  as?: "json" | "blob" | "text";
}

/** One server-sent event; `event` is undefined for unnamed events. */
export type ServerEvent = EventSourceMessage;

type GetOptions = Omit<RequestOptions, "body" | "as">;

export interface ApiClient {
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** A new access token from the refresh cookie (after a reload, or in a new tab); null when there is no session. */
  restoreSession(): Promise<string | null>;
  get<T>(path: string, options?: Omit<RequestOptions, "body">): Promise<T>;
  /** GET of a text answer (rendered configs, previews). */
  text(path: string, options?: GetOptions): Promise<string>;
  /**
   * GET of a `text/event-stream`, yielding each event until the server ends the stream. Sent with the
   * bearer token like any call (EventSource cannot send one); a 401 before the stream starts refreshes.
   */
  events(path: string, options?: GetOptions): AsyncGenerator<ServerEvent, void, undefined>;
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  patch<T>(path: string, body: unknown, options?: RequestOptions): Promise<T>;
  delete<T = void>(path: string, options?: RequestOptions): Promise<T>;
}

const ACCEPT = { json: "application/json", text: "text/*, application/xml, */*;q=0.5", blob: "*/*" } as const;

interface TokenPairResponse {
  accessToken: string;
}

/** Sent on every call: the server requires it where the refresh cookie authenticates (its CSRF defence). */
export const CSRF_HEADER = { "x-cisisk-csrf": "1" } as const;

/**
 * One client for the whole console. On a 401 it refreshes the token pair once and retries the call
 * once; when that fails the tokens are cleared and the route guard sends the user to /login.
 */
export function createApiClient(options: { baseUrl: string; tokens: TokenStore }): ApiClient {
  const { tokens } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  let refreshInFlight: Promise<string | null> | null = null;

  async function send(
    method: string,
    path: string,
    opts: RequestOptions,
    accessToken: string | undefined,
    accept: string = ACCEPT[opts.as ?? "json"],
  ): Promise<Response> {
    const headers: Record<string, string> = { accept, ...CSRF_HEADER };
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    // No content-type without a body: Fastify rejects an empty JSON body with 400.
    if (opts.body !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
    const raw = opts.contentType !== undefined && (typeof opts.body === "string" || opts.body instanceof Blob);
    try {
      return await fetch(urlOf(path, opts.query), {
        method,
        headers,
        body: opts.body === undefined ? undefined : raw ? (opts.body as string | Blob) : JSON.stringify(opts.body),
        signal: opts.signal,
        // The refresh cookie goes only to /api/v1/auth on this origin (its path and SameSite=Strict).
        credentials: "same-origin",
      });
    } catch (error) {
      if (opts.signal?.aborted) throw error;
      throw new ApiError(0, "network_error", "cannot reach the Cisisk server");
    }
  }

  function urlOf(path: string, query: RequestOptions["query"]): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
    }
    const qs = params.toString();
    return `${baseUrl}${path}${qs ? `?${qs}` : ""}`;
  }

  /**
   * Refresh tokens rotate, and presenting a rotated one ends the whole session on the server. So all
   * callers that got a 401 share one refresh, tabs take turns through a Web Lock, and a caller whose
   * token was already replaced just retries with the new one.
   */
  function refreshAfter(rejectedToken: string | undefined): Promise<string | null> {
    const current = tokens.get();
    if (current && current.accessToken !== rejectedToken) return Promise.resolve(current.accessToken);
    refreshInFlight ??= withTabLock(() => refresh(rejectedToken)).finally(() => {
      refreshInFlight = null;
    });
    return refreshInFlight;
  }

  async function refresh(rejectedToken: string | undefined): Promise<string | null> {
    const current = tokens.get();
    if (current && current.accessToken !== rejectedToken) return current.accessToken;
    // The refresh token is the httpOnly cookie: no body.
    const res = await send("POST", "/auth/refresh", {}, undefined);
    if (res.ok) {
      const pair = (await res.json()) as TokenPairResponse;
      tokens.set({ accessToken: pair.accessToken });
      return pair.accessToken;
    }
    // A 4xx means there is no live session (no cookie, or it was revoked). A 5xx or 429 may pass: report it.
    if (res.status >= 400 && res.status < 500 && res.status !== 429) {
      if (current) tokens.clear("expired");
      return null;
    }
    throw await errorOf(res);
  }

  /** The successful response, after one refresh and retry on a 401; any other failure as ApiError. */
  async function respond(method: string, path: string, opts: RequestOptions, accept?: string): Promise<Response> {
    const auth = opts.auth ?? true;
    const usedToken = auth ? tokens.get()?.accessToken : undefined;
    let res = await send(method, path, opts, usedToken, accept);
    if (auth && res.status === 401) {
      // null: the refresh failed and the tokens are already gone (or were never there).
      const fresh = await refreshAfter(usedToken);
      if (!fresh) throw await errorOf(res);
      res = await send(method, path, opts, fresh, accept);
      if (res.status === 401 && tokens.get()?.accessToken === fresh) tokens.clear("expired");
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await respond(method, path, opts);
    if (res.status === 204) return undefined as T;
    if (opts.as === "blob") return (await res.blob()) as T;
    if (opts.as === "text") return (await res.text()) as T;
    return (await res.json()) as T;
  }

  async function* events(path: string, opts: GetOptions = {}): AsyncGenerator<ServerEvent, void, undefined> {
    const res = await respond("GET", path, opts, "text/event-stream");
    if (!res.body) throw new ApiError(res.status, "bad_response", "the server sent no event stream");
    // Loaded on first use: only the deploy dialog streams, and the login page should not carry the parser.
    const { EventSourceParserStream } = await import("eventsource-parser/stream");
    const reader = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read().catch((error: unknown) => {
          if (opts.signal?.aborted) throw error;
          throw new ApiError(0, "network_error", "the connection to the Cisisk server was cut");
        });
        if (done) return;
        yield value;
      }
    } finally {
      // The caller stopped early (return, throw, abort): close the connection, not just the loop.
      await reader.cancel().catch(() => undefined);
    }
  }

  return {
    request,
    restoreSession: () => refreshAfter(undefined),
    get: (path, opts) => request("GET", path, opts),
    text: (path, opts) => request<string>("GET", path, { ...opts, as: "text" }),
    events,
    post: (path, body, opts) => request("POST", path, { ...opts, body }),
    patch: (path, body, opts) => request("PATCH", path, { ...opts, body }),
    delete: (path, opts) => request("DELETE", path, opts),
  };
}

async function errorOf(res: Response): Promise<ApiError> {
  const retryAfter = Number(res.headers.get("retry-after") ?? Number.NaN);
  const body: unknown = await res.json().catch(() => undefined);
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && typeof error.code === "string" && typeof error.message === "string") {
    const detailsRetry = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    const retryAfterSeconds = Number.isFinite(retryAfter)
      ? retryAfter
      : typeof detailsRetry === "number"
        ? detailsRetry
        : undefined;
    return new ApiError(res.status, error.code as ErrorCode, error.message, error.details, retryAfterSeconds);
  }
  // Not our envelope: a reverse proxy's error page, or a server too old or too new for this console.
  return new ApiError(res.status, "bad_response", `the server answered ${res.status} ${res.statusText}`.trim());
}

function withTabLock<T>(fn: () => Promise<T>): Promise<T> {
  // Web Locks exist only in secure contexts (https, localhost); on plain http over a LAN tabs just don't coordinate.
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  return locks ? locks.request("cisisk.token-refresh", fn) : fn();
}

export const api = createApiClient({
  baseUrl: import.meta.env.VITE_API_URL || "/api/v1",
  tokens: tokenStore,
});
