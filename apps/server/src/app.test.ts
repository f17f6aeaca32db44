import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, expectError, type TestApp } from "./test/build-test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

describe("health and dashboard", () => {
  it("GET /api/v1/health answers without auth", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok", db: "ok", version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it("GET /api/v1/dashboard needs auth and reports counts and component health", async () => {
    expectError(await t.app.inject({ method: "GET", url: "/api/v1/dashboard" }), 401, "unauthenticated");
    const res = await t.app.inject({ method: "GET", url: "/api/v1/dashboard", headers: await t.adminHeaders() });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.counts.users).toBe(1);
    for (const k of ["extensions", "phones", "profiles", "contacts", "services"])
      expect(typeof body.counts[k]).toBe("number");
    expect(body.components.database.status).toBe("ok");
    // Nothing configured in tests: the adapters say so rather than pretending to be up.
    expect(body.components.ftp.status).toBe("not_configured");
    expect(body.components.mail.status).toBe("not_configured");
  });

  it("reports a configured component that was never used as unknown, then its recorded outcome", async () => {
    const t2 = await buildTestApp({ toml: { ftp: { host: "127.0.0.1" } } });
    try {
      const h = await t2.adminHeaders();
      expect(
        (await t2.app.inject({ method: "GET", url: "/api/v1/dashboard", headers: h })).json().components.ftp.status,
      ).toBe("unknown");
      await t2.deps.health.recordComponent("ftp", "down", "connect ECONNREFUSED 127.0.0.1:21");
      const ftp = (await t2.app.inject({ method: "GET", url: "/api/v1/dashboard", headers: h })).json().components.ftp;
      expect(ftp).toMatchObject({ status: "down", lastError: "connect ECONNREFUSED 127.0.0.1:21" });
      await t2.deps.health.recordComponent("ftp", "ok", null);
      expect(
        (await t2.app.inject({ method: "GET", url: "/api/v1/dashboard", headers: h })).json().components.ftp.status,
      ).toBe("ok");
    } finally {
      await t2.close();
    }
  });
});

describe("errors are JSON, never 5xx for client input", () => {
  it("unknown API routes answer 404 JSON", async () => {
    expectError(await t.app.inject({ method: "GET", url: "/api/v1/does-not-exist" }), 404, "not_found");
    expectError(await t.app.inject({ method: "DELETE", url: "/api/v1/health" }), 404, "not_found");
  });

  it("malformed JSON is 400 validation_failed on every JSON route", async () => {
    const h = await t.adminHeaders();
    for (const url of ["/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/users"]) {
      const res = await t.app.inject({
        method: "POST",
        url,
        headers: { ...h, "content-type": "application/json" },
        payload: "{nope",
      });
      expectError(res, 400, "validation_failed");
    }
  });

  it("an unsupported content type is a 4xx JSON error", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: { ...(await t.adminHeaders()), "content-type": "application/x-unknown" },
      payload: "x",
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe("validation_failed");
  });

  it("hostile inputs never produce a 5xx", async () => {
    const h = await t.adminHeaders();
    const bodies = [
      "null",
      "[]",
      '"string"',
      "123",
      JSON.stringify({ username: "x".repeat(10_000), password: "y" }),
      JSON.stringify({ username: { $ne: null }, password: { $gt: "" } }),
      JSON.stringify({ username: "a'; drop table users; --", password: "p" }),
      JSON.stringify({ __proto__: { admin: true }, username: "proto", password: "p" }),
      JSON.stringify({ username: "\u0000\ud800", password: "\u0000" }),
    ];
    for (const url of ["/api/v1/auth/login", "/api/v1/users", "/api/v1/auth/refresh"]) {
      for (const payload of bodies) {
        const res = await t.app.inject({
          method: "POST",
          url,
          headers: { ...h, "content-type": "application/json" },
          payload,
          remoteAddress: "10.9.9.9",
        });
        expect(res.statusCode, `${url} ${payload.slice(0, 60)} → ${res.body}`).toBeLessThan(500);
        expect(res.json().error ?? res.json()).toBeTruthy();
      }
    }
    for (const url of [
      "/api/v1/users/%00",
      "/api/v1/users/" + "9".repeat(5000),
      "/api/v1/users?sort[]=x&page[]=1",
      "/api/v1/users?q=" + "%".repeat(300),
      "/api/v1/users?q=%00x",
      "/api/v1/users?q=%C0%AF",
    ]) {
      const res = await t.app.inject({ method: "GET", url, headers: h });
      expect(res.statusCode, `${url.slice(0, 60)} → ${res.body}`).toBeLessThan(500);
    }
  });
});

describe("documentation", () => {
  it("serves an OpenAPI 3.1 document describing the console API", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe("3.1.0");
    for (const path of [
      "/api/v1/auth/login",
      "/api/v1/auth/refresh",
      "/api/v1/users",
      "/api/v1/users/{id}",
      "/api/v1/health",
      "/api/v1/dashboard",
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(JSON.stringify(doc.paths["/api/v1/users"].post)).toContain("username");
  });

  it("serves the human docs at /api/docs", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
  });
});

describe("the bundled console", () => {
  it("serves index.html for deep links and hashed assets with long-lived caching", async () => {
    const index = await t.app.inject({ method: "GET", url: "/users" });
    expect(index.statusCode).toBe(200);
    expect(index.headers["content-type"]).toMatch(/text\/html/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index.body)?.[1];
    expect(asset).toBeTruthy();
    const res = await t.app.inject({ method: "GET", url: asset! });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toContain("immutable");
    // Missing files and non-console paths are JSON 404s, not index.html.
    expectError(await t.app.inject({ method: "GET", url: "/assets/nope.js" }), 404, "not_found");
    // Phone-facing paths answer a Cisco XML error page, which a phone can show (issue 14).
    const phone = await t.app.inject({ method: "GET", url: "/cisco/unknown" });
    expect(phone.headers["content-type"]).toBe("text/xml; charset=utf-8");
    expect(phone.body).toContain("<CiscoIPPhoneText>");
  });
});
