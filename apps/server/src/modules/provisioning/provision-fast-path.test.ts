import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";

// /provision over real sockets: plain requests are answered before Fastify routes them (provision-http.ts), the
// rest by the route; both give the same bytes as `inject`, and the console keeps its own headers.
const macOf = (i: number) => `805ec0a0${i.toString(16).padStart(4, "0")}`;

/** One raw HTTP/1.1 exchange, so that the request line is sent exactly as written. */
function rawGet(address: string, target: string, method = "GET"): Promise<string> {
  const { hostname, port } = new URL(address);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () =>
      socket.write(`${method} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    );
    let out = "";
    socket.on("data", (c: Buffer) => (out += c.toString("latin1")));
    socket.on("end", () => resolve(out));
    socket.on("error", reject);
  });
}

describe("/provision over HTTP, before and through routing", () => {
  let t: TestApp;
  let address: string;
  beforeAll(async () => {
    t = await buildTestApp({
      toml: {
        asterisk: { host: "pbx.example.net" },
        provisioning: { provision_url_base: "http://203.0.113.10:8080/provision", miss_limit_per_minute: 3 },
      },
    });
    const headers = await t.adminHeaders();
    for (let i = 0; i < 60; i++) {
      const res = await t.app.inject({
        method: "POST",
        url: "/console/endpoint-manager/devices",
        headers,
        payload: { mac: macOf(i), brand: "yealink", model: "T46S", username: String(7000 + i), password: `pw-${i}` },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    address = await t.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(() => t?.close());

  it("serves the same bytes as the route, with no-store and nosniff and without the console's CSP", async () => {
    const viaRoute = await t.app.inject({
      method: "GET",
      url: `/provision/${macOf(1)}.cfg`,
      remoteAddress: "10.1.0.1",
    });
    expect(viaRoute.statusCode).toBe(200);
    const res = await fetch(`${address}/provision/${macOf(1)}.cfg`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toBe(viaRoute.body);
    expect(body).toContain("account.1.user_name = 7001\n");
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(body)));
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBeNull();
    expect(viaRoute.headers["content-security-policy"]).toBeUndefined();
    // The console is unchanged: its answers still carry the CSP.
    const health = await fetch(`${address}/api/v1/health`);
    expect(health.headers.get("content-security-policy")).toContain("script-src 'self'");
  });

  it("answers 60 phones fetching at once each with its own file (their reads are batched)", async () => {
    const bodies = await Promise.all(
      Array.from({ length: 60 }, (_, i) => fetch(`${address}/provision/${macOf(i)}.cfg`).then((r) => r.text())),
    );
    bodies.forEach((b, i) => {
      expect(b).toContain(`account.1.user_name = ${7000 + i}\n`);
      expect(b).toContain(`account.1.password = pw-${i}\n`);
    });
  });

  it("leaves percent-encoded names, queries, HEAD and deeper paths to the route, with its answers", async () => {
    const encoded = await rawGet(address, `/provision/${macOf(2).replace(/(..)(?!$)/g, "$1%3A")}.cfg`);
    expect(encoded).toMatch(/^HTTP\/1\.1 200 /);
    expect(encoded).toContain("account.1.user_name = 7002\n");
    const query = await rawGet(address, `/provision/${macOf(3)}.cfg?x=1`);
    expect(query).toMatch(/^HTTP\/1\.1 200 /);
    expect(query).toContain("account.1.user_name = 7003\n");
    const head = await rawGet(address, `/provision/${macOf(4)}.cfg`, "HEAD");
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(head).not.toContain("account.1.user_name");
    const deeper = await rawGet(address, "/provision/a/b.cfg");
    expect(deeper).toMatch(/^HTTP\/1\.1 400 /);
    expect(deeper).toContain('"code":"validation_failed"');
  });

  it("refuses unknown and malformed names, then throttles the address, for known files too", async () => {
    const unknown = await fetch(`${address}/provision/805ec0ffffff.cfg`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: "not_found", message: "not found" } });
    const bad = await rawGet(address, "/provision/..");
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    expect(bad).toContain('"code":"validation_failed"');
    for (let i = 0; i < 2; i++) expect((await fetch(`${address}/provision/805ec0fffff${i}.cfg`)).status).toBe(404);
    const refused = await fetch(`${address}/provision/${macOf(5)}.cfg`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
  });
});
