import type { Account, AccountLoginResponse } from "@cisisk/contract";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { LoadConfigOptions } from "../config.js";
import { buildTestApp, type TestApp } from "./build-test-app.js";
import { startSmtpPeer } from "./message-peers.js";
import {
  createRealtimeDatabase,
  describeWithAsterisk,
  sippRegister,
  startAsterisk,
  type RealAsterisk,
  type RealtimeDatabase,
  amiOf,
} from "./real-asterisk.js";
import { eventually } from "./server-process.js";

const DOMAIN = "sip.cisisk.test";

/**
 * A self-registered SIP account against a real Asterisk 22 (files mode, or realtime on `realtime`): it
 * registers with SIPp as its username and password once confirmed, a wrong password is refused, the panel
 * lists the registration as a device, and after deletion it can no longer register.
 */
export function describeAccountWithAsterisk(
  name: string,
  options: { realtime?: RealtimeDatabase["kind"]; engine?: "postgres" | "mysql" },
  username: string,
): void {
  describeWithAsterisk(
    name,
    () => {
      let t: TestApp;
      let asterisk: RealAsterisk;
      let realtime: RealtimeDatabase | undefined;
      let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
      beforeAll(async () => {
        smtp = await startSmtpPeer();
        if (options.realtime) realtime = await createRealtimeDatabase(options.realtime);
        asterisk = await startAsterisk({ realtime });
        const ami = amiOf(asterisk);
        const toml: LoadConfigOptions["toml"] = {
          sip: { domain: DOMAIN, transport: "udp" },
          mail: { smtp_url: `smtp://127.0.0.1:${smtp.port}` },
          registration: { public_registration: true, public_url: "http://cisisk.test" },
          asterisk: realtime
            ? { mode: "realtime", realtime_database_url: realtime.url, ...ami }
            : { mode: "files", config_dir: asterisk.etcDir, ...ami },
        };
        t = await buildTestApp({ toml });
      });
      afterAll(async () => {
        await t?.close();
        await asterisk?.stop();
        await realtime?.drop();
        await smtp?.close();
      });

      const register = (password: string) =>
        sippRegister({ sipPort: asterisk.sipPort, user: username, password, expires: 600 });
      const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
        t.app.inject({ method: "POST", url: `/api/v1${url}`, payload, headers });
      let session: AccountLoginResponse;

      it("a self-registered account cannot register before confirmation, and registers with its password after", async () => {
        const email = `${username}@example.test`;
        expect((await post("/account/register", { username, email })).statusCode).toBe(202);
        const mail = await eventually(async () => smtp.mails.find((m) => m.to.includes(email)), 10_000, "mail");
        const token = /\/account\/confirm\/([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
        const early = await register("account-Password-1");
        expect(early.ok, early.output).toBe(false);

        const confirmed = await post("/account/confirm", { token, password: "account-Password-1" });
        expect(confirmed.statusCode, confirmed.body).toBe(200);
        expect(confirmed.json<Account>().sipAddress).toBe(`${username}@${DOMAIN}`);
        expect(await asterisk.cli(`pjsip show endpoint ${username}`)).toMatch(
          new RegExp(`Endpoint:\\s+${username.replace(/[.+]/g, "\\$&")}`),
        );
        const wrong = await register("not-the-password");
        expect(wrong.ok, wrong.output).toBe(false);
        const right = await register("account-Password-1");
        expect(right.ok, right.output).toBe(true);
      });

      it("the panel's devices list shows that registration", async () => {
        const login = await post("/account/login", { identifier: username, password: "account-Password-1" });
        expect(login.statusCode, login.body).toBe(200);
        session = login.json<AccountLoginResponse>();
        const res = await t.app.inject({
          method: "GET",
          url: "/api/v1/account/devices",
          headers: { authorization: `Bearer ${session.accessToken}` },
        });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json<{ known: boolean; data: Array<{ uri: string; address: string | null }> }>();
        expect(body.known).toBe(true);
        expect(body.data).toHaveLength(1);
        expect(body.data[0]!.uri).toContain(`sip:${username}@127.0.0.1:`);
      });

      it("a device removed from the panel is gone from Asterisk's contacts", async () => {
        const auth = { authorization: `Bearer ${session.accessToken}` };
        const devices = async () =>
          (await t.app.inject({ method: "GET", url: "/api/v1/account/devices", headers: auth })).json<{
            data: Array<{ id: string }>;
          }>().data;
        const [device] = await devices();
        const unknown = await t.app.inject({ method: "DELETE", url: "/api/v1/account/devices/nope", headers: auth });
        expect(unknown.statusCode).toBe(404);
        const res = await t.app.inject({
          method: "DELETE",
          url: `/api/v1/account/devices/${device!.id}`,
          headers: auth,
        });
        expect(res.statusCode, res.body).toBe(204);
        expect(await devices()).toEqual([]);
        expect(await asterisk.cli(`pjsip show aor ${username}`)).not.toMatch(/Contact:\s+\S+\/sip:/);
        // It registers again (the credentials are untouched) and shows up again.
        const again = await register("account-Password-1");
        expect(again.ok, again.output).toBe(true);
        expect(await devices()).toHaveLength(1);
      });

      it("a deleted account disappears from Asterisk and can no longer register", async () => {
        const res = await post(
          "/account/delete",
          { sipAddress: `${username}@${DOMAIN}` },
          { authorization: `Bearer ${session.accessToken}` },
        );
        expect(res.statusCode, res.body).toBe(204);
        expect(await asterisk.cli(`pjsip show endpoint ${username}`)).not.toMatch(/Endpoint:\s+\S/);
        const gone = await register("account-Password-1");
        expect(gone.ok, gone.output).toBe(false);
      });
    },
    options.engine ? { engine: options.engine } : {},
  );
}
