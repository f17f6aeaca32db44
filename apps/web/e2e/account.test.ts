import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpPeer } from "../../server/src/test/message-peers.js";
import { eventually } from "../../server/src/test/server-process.js";
import jsQRModule from "jsqr";
import { PNG } from "pngjs";
import { hasChromium, launchBrowser, logIn, VIEWPORT } from "./support/browser.js";
import { ADMIN, startServer, type RunningServer } from "./support/start-server.js";

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsQRModule as unknown as { default?: Decode }).default ?? jsQRModule) as unknown as Decode;

// Self-service in a real Chromium: register by email, follow the link read from the mail a real SMTP server
// received, set the password, sign in, and see the account panel.
describe.skipIf(!hasChromium)("SIP account self-service", () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    [server, browser] = await Promise.all([
      startServer({
        toml: {
          sip: { domain: "sip.example.test" },
          mail: { smtp_url: `smtp://127.0.0.1:${smtp.port}` },
          registration: { public_registration: true, public_url: "https://voice.example.test" },
        },
      }),
      launchBrowser(),
    ]);
    context = await browser.newContext({ baseURL: server.baseUrl, viewport: VIEWPORT });
    context.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it("registers by email, follows the mailed link, sets the password and reaches the panel", async () => {
    const page = await context.newPage();
    await page.goto("/account/register");
    await page.getByLabel("Username").fill("web.user");
    await page.getByLabel("Email").fill("web.user@example.test");
    await page.getByRole("button", { name: "Register" }).click();
    await page.getByText("Check your mailbox").waitFor();

    const mail = await eventually(
      async () => smtp.mails.find((m) => m.to.includes("web.user@example.test")),
      10_000,
      "the confirmation mail",
    );
    const link = /https:\/\/voice\.example\.test(\/account\/confirm\/[A-Za-z0-9_-]+)/.exec(mail.text);
    expect(link, mail.text).not.toBeNull();
    await page.goto(link![1]!);
    await page.getByLabel(/^Password/).fill("web-user-password-1");
    await page.getByLabel("Repeat the password").fill("web-user-password-1");
    await page.getByRole("button", { name: "Set the password" }).click();
    await page.getByText("web.user@sip.example.test is ready").waitFor();

    await page.getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("Username or phone").fill("web.user");
    await page.getByLabel(/^Password/).fill("web-user-password-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Your SIP account" }).waitFor();
    expect(await page.getByTestId("sip-address").textContent()).toBe("web.user@sip.example.test");
    await page.getByText("Email: web.user@example.test").waitFor();
    // No PBX in this test: the devices section says so rather than pretending.
    await page.getByText("The PBX cannot be asked right now.").waitFor();

    // The same link a second time is refused.
    await page.goto(link![1]!);
    await page.getByLabel(/^Password/).fill("web-user-password-2");
    await page.getByLabel("Repeat the password").fill("web-user-password-2");
    await page.getByRole("button", { name: "Set the password" }).click();
    await page.getByRole("alert").filter({ hasText: "invalid, used or expired" }).waitFor();
  });

  it("the console shows the account, activates it, draws its provisioning QR code and makes API keys", async () => {
    const page = await context.newPage();
    await logIn(page, ADMIN);
    await page.getByRole("tab", { name: "Users" }).click();
    await page.getByRole("button", { name: "SIP account web.user" }).click();
    const dialog = page.getByRole("dialog", { name: "SIP account web.user" });
    await dialog.getByText("web.user@sip.example.test").waitFor();
    const activated = dialog.getByRole("switch", { name: "Activated" });
    expect(await activated.isChecked()).toBe(true);
    const deactivated = page.waitForResponse((r) => r.url().endsWith("/deactivate"));
    await activated.click({ force: true });
    expect((await deactivated).status()).toBe(200);
    // The switch follows the answer once React has re-rendered, a moment after the response event.
    await expect.poll(() => activated.isChecked()).toBe(false);

    await dialog.getByRole("button", { name: "Provisioning link and QR code" }).click();
    const url = (await dialog.getByTestId("provisioning-url").textContent())!;
    expect(url).toMatch(/^https:\/\/voice\.example\.test\/provisioning\//);
    const img = dialog.getByRole("img", { name: "Provisioning QR code" });
    await img.waitFor();
    const png = PNG.sync.read(await img.screenshot());
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(url);
    await page.keyboard.press("Escape");

    await page.getByRole("tab", { name: "API keys" }).click();
    await page.getByLabel(/^Name/).fill("nightly export");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent())!;
    expect(key).toMatch(/^csk_/);
    await page.getByRole("row").filter({ hasText: "nightly export" }).filter({ hasText: "never" }).first().waitFor();
    const res = await fetch(`${server.baseUrl}/api/v1/users`, { headers: { "x-api-key": key } });
    expect(res.status).toBe(200);
  });
});
