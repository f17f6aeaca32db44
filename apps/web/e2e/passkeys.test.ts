import net from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, buildTestApp, type TestApp } from "../../server/src/test/build-test-app.js";
import { eventually } from "../../server/src/test/server-process.js";
import { startSmtpSink } from "../../server/src/test/smtp-sink.js";
import { hasChromium, launchBrowser, logIn, VIEWPORT } from "./support/browser.js";

/** A port free a moment ago: the relying party's origin must be known before the server starts. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe.skipIf(!hasChromium)("passkeys (Chromium's virtual authenticator over CDP)", () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl = "";
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    // WebAuthn needs a domain as the relying party ID (not an IP address): localhost is a secure context.
    smtp = await startSmtpSink();
    t = await buildTestApp({
      toml: {
        security: { rp_id: "localhost", rp_origin: baseUrl },
        mail: { smtp_url: `smtp://127.0.0.1:${smtp.port}`, from: "Cisisk <pbx@example.com>" },
      },
    });
    const saved = await t.app.inject({
      method: "PUT",
      url: "/api/v1/settings/security",
      headers: await t.adminHeaders(),
      payload: { adminEmails: "sec@example.com" },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    await t.app.listen({ port, host: "127.0.0.1" });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it("registers a passkey, logs in with it, deletes it and can no longer use it", async () => {
    const context = await browser.newContext({ baseURL: baseUrl, viewport: VIEWPORT });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });

    await logIn(page, ADMIN);
    await page.getByRole("tab", { name: "Security" }).click();
    await page.getByLabel("Passkey name").fill("Laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    const table = page.getByRole("table", { name: "Tokens and passkeys" });
    await table.getByText("Passkey Laptop").waitFor();
    // The admin addresses hear of it.
    const notice = await eventually(
      async () => smtp.mails.find((m) => m.data.includes("passkey added") && m.data.includes("Laptop")),
      10_000,
      "the passkey-added notice",
    );
    expect(notice.to).toEqual(["sec@example.com"]);

    // The private key stays in the authenticator; the server keeps only the public key.
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(credentials).toHaveLength(1);
    const stored = await t.db.kysely.selectFrom("passkeys").select(["credential_id", "public_key"]).execute();
    // CDP spells the id in base64, WebAuthn JSON in base64url.
    const credentialId = Buffer.from(credentials[0]!.credentialId, "base64").toString("base64url");
    expect(stored).toEqual([{ credential_id: credentialId, public_key: expect.any(String) }]);
    expect(stored[0]!.public_key).not.toBe(credentials[0]!.privateKey);

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL("**/login");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByRole("button", { name: "Log out" }).waitFor();
    await page.getByRole("tab", { name: "Security" }).click();
    // The passkey was used just now, from this address; the sign-in log says how.
    await table.getByText("Passkey Laptop").waitFor();
    const log = page.getByRole("table", { name: "Sign-in log" });
    await log.getByRole("cell", { name: "passkey" }).first().waitFor();

    await page.getByRole("button", { name: "Delete passkey Laptop" }).click();
    await table.getByText("Passkey Laptop").waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL("**/login");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong username or password" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/login");

    const rows = await t.db.kysely.selectFrom("passkeys").selectAll().execute();
    expect(rows).toEqual([]);
    const results = await t.db.kysely
      .selectFrom("login_attempts")
      .select(["method", "result"])
      .where("method", "=", "passkey")
      .orderBy("at")
      .execute();
    expect(results).toEqual([
      { method: "passkey", result: "ok" },
      { method: "passkey", result: "bad_passkey" },
    ]);
    await context.close();
  });
});
