import type { Extension } from "@cisisk/contract";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "./build-test-app.js";
import {
  createRealtimeDatabase,
  describeWithAsterisk,
  sippRegister,
  startAsterisk,
  type RealAsterisk,
  type RealtimeDatabase,
  amiOf,
} from "./real-asterisk.js";

/**
 * Realtime mode against a real Asterisk 22: Cisisk writes ps_endpoints/ps_auths/ps_aors into a database
 * created with Asterisk's own schema, and reads registrations back from ps_contacts. Runs only in the suite
 * run on `engine` (the realtime database's set-up is too slow to repeat in every run).
 */
export function describeRealtimeLifecycle(
  name: string,
  backend: RealtimeDatabase["kind"],
  engine: "postgres" | "mysql",
  firstNumber: string,
): void {
  describeWithAsterisk(
    name,
    () => {
      let t: TestApp;
      let asterisk: RealAsterisk;
      let realtime: RealtimeDatabase;
      beforeAll(async () => {
        realtime = await createRealtimeDatabase(backend);
        asterisk = await startAsterisk({ realtime });
        t = await buildTestApp({
          toml: {
            asterisk: {
              mode: "realtime",
              realtime_database_url: realtime.url,
              ...amiOf(asterisk),
            },
          },
        });
      });
      afterAll(async () => {
        await t?.close();
        await asterisk?.stop();
        await realtime?.drop();
      });

      extensionLifecycleTests(() => ({ t, asterisk }), firstNumber);
    },
    { engine },
  );
}

/**
 * The extension lifecycle as the real Asterisk sees it, shared by the files and realtime test files:
 * created through the API → loaded, REGISTER with its secret accepted and a wrong one refused, shown
 * registered; a changed secret takes effect; a deleted extension disappears.
 */
export function extensionLifecycleTests(ctx: () => { t: TestApp; asterisk: RealAsterisk }, number: string): void {
  const api = async (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object) => {
    const { t } = ctx();
    return t.app.inject({ method, url: `/api/v1${url}`, headers: await t.adminHeaders(), payload });
  };
  const register = (password: string) =>
    sippRegister({ sipPort: ctx().asterisk.sipPort, user: number, password, expires: 600 });
  let id = "";

  it("an extension created through the API is loaded by Asterisk and registers with its secret only", async () => {
    const res = await api("POST", "/extensions", {
      technology: "PJSIP",
      number,
      displayName: "Real Asterisk",
      secret: "first-Secret-11",
      pjsip: { qualifyFrequency: 0 },
    });
    expect(res.statusCode, res.body).toBe(201);
    id = res.json<Extension>().id;
    expect(res.json<Extension>().asterisk.status).toBe("applied");
    expect(await ctx().asterisk.cli(`pjsip show endpoint ${number}`)).toMatch(new RegExp(`Endpoint:\\s+${number}`));

    const wrong = await register("not-the-secret");
    expect(wrong.ok, wrong.output).toBe(false);
    const right = await register("first-Secret-11");
    expect(right.ok, right.output).toBe(true);
  });

  it("Cisisk shows the extension registered, with the contact Asterisk holds", async () => {
    const res = await api("GET", `/extensions/${id}`);
    expect(res.statusCode).toBe(200);
    const reg = res.json<Extension>().registration;
    expect(reg.state).toBe("registered");
    expect(reg.contacts[0]!.uri).toContain(`sip:${number}@127.0.0.1:`);
  });

  it("a changed secret takes effect at once: the old one is refused, the new one accepted", async () => {
    const res = await api("PATCH", `/extensions/${id}`, { secret: "second-Secret-22" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Extension>().asterisk.status).toBe("applied");
    const old = await register("first-Secret-11");
    expect(old.ok, old.output).toBe(false);
    const fresh = await register("second-Secret-22");
    expect(fresh.ok, fresh.output).toBe(true);
  });

  it("a CSV import reaches Asterisk after its answer: each imported line registers with its generated secret", async () => {
    const { t } = ctx();
    const numbers = [1, 2, 3].map((i) => String(Number(number) + 10 + i));
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/extensions/import",
      headers: { ...(await t.adminHeaders()), "content-type": "text/csv" },
      payload: ["number,technology,displayName,username", ...numbers.map((n) => `${n},PJSIP,Imported ${n},`)].join(
        "\n",
      ),
    });
    expect(res.statusCode, res.body).toBe(200);
    const ids = await Promise.all(
      numbers.map(async (n) => (await api("GET", `/extensions?q=${n}`)).json<{ data: Extension[] }>().data[0]!.id),
    );
    // Applied by the outbox right after the answer (files: one render and one reload; realtime: one batch).
    await expect
      .poll(
        async () => {
          const states = await Promise.all(
            ids.map(async (id) => (await api("GET", `/extensions/${id}`)).json<Extension>()),
          );
          return states.map((e) => e.asterisk.status);
        },
        { timeout: 60_000, interval: 200 },
      )
      .toEqual(["applied", "applied", "applied"]);
    const secrets = await t.deps.extensions.lineCredentialsByIds(ids);
    for (const [i, id] of ids.entries()) {
      const r = await sippRegister({
        sipPort: ctx().asterisk.sipPort,
        user: numbers[i]!,
        password: secrets.get(id)!.secret,
        expires: 600,
      });
      expect(r.ok, r.output).toBe(true);
    }
  });

  it("a deleted extension disappears from Asterisk and can no longer register", async () => {
    const res = await api("DELETE", `/extensions/${id}`);
    expect(res.statusCode).toBe(204);
    expect(await ctx().asterisk.cli(`pjsip show endpoint ${number}`)).not.toMatch(new RegExp(`Endpoint:\\s+${number}`));
    const gone = await register("second-Secret-22");
    expect(gone.ok, gone.output).toBe(false);
  });
}
