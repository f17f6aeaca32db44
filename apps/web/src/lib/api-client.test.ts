import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError, createApiClient, type ServerEvent } from "./api-client";
import { createTokenStore } from "./token-store";

/**
 * A real HTTP server on loopback, answering like the Cisisk server: one valid access token that a refresh
 * rotates (presenting an old refresh token is refused), error envelopes, a text route and event streams.
 */
const state = { access: "", refresh: "", generation: 0, refreshes: 0, refreshStatus: 0 };
const seen: { method?: string; path: string; accept?: string; authorization?: string }[] = [];
let closedStreams = 0;
let baseUrl = "";

beforeEach(() => {
  Object.assign(state, { access: "access-1", refresh: "refresh-1", generation: 1, refreshes: 0, refreshStatus: 0 });
  seen.length = 0;
});

const server = createServer((req, res) => void route(req, res));
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function route(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://x");
  seen.push({
    method: req.method,
    path: url.pathname,
    accept: req.headers.accept,
    authorization: req.headers.authorization,
  });
  let body = "";
  for await (const chunk of req) body += chunk;
  // Slow enough for concurrent calls to overlap.
  await pause(5);

  switch (url.pathname) {
    case "/api/v1/auth/refresh": {
      if (state.refreshStatus)
        return sendJson(res, state.refreshStatus, { error: { code: "unauthenticated", message: "no" } });
      // Cookie mode: no token in the body (Node's fetch keeps no cookie jar; the server's cookie is implied),
      // and the CSRF header the server requires of cookie requests.
      if (body !== "" || req.headers["x-cisisk-csrf"] !== "1")
        return sendJson(res, 403, { error: { code: "forbidden", message: "no CSRF header" } });
      state.refreshes += 1;
      state.generation += 1;
      state.access = `access-${state.generation}`;
      state.refresh = `refresh-${state.generation}`;
      return sendJson(res, 200, { accessToken: state.access, expiresIn: 900 });
    }
    case "/api/v1/auth/login":
      if (JSON.parse(body).username === "flood")
        return sendJson(res, 429, { error: { code: "rate_limited", message: "slow down" } }, { "retry-after": "42" });
      return sendJson(res, 401, { error: { code: "unauthenticated", message: "wrong password" } });
  }
  if (req.headers.authorization !== `Bearer ${state.access}`)
    return sendJson(res, 401, { error: { code: "unauthenticated", message: "expired" } });

  switch (url.pathname) {
    case "/api/v1/users":
      return sendJson(res, 400, {
        error: {
          code: "validation_failed",
          message: "invalid request body",
          details: [{ path: "body.username", message: "too short" }],
        },
      });
    case "/api/v1/proxied":
      return res.writeHead(502, "Bad Gateway", { "content-type": "text/html" }).end("<html>bad gateway</html>");
    case "/api/v1/phones/p1/config":
      return res.writeHead(200, { "content-type": "text/xml; charset=utf-8" }).end("<device>\n  <ü/>\n</device>");
    case "/api/v1/phones/none/config":
      return sendJson(res, 404, { error: { code: "not_found", message: "no config on the file server" } });
    case "/api/v1/events": {
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
      // Chunks cut mid-line and mid-character, a comment, CRLF endings and a two-line data field.
      const wire = Buffer.from(
        ': keep-alive\n\nevent: progress\ndata: {"done":1}\n\nevent: progress\r\ndata: {"done":2}\r\n\r\n' +
          "data: first line\ndata: second line, unnamed\n\nevent: done\nid: 7\ndata: ünïcode\n\n",
      );
      let sent = 0;
      for (const end of [5, 23, 24, 60, 61, 120, wire.indexOf("ü") + 1, wire.length]) {
        res.write(wire.subarray(sent, end));
        sent = end;
        await pause(5);
      }
      return res.end();
    }
    case "/api/v1/endless": {
      res.writeHead(200, { "content-type": "text/event-stream" });
      // Fires once the client drops the connection (the loop below would run for ten seconds).
      res.on("close", () => (closedStreams += 1));
      for (let n = 0; !res.destroyed && n < 1000; n += 1) {
        res.write(`event: tick\ndata: ${n}\n\n`);
        await pause(10);
      }
      return res.end();
    }
    case "/api/v1/no-such-stream":
      return sendJson(res, 404, { error: { code: "not_found", message: "no such batch" } });
  }
  return sendJson(res, 200, { path: url.pathname });
}

function client(accessToken = state.access) {
  const store = createTokenStore();
  store.set({ accessToken });
  return { store, api: createApiClient({ baseUrl, tokens: store }) };
}

