import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hasChromium, launchBrowser, logIn, readTokens, VIEWPORT } from "./support/browser.js";
import { ADMIN, startServer, type RunningServer } from "./support/start-server.js";

describe.skipIf(!hasChromium)("logging in and sessions", () => {
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
    // Well under the test timeout, so a missing element fails with its locator instead of a bare timeout.
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  });
  afterEach(async () => context?.close());

  it("sends a visitor to the login page, then shows the dashboard with the user count after logging in", async () => {
    await server.createUser({ username: "reception", displayName: "Front desk", level: 3 });

    await page.goto("/users");
    await page.waitForURL("**/login");
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByRole("button", { name: "Log in" }).click();

    // Back where the guard stopped the visitor.
    await page.waitForURL("**/users");
    await page.getByRole("tab", { name: "Dashboard" }).click();
    await page.waitForURL("**/dashboard");
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await page.getByRole("link", { name: "Users: 2" }).waitFor();
    expect(await page.getByLabel("Database status").textContent()).toContain("OK");
    expect(await page.getByLabel("Asterisk AMI status").textContent()).toContain("Not configured");
    expect(await page.getByLabel("Logged in user").textContent()).toContain("Administrator");
    expect(await page.getByRole("tab").allTextContents()).toEqual([
      "Dashboard",
      "Users",
      "Extensions",
      "Phones",
      "Profiles",
      "Corporate Directory",
      "Services",
    ]);

    // A count card leads to its tab.
    await page.getByRole("link", { name: "Users: 2" }).click();
    await page.waitForURL("**/users");
    await page.getByRole("tab", { name: "Users", selected: true }).waitFor();
  });

  it("tells a level-1 user with the right password that only superadmins may log in", async () => {
    await server.createUser({ username: "operator", level: 1, password: "operator-pass-1" });

    await page.goto("/login");
    await page.getByLabel("Username").fill("operator");
    await page.getByLabel("Password", { exact: true }).fill("operator-pass-1");
    await page.getByRole("button", { name: "Log in" }).click();

    const alert = page.getByRole("alert").filter({ hasText: "Superadmins only" });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("Only superadmins (level 0) may log in to the console");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect((await readTokens(page)).accessToken).toBeNull();
  });

  it("says so when the password is wrong", async () => {
    await page.goto("/login");
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password", { exact: true }).fill("not-the-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong username or password" }).waitFor();
  });

  it("renews an expired access token behind the scenes, with one refresh for concurrent calls", async () => {
    await logIn(page, ADMIN);
    await page.getByRole("link", { name: /^Users: \d+$/ }).waitFor();
    const before = await readTokens(page);

    // A token the server rejects, as an expired one would be. After the reload /auth/me and /dashboard both
    // get a 401; the refresh answer is held back so that the second 401 surely arrives while it is pending.
    await page.evaluate(() => localStorage.setItem("cisisk.accessToken", "expired.access.token"));
    const refreshes: string[] = [];
    await page.route("**/api/v1/auth/refresh", async (route) => {
      refreshes.push(route.request().postData() ?? "");
      const response = await route.fetch();
      await new Promise((resolve) => setTimeout(resolve, 600));
      await route.fulfill({ response });
    });
    await page.reload();

    await page.getByRole("link", { name: /^Users: \d+$/ }).waitFor();
    await page.getByLabel("Logged in user").getByText("Administrator").waitFor();
    const after = await readTokens(page);
    expect(after.accessToken).not.toBe("expired.access.token");
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(refreshes).toHaveLength(1);
    // Still logged in a moment later: a second refresh with the rotated token would have ended the session.
    await page.getByRole("tab", { name: "Users" }).click();
    await page.getByRole("row").filter({ hasText: "admin" }).first().waitFor();
    expect(new URL(page.url()).pathname).toBe("/users");
  });

  it("bounces to the login page once the session is revoked on the server", async () => {
    await logIn(page, ADMIN);
    await page.getByRole("link", { name: /^Users: \d+$/ }).waitFor();

    // Another device logs this session out: the refresh token's whole family is revoked.
    const tokens = await readTokens(page);
    const res = await fetch(`${server.baseUrl}/api/v1/auth/logout`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.accessToken}` },
      body: JSON.stringify({ refreshToken: tokens.refreshToken }),
    });
    expect(res.status).toBe(204);

    await page.getByRole("tab", { name: "Users" }).click();
    await page.waitForURL("**/login");
    await page.getByText("Your session has ended. Log in again to continue.").waitFor();
    expect(await readTokens(page)).toEqual({ accessToken: null, refreshToken: null });

    // Logging in again returns to the page the session ended on.
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL("**/users");
  });

  it("logs out with the button and ends the session on the server", async () => {
    await logIn(page, ADMIN);
    const tokens = await readTokens(page);
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL("**/login");
    await page.getByRole("button", { name: "Log in" }).waitFor();

    const refresh = await fetch(`${server.baseUrl}/api/v1/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refreshToken: tokens.refreshToken }),
    });
    expect(refresh.status).toBe(401);
  });
});
