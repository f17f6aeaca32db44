import { afterAll, describe, expect, it } from "vitest";
import { ADMIN, buildTestApp, type TestApp } from "../test/build-test-app.js";
import { createClientIpResolver } from "./client-ip.js";

// Through real HTTP: the app listens on loopback (IPv4, IPv6, dual-stack) and a real client logs in with an
// X-Forwarded-For header; the session row records the address the server believed.
async function loginOver(t: TestApp, host: string, connectTo: string, forwardedFor: string): Promise<string | null> {
  await t.app.listen({ host, port: 0 });
  const port = (t.app.server.address() as { port: number }).port;
  const res = await fetch(`http://${connectTo}:${port}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
    body: JSON.stringify(ADMIN),
  });
  expect(res.status).toBe(200);
  const row = await t.db.kysely
    .selectFrom("auth_sessions")
    .select("ip")
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirstOrThrow();
  return row.ip;
}

describe("client address over real HTTP", () => {
  const apps: TestApp[] = [];
  const app = async (trusted: string[]) => {
    const t = await buildTestApp({ toml: { server: { trusted_proxies: trusted } } });
    apps.push(t);
    return t;
  };
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    const t = await app(["10.0.0.0/8"]);
    expect(await loginOver(t, "127.0.0.1", "127.0.0.1", "203.0.113.7")).toBe("127.0.0.1");
  });

  it("believes X-Forwarded-For from a trusted IPv4 proxy", async () => {
    const t = await app(["127.0.0.1"]);
    expect(await loginOver(t, "127.0.0.1", "127.0.0.1", "203.0.113.7")).toBe("203.0.113.7");
  });

  it("believes X-Forwarded-For from a trusted IPv6 proxy, and spells IPv6 clients canonically", async () => {
    const t = await app(["::1/128"]);
    expect(await loginOver(t, "::1", "[::1]", "2001:DB8:0:0::42")).toBe("2001:db8::42");
  });

  it("normalises IPv4-mapped IPv6 peers, ranges and hops to IPv4", async () => {
    // Listening on :: (dual stack), an IPv4 client's peer address is ::ffff:127.0.0.1.
    const t = await app(["::ffff:127.0.0.0/104"]);
    expect(await loginOver(t, "::", "127.0.0.1", "::ffff:198.51.100.9")).toBe("198.51.100.9");
  });

  it("untrusted over IPv6: the peer, not the header", async () => {
    const t = await app(["127.0.0.1"]);
    expect(await loginOver(t, "::1", "[::1]", "203.0.113.7")).toBe("::1");
  });
});

describe("X-Forwarded-For chains", () => {
  const resolve = createClientIpResolver(["10.0.0.0/8", "fd00::/8"]);
  it("takes the nearest hop that is not a trusted proxy", () => {
    expect(resolve("10.0.0.1", "198.51.100.1, 192.0.2.5, 10.0.0.2")).toBe("192.0.2.5");
    expect(resolve("fd00::1", "198.51.100.1, fd00::2")).toBe("198.51.100.1");
  });
  it("stops at a malformed hop and never believes what is left of it", () => {
    expect(resolve("10.0.0.1", "198.51.100.1, not-an-ip, 10.0.0.2")).toBe("10.0.0.2");
  });
  it("without trusted proxies the peer is always the client", () => {
    expect(createClientIpResolver([])("::ffff:192.0.2.1", "198.51.100.1")).toBe("192.0.2.1");
  });
  it("refuses a configuration entry that is not an address or range", () => {
    expect(() => createClientIpResolver(["10.0.0.0/33"])).toThrow();
  });
});
