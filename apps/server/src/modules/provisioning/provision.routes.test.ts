import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, expectError, type TestApp } from "../../test/build-test-app.js";
import { parseAuthParams } from "./http-auth.js";

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

async function addDevice(t: TestApp, body: Record<string, unknown>) {
  const res = await t.app.inject({
    method: "POST",
    url: "/console/endpoint-manager/devices",
    headers: await t.adminHeaders(),
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const get = (t: TestApp, file: string, ip = "10.0.0.10", headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url: `/provision/${file}`, remoteAddress: ip, headers });

describe("GET /provision/<file>", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({
      toml: {
        asterisk: { host: "pbx.example.net" },
        provisioning: {
          provision_url_base: "http://203.0.113.10:8080/provision",
          miss_limit_per_minute: 5,
          user_agent_mac_check: true,
          model_keys: { T46S: { "local_time.time_zone": "+1" } },
        },
      },
    });
    await addDevice(t, {
      mac: "80:5E:C0:12:34:56",
      brand: "yealink",
      model: "Yealink T46S",
      label: "John's extension 1001",
      username: "1001",
      password: "s3cret-1001",
      server: "203.0.113.10:5062",
      extraKeys: { "features.dnd.enable": "1" },
    });
    await addDevice(t, { mac: "0015654AA937", brand: "yealink", model: "T28P", username: "1002", password: "p-1002" });
    await addDevice(t, {
      mac: "0c-38-3e-07-e1-6c",
      brand: "fanvil",
      model: "X4U",
      username: "2001",
      password: "f<&>pw",
      transport: "tcp",
    });
    await addDevice(t, { mac: "0c383e000001", brand: "fanvil", model: "X3S", username: "2002", enabled: false });
  });
  afterAll(() => t?.close());

  it("serves a Yealink's file under every MAC spelling, with current keys and text/plain", async () => {
    for (const name of [
      "805ec0123456.cfg",
      "805EC0123456.cfg",
      "805ec0123456",
      "80:5E:C0:12:34:56",
      "80-5e-c0-12-34-56.cfg",
      "805e.c012.3456",
    ]) {
      const res = await get(t, name);
      expect(res.statusCode, `${name}: ${res.body}`).toBe(200);
      expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
      const body = res.body;
      expect(body.split("\n")[0]).toBe("#!version:1.0.0.1");
      expect(body).toContain("account.1.user_name = 1001\n");
      expect(body).toContain("account.1.password = s3cret-1001\n");
      expect(body).toContain("account.1.sip_server.1.address = 203.0.113.10\n");
      expect(body).toContain("account.1.sip_server.1.port = 5062\n");
      expect(body).not.toContain("sip_server_host");
      expect(body).toContain("account.16.enable = 0\n");
      expect(body).toContain("local_time.time_zone = +1\n");
      expect(body).toContain("features.dnd.enable = 1\n");
    }
  });

  it("uses the legacy keys for an old Yealink (T28P) and the default server", async () => {
    const res = await get(t, "0015654aa937.cfg");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("account.1.sip_server_host = pbx.example.net\n");
    expect(res.body).toContain("account.1.sip_server_port = 5060\n");
    expect(res.body).not.toContain("sip_server.1.address");
  });

  it("serves the Yealink common file by model code, and 404 for a code no model has", async () => {
    const res = await get(t, "y000000000066.cfg");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("static.auto_provision.server.url = http://203.0.113.10:8080/provision/\n");
    expect(res.body).toContain("T46S");
    expect(res.body).not.toContain("password");
    expect((await get(t, "y000000000099.cfg", "10.0.0.11")).statusCode).toBe(404);
  });

  it("serves a Fanvil's sysConf XML as <mac>.cfg and <mac>.xml, escaping the password", async () => {
    for (const name of ["0c383e07e16c.cfg", "0c383e07e16c.xml", "0C:38:3E:07:E1:6C"]) {
      const res = await get(t, name);
      expect(res.statusCode, name).toBe(200);
      expect(res.headers["content-type"]).toBe("application/xml; charset=utf-8");
      expect(res.body).toContain("<sysConf>");
      expect(res.body).toContain('<line index="1">');
      expect(res.body).toContain("<RegisterUser>2001</RegisterUser>");
      expect(res.body).toContain("<RegisterPswd>f&lt;&amp;&gt;pw</RegisterPswd>");
      expect(res.body).toContain("<RegisterAddr>pbx.example.net</RegisterAddr>");
      expect(res.body).toContain("<Transport>1</Transport>");
      expect(res.body).toContain('<line index="12">');
    }
  });

  it("answers 404 with one generic body for unknown and disabled devices and wrong-vendor names", async () => {
    const bodies = new Set<string>();
    for (const name of ["001565000001.cfg", "0c383e000001.cfg", "SEP805EC0123456.cnf.xml"]) {
      const res = await get(t, name, "10.0.1.1");
      expectError(res, 404, "not_found");
      bodies.add(res.body);
    }
    expect(bodies.size).toBe(1);
  });

  it("answers 400 for anything that is not a MAC or a known file name", async () => {
    for (const name of [
      "..cfg",
      "..%2F..%2Fetc%2Fpasswd",
      "805ec0123456%00.cfg",
      "805ec01234567",
      "805ec01234567.cfg",
      "000000000000.xml",
      "ffffffffffff",
      "'%20OR%201=1--",
      "805ec0123456.cfg;DROP%20TABLE%20phones",
      "index.php",
      "a".repeat(300),
    ]) {
      const res = await get(t, name, "10.0.2.1");
      expect(res.statusCode, `${name}: ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe("validation_failed");
    }
    expect((await get(t, "a/b", "10.0.2.1")).statusCode).toBe(400);
  });

  it("refuses a file whose User-Agent carries another phone's MAC", async () => {
    const ok = await get(t, "805ec0123456.cfg", "10.0.3.1", {
      "user-agent": "Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56",
    });
    expect(ok.statusCode).toBe(200);
    const bad = await get(t, "805ec0123456.cfg", "10.0.3.1", {
      "user-agent": "Yealink SIP-T46S 66.86.0.15 80:5e:c0:99:99:99",
    });
    expectError(bad, 404, "not_found");
  });

  it("records the last fetch (time, address, User-Agent) on the device", async () => {
    const ua = "Fanvil X4U 2.12.1 0c383e07e16c";
    expect((await get(t, "0c383e07e16c.cfg", "10.0.4.7", { "user-agent": ua })).statusCode).toBe(200);
    // Hits are written behind, in batches (at most half a second later).
    await new Promise((r) => setTimeout(r, 700));
    const res = await t.app.inject({
      method: "GET",
      url: "/console/endpoint-manager/devices",
      headers: await t.adminHeaders(),
    });
    const device = res.json().data.find((d: { mac: string }) => d.mac === "0C383E07E16C");
    expect(device).toMatchObject({ provisionedIp: "10.0.4.7", provisionedUserAgent: ua, hasPassword: true });
    expect(Date.parse(device.provisionedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(res.json())).not.toContain("f<&>pw");
  });

  it("throttles misses per address with 429 + Retry-After; a phone on another address is unaffected", async () => {
    const harvester = "198.51.100.66";
    for (let i = 0; i < 5; i++) expect((await get(t, `80050000000${i}.cfg`, harvester)).statusCode).toBe(404);
    const refused = await get(t, "800500000009.cfg", harvester);
    expectError(refused, 429, "rate_limited");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    // Blocked for known MACs too: a hit cannot be harvested once the address is refused.
    expect((await get(t, "805ec0123456.cfg", harvester)).statusCode).toBe(429);
    expect((await get(t, "805ec0123456.cfg", "198.51.100.67")).statusCode).toBe(200);
  });
});

describe("GET /provision protection: allowed networks and HTTP credentials", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({
      toml: {
        provisioning: {
          allowed_networks: ["10.1.0.0/16", "2001:db8::/32"],
          auth: "digest",
          username: "phones",
          password: "prov-pass",
        },
      },
    });
    await addDevice(t, { mac: "805ec0aabbcc", brand: "yealink", model: "T54W", username: "3001", password: "x" });
  });
  afterAll(() => t?.close());

  function digest(challenge: string, uri: string, user = "phones", pass = "prov-pass") {
    const p = parseAuthParams(challenge.replace(/^Digest\s+/i, ""));
    const nonce = p.get("nonce")!;
    const realm = p.get("realm")!;
    const nc = "00000001";
    const cnonce = "0a4f113b";
    const response = md5(`${md5(`${user}:${realm}:${pass}`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`GET:${uri}`)}`);
    return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}", algorithm=MD5`;
  }

  it("asks for Digest credentials and serves the file with the right ones only", async () => {
    const uri = "/provision/805ec0aabbcc.cfg";
    const first = await get(t, "805ec0aabbcc.cfg", "10.1.2.3");
    expectError(first, 401, "unauthenticated");
    const challenge = first.headers["www-authenticate"] as string;
    expect(challenge).toMatch(/^Digest realm="cisisk-provisioning", qop="auth", algorithm=MD5, nonce="/);
    const ok = await get(t, "805ec0aabbcc.cfg", "10.1.2.3", { authorization: digest(challenge, uri) });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.body).toContain("account.1.user_name = 3001");
    const wrong = await get(t, "805ec0aabbcc.cfg", "10.1.2.3", {
      authorization: digest(challenge, uri, "phones", "nope"),
    });
    expectError(wrong, 401, "unauthenticated");
    // A digest computed for another file does not open this one.
    const other = await get(t, "805ec0aabbcc.cfg", "10.1.2.3", {
      authorization: digest(challenge, "/provision/805ec0aabbcd.cfg"),
    });
    expect(other.statusCode).toBe(401);
    const forged = challenge.replace(/nonce="[^"]+"/, 'nonce="lzzzzzzz.AAAAAAAA.forged"');
    expect((await get(t, "805ec0aabbcc.cfg", "10.1.2.3", { authorization: digest(forged, uri) })).statusCode).toBe(401);
  });

  it("allows listed networks (IPv4, IPv4-mapped IPv6, IPv6) and refuses others with 403", async () => {
    const uri = "/provision/805ec0aabbcc.cfg";
    const challenge = (await get(t, "805ec0aabbcc.cfg", "10.1.0.9")).headers["www-authenticate"] as string;
    const auth = { authorization: digest(challenge, uri) };
    expect((await get(t, "805ec0aabbcc.cfg", "::ffff:10.1.200.4", auth)).statusCode).toBe(200);
    expect((await get(t, "805ec0aabbcc.cfg", "2001:db8::42", auth)).statusCode).toBe(200);
    expectError(await get(t, "805ec0aabbcc.cfg", "10.2.0.1", auth), 403, "forbidden");
    expectError(await get(t, "805ec0aabbcc.cfg", "::ffff:192.0.2.1", auth), 403, "forbidden");
    expectError(await get(t, "805ec0aabbcc.cfg", "2001:db9::1", auth), 403, "forbidden");
  });
});