describe("api client", () => {
  it("refreshes once for concurrent 401s and retries each call once with the new token", async () => {
    const { api, store } = client("stale");
    const results = await Promise.all([api.get("/a"), api.get("/b"), api.get("/c")]);
    expect(results).toEqual([{ path: "/api/v1/a" }, { path: "/api/v1/b" }, { path: "/api/v1/c" }]);
    expect(state.refreshes).toBe(1);
    expect(store.get()).toEqual({ accessToken: "access-2" });
  });

  it("restores a session from the refresh cookie when no access token is in memory (a reload, a new tab)", async () => {
    const store = createTokenStore();
    const api = createApiClient({ baseUrl, tokens: store });
    expect(await api.restoreSession()).toBe("access-2");
    expect(store.get()).toEqual({ accessToken: "access-2" });
    expect(await api.get("/a")).toEqual({ path: "/api/v1/a" });
    expect(state.refreshes).toBe(1);
  });

  it("clears the tokens, marked expired, when the refresh is refused", async () => {
    state.refreshStatus = 401;
    const { api, store } = client("stale");
    const error = await api.get("/a").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(store.get()).toBeNull();
    expect(store.endReason()).toBe("expired");
  });

  it("keeps the tokens when the refresh fails on the server side", async () => {
    state.refreshStatus = 503;
    const { api, store } = client("stale");
    await expect(api.get("/a")).rejects.toMatchObject({ status: 503 });
    expect(store.get()).not.toBeNull();
  });

  it("never refreshes for calls made without authentication (login)", async () => {
    const { api } = client("stale");
    await expect(api.post("/auth/login", { username: "x", password: "y" }, { auth: false })).rejects.toMatchObject({
      status: 401,
      code: "unauthenticated",
    });
    expect(seen.map((s) => `${s.method} ${s.path} ${s.authorization ?? "-"}`)).toEqual(["POST /api/v1/auth/login -"]);
  });

  it("turns error bodies into typed errors with field issues and Retry-After", async () => {
    const { api } = client();
    const invalid = (await api.post("/users", {}).catch((e: unknown) => e)) as ApiError;
    expect(invalid.code).toBe("validation_failed");
    expect(invalid.fieldIssues()).toEqual([{ path: "username", message: "too short" }]);
    const limited = (await api
      .post("/auth/login", { username: "flood" }, { auth: false })
      .catch((e: unknown) => e)) as ApiError;
    expect(limited).toMatchObject({ status: 429, code: "rate_limited", retryAfterSeconds: 42 });
    await expect(api.get("/proxied")).rejects.toMatchObject({ status: 502, code: "bad_response" });
  });

  it("reports an unreachable server as network_error", async () => {
    // A port that was just free: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const store = createTokenStore();
    const api = createApiClient({ baseUrl: `http://127.0.0.1:${port}/api/v1`, tokens: store });
    await expect(api.get("/dashboard")).rejects.toMatchObject({ status: 0, code: "network_error" });
  });
});

describe("api client: text and event-stream modes", () => {
  it("reads a text answer with the bearer token and a text Accept header", async () => {
    const { api } = client();
    expect(await api.text("/phones/p1/config")).toBe("<device>\n  <ü/>\n</device>");
    expect(seen).toEqual([
      {
        method: "GET",
        path: "/api/v1/phones/p1/config",
        accept: expect.stringContaining("text/"),
        authorization: `Bearer ${state.access}`,
      },
    ]);
  });

  it("refreshes a rejected token once before a text answer, and types a text route's error by code", async () => {
    const { api, store } = client("stale");
    expect(await api.text("/phones/p1/config")).toContain("<device>");
    expect(state.refreshes).toBe(1);
    expect(store.get()?.accessToken).toBe(state.access);

    const error = await api.text("/phones/none/config").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: "not_found", message: "no config on the file server" });
  });

  it("parses an event stream cut anywhere into its events, in order, until the server ends it", async () => {
    const { api } = client("stale");
    const events: ServerEvent[] = [];
    for await (const event of api.events("/events")) events.push(event);
    expect(events).toEqual([
      { event: "progress", id: undefined, data: '{"done":1}' },
      { event: "progress", id: undefined, data: '{"done":2}' },
      { event: undefined, id: undefined, data: "first line\nsecond line, unnamed" },
      { event: "done", id: "7", data: "ünïcode" },
    ]);
    // The stale token got a 401 before the stream started; the retry carried the refreshed one.
    expect(seen.map((s) => [s.path, s.accept])).toEqual([
      ["/api/v1/events", "text/event-stream"],
      ["/api/v1/auth/refresh", "application/json"],
      ["/api/v1/events", "text/event-stream"],
    ]);
  });

  it("closes the connection when the caller stops reading early", async () => {
    const { api } = client();
    const before = closedStreams;
    const ticks: string[] = [];
    for await (const { data } of api.events("/endless")) {
      ticks.push(data);
      if (ticks.length === 3) break;
    }
    expect(ticks).toEqual(["0", "1", "2"]);
    await expect.poll(() => closedStreams).toBe(before + 1);
  });

  it("answers a refused stream with the typed error, before any event", async () => {
    const { api } = client();
    const stream = api.events("/no-such-stream");
    await expect(stream.next()).rejects.toMatchObject({ status: 404, code: "not_found" });
  });
});
