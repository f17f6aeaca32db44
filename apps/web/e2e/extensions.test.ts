import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hasChromium, launchBrowser, logIn, VIEWPORT } from "./support/browser.js";
import { ADMIN, startServer, type RunningServer } from "./support/start-server.js";

describe.skipIf(!hasChromium)("Extensions tab", () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ baseURL: server.baseUrl, viewport: VIEWPORT });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    await logIn(page, ADMIN);
  });
  afterEach(async () => context?.close());

  it("creates a PJSIP extension for a user and shows it in the table", async () => {
    const user = await server.createUser({ username: "jdoe", displayName: "Jane Doe" });
    await page.getByRole("tab", { name: "Extensions" }).click();
    await page.waitForURL("**/extensions");
    await page.getByRole("button", { name: "New extension" }).click();
    const dialog = page.getByRole("dialog", { name: "New extension" });

    // Only the chosen technology's settings are shown.
    await dialog.getByText("SCCP", { exact: true }).click();
    await dialog.getByLabel("Device type").waitFor();
    expect(await dialog.getByLabel("Max contacts").count()).toBe(0);
    await dialog.getByText("PJSIP", { exact: true }).click();
    await dialog.getByLabel("Max contacts").waitFor();
    expect(await dialog.getByLabel("Device type").count()).toBe(0);

    await dialog.getByLabel("Number").fill("1001");
    await dialog.getByLabel("Display name").fill("Jane's desk");
    await dialog.getByLabel("User", { exact: true }).click();
    await page.getByRole("option", { name: /jdoe/ }).click();
    await dialog.getByLabel("Max contacts").fill("2");
    await dialog.getByRole("button", { name: "Create extension" }).click();

    await page.getByText("1001 was added.").waitFor();
    await dialog.waitFor({ state: "hidden" });
    const row = page.getByRole("row").filter({ has: page.getByRole("button", { name: "1001", exact: true }) });
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain("Jane's desk");
    expect(text).toContain("PJSIP");
    expect(text).toContain("jdoe");
    expect(text).toContain("Unknown");

    // And the server really has it, linked to the user, with a generated secret.
    const lines = await server.testApp.deps.extensions.lineCredentialsForUser(user.id);
    expect(lines.map((l) => l.number)).toEqual(["1001"]);
    expect(lines[0]!.secret.length).toBeGreaterThanOrEqual(16);

    // The dashboard's telephony cards count it (no AMI here: registration unknown).
    await page.getByRole("tab", { name: "Dashboard" }).click();
    const card = page.getByLabel("Registered extensions");
    await card.getByText("? / 1").waitFor();
    expect(await page.getByLabel("Asterisk changes").textContent()).toContain("mode: none");
  });

  it("imports a CSV and reports the bad rows without importing anything", async () => {
    await page.getByRole("tab", { name: "Extensions" }).click();
    await page.waitForURL("**/extensions");
    await page.getByRole("button", { name: "Import CSV" }).click();
    const dialog = page.getByRole("dialog", { name: "Import extensions from CSV" });
    await dialog
      .getByLabel("Or paste the CSV")
      .fill("number,technology,displayName,username\n2001,SIP,Good,\n20x2,PJSIP,Bad,\n2003,SCCP,Ghost,nobody\n");
    await dialog.getByRole("button", { name: "Import" }).click();
    const errors = dialog.getByRole("table", { name: "Import errors" });
    await errors.waitFor();
    const errorText = await errors.textContent();
    expect(errorText).toContain("no user named");
    expect(await errors.getByRole("row").count()).toBe(3);

    await dialog
      .getByLabel("Or paste the CSV")
      .fill("number,technology,displayName,username\n2001,SIP,Good,\n2002,SCCP,Also good,\n");
    await dialog.getByRole("button", { name: "Import" }).click();
    await page.getByText("2 extensions were created.").waitFor();
    await page.getByRole("button", { name: "2002", exact: true }).waitFor();
  });
});
