import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase } from "../../db/connect.js";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";

// Two servers on one database, each with its own render cache: a change made through one is what the other
// serves at once (the cache is keyed by the row's content, read on every request), and a disabled or
// deleted device is gone from both.
describe("the provisioning file cache across servers", () => {
  let a: TestApp & { databaseUrl: string };
  let b: TestApp;
  beforeAll(async () => {
    a = await buildTestApp({ sharedDatabase: true });
    b = await buildTestApp({ db: await connectDatabase(a.databaseUrl) });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const fetchFrom = (t: TestApp) =>
    t.app.inject({ method: "GET", url: "/provision/805ec0777777.cfg", remoteAddress: "10.7.0.1" });
  const edit = async (t: TestApp, payload: object) => {
    const res = await t.app.inject({
      method: "POST",
      url: "/console/endpoint-manager/devices/805ec0777777/edit",
      headers: await t.adminHeaders(),
      payload,
    });
    expect(res.statusCode, res.body).toBe(200);
  };

  it("serves the new password, server and state right after another server changed them", async () => {
    const add = await a.app.inject({
      method: "POST",
      url: "/console/endpoint-manager/devices",
      headers: await a.adminHeaders(),
      payload: { mac: "805ec0777777", brand: "yealink", model: "T46S", username: "7001", password: "first-pw" },
    });
    expect(add.statusCode, add.body).toBe(201);
    for (const t of [a, b]) expect((await fetchFrom(t)).body).toContain("account.1.password = first-pw\n");

    await edit(b, { password: "second-pw" });
    expect((await fetchFrom(a)).body).toContain("account.1.password = second-pw\n");
    // The same password again is a new seal: still a new version, still served right.
    await edit(a, { password: "first-pw" });
    expect((await fetchFrom(b)).body).toContain("account.1.password = first-pw\n");

    await edit(b, { server: "sip2.example.net:5080" });
    const moved = (await fetchFrom(a)).body;
    expect(moved).toContain("account.1.sip_server.1.address = sip2.example.net\n");
    expect(moved).toContain("account.1.sip_server.1.port = 5080\n");

    await edit(a, { enabled: false });
    expect((await fetchFrom(b)).statusCode).toBe(404);
    await edit(a, { enabled: true });
    expect((await fetchFrom(b)).statusCode).toBe(200);

    const del = await b.app.inject({
      method: "POST",
      url: "/console/endpoint-manager/devices/805ec0777777/delete",
      headers: await b.adminHeaders(),
    });
    expect(del.statusCode).toBe(200);
    expect((await fetchFrom(a)).statusCode).toBe(404);
  });
});
