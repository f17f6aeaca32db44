import { describe, expect, it } from "vitest";
import { ApiError, createApiClient } from "./api-client";
import { createTokenStore } from "./token-store";

class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear = () => this.items.clear();
  getItem = (key: string) => this.items.get(key) ?? null;
  key = (index: number) => [...this.items.keys()][index] ?? null;
  removeItem = (key: string) => void this.items.delete(key);
  setItem = (key: string, value: string) => void this.items.set(key, value);
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/** A server with one valid access token and one valid refresh token, rotating like the real one. */
function fakeServer(options: { refreshStatus?: number } = {}) {
  const state = { access: "access-1", refresh: "refresh-1", generation: 1 };
  const log: string[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), "http://test");
    const auth = new Headers(init?.headers).get("authorization");
    log.push(`${init?.method} ${url.pathname} ${auth ?? "-"}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (url.pathname === "/api/v1/auth/refresh") {
      if (options.refreshStatus)
        return json(options.refreshStatus, { error: { code: "unauthenticated", message: "no" } });
      const { refreshToken } = JSON.parse(String(init?.body)) as { refreshToken: string };
      if (refreshToken !== state.refresh) return json(401, { error: { code: "unauthenticated", message: "reused" } });
      state.generation += 1;
      state.access = `access-${state.generation}`;
      state.refresh = `refresh-${state.generation}`;
      return json(200, { accessToken: state.access, refreshToken: state.refresh, tokenType: "Bearer", expiresIn: 900 });
    }
    if (auth !== `Bearer ${state.access}`) return json(401, { error: { code: "unauthenticated", message: "expired" } });
    return json(200, { path: url.pathname });
  };
  return { state, log, fetch };
}

function setup(server: ReturnType<typeof fakeServer>, tokens = { accessToken: "stale", refreshToken: "refresh-1" }) {
  const store = createTokenStore(new MemoryStorage());
  store.set(tokens);
  return { store, api: createApiClient({ baseUrl: "/api/v1/", tokens: store, fetch: server.fetch }) };
}

describe("api client", () => {
  it("refreshes once for concurrent 401s and retries each call once with the new token", async () => {
    const server = fakeServer();
    const { api, store } = setup(server);
    const results = await Promise.all([api.get("/a"), api.get("/b"), api.get("/c")]);
    expect(results).toEqual([{ path: "/api/v1/a" }, { path: "/api/v1/b" }, { path: "/api/v1/c" }]);
    expect(server.log.filter((l) => l.includes("/auth/refresh"))).toHaveLength(1);
    expect(store.get()).toEqual({ accessToken: "access-2", refreshToken: "refresh-2" });
  });

  it("clears the tokens, marked expired, when the refresh is refused", async () => {
    const server = fakeServer({ refreshStatus: 401 });
    const { api, store } = setup(server);
    const error = await api.get("/a").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(store.get()).toBeNull();
    expect(store.endReason()).toBe("expired");
  });

  it("keeps the tokens when the refresh fails on the server side", async () => {
    const server = fakeServer({ refreshStatus: 503 });
    const { api, store } = setup(server);
    await expect(api.get("/a")).rejects.toMatchObject({ status: 503 });
    expect(store.get()).not.toBeNull();
  });

  it("never refreshes for calls made without authentication (login)", async () => {
    const server = fakeServer();
    const { api } = setup(server);
    await expect(api.post("/auth/login", { username: "x", password: "y" }, { auth: false })).rejects.toMatchObject({
      status: 401,
      code: "unauthenticated",
    });
    expect(server.log).toEqual(["POST /api/v1/auth/login -"]);
  });

  it("turns error bodies into typed errors with field issues and Retry-After", async () => {
    const responses = [
      json(400, {
        error: {
          code: "validation_failed",
          message: "invalid request body",
          details: [{ path: "body.username", message: "too short" }],
        },
      }),
      json(429, { error: { code: "rate_limited", message: "slow down" } }, { "retry-after": "42" }),
      new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
    ];
    const store = createTokenStore(new MemoryStorage());
    const api = createApiClient({ baseUrl: "/api/v1", tokens: store, fetch: async () => responses.shift()! });

    const invalid = (await api.post("/users", {}).catch((e: unknown) => e)) as ApiError;
    expect(invalid.code).toBe("validation_failed");
    expect(invalid.fieldIssues()).toEqual([{ path: "username", message: "too short" }]);
    const limited = (await api.post("/auth/login", {}, { auth: false }).catch((e: unknown) => e)) as ApiError;
    expect(limited).toMatchObject({ status: 429, code: "rate_limited", retryAfterSeconds: 42 });
    await expect(api.get("/x")).rejects.toMatchObject({ status: 502, code: "bad_response" });
  });

  it("reports an unreachable server as network_error", async () => {
    const store = createTokenStore(new MemoryStorage());
    const api = createApiClient({
      baseUrl: "/api/v1",
      tokens: store,
      fetch: () => Promise.reject(new TypeError("fetch failed")),
    });
    await expect(api.get("/dashboard")).rejects.toMatchObject({ status: 0, code: "network_error" });
  });
});
