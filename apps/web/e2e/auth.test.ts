import { describe, expect, it } from "vitest";
import { hasChromium, logIn, readTokens } from "./support/browser.js";
import { setUpConsole } from "./support/console.js";
import { ADMIN } from "./support/start-server.js";

describe.skipIf(!hasChromium)("logging in and sessions", () => {
  const ui = setUpConsole();

  it("sends a visitor to the login page, then shows the dashboard with the user count after logging in", async () => {
    await ui.server.createUser({ username: "reception", displayName: "Front desk", level: 3 });

    await ui.page.goto("/users");
    await ui.page.waitForURL("**/login");
    await ui.page.getByLabel("Username").fill(ADMIN.username);
    await ui.page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await ui.page.getByRole("button", { name: "Log in" }).click();

    // Back where the guard stopped the visitor.
    await ui.page.waitForURL("**/users");
    await ui.page.getByRole("tab", { name: "Dashboard" }).click();
    await ui.page.waitForURL("**/dashboard");
    await ui.page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await ui.page.getByRole("link", { name: "Users: 2" }).waitFor();
    expect(await ui.page.getByLabel("Database status").textContent()).toContain("OK");
    expect(await ui.page.getByLabel("Asterisk AMI status").textContent()).toContain("Not configured");
    expect(await ui.page.getByLabel("Logged in user").textContent()).toContain("Administrator");
    expect(await ui.page.getByRole("tab").allTextContents()).toEqual([
      "Dashboard",
      "Users",
      "Extensions",
      "Phones",
      "Endpoint Manager",
      "Profiles",
      "Corporate Directory",
      "Services",
      "Firmware",
      "Files",
      "API keys",
      "Security",
    ]);

    // A count card leads to its tab.
    await ui.page.getByRole("link", { name: "Users: 2" }).click();
    await ui.page.waitForURL("**/users");
    await ui.page.getByRole("tab", { name: "Users", selected: true }).waitFor();
  });

  it("answers a level-1 user with the right password exactly like a wrong password", async () => {
    await ui.server.createUser({ username: "operator", level: 1, password: "operator-pass-1" });

    await ui.page.goto("/login");
    await ui.page.getByLabel("Username").fill("operator");
    await ui.page.getByLabel("Password", { exact: true }).fill("operator-pass-1");
    await ui.page.getByRole("button", { name: "Log in" }).click();

    await ui.page.getByRole("alert").filter({ hasText: "Wrong username or password" }).waitFor();
    expect(new URL(ui.page.url()).pathname).toBe("/login");
    expect((await readTokens(ui.page)).refreshCookie).toBeNull();
  });

  it("says so when the password is wrong", async () => {
    await ui.page.goto("/login");
    await ui.page.getByLabel("Username").fill(ADMIN.username);
    await ui.page.getByLabel("Password", { exact: true }).fill("not-the-password");
    await ui.page.getByRole("button", { name: "Log in" }).click();
    await ui.page.getByRole("alert").filter({ hasText: "Wrong username or password" }).waitFor();
  });

  it("keeps the refresh token in an httpOnly cookie only, and restores the session after a reload with one refresh", async () => {
    await logIn(ui.page, ADMIN);
    await ui.page.getByRole("link", { name: /^Users: \d+$/ }).waitFor();
    const before = await readTokens(ui.page);
    expect(before.refreshCookie).toMatch(/^[\w-]{40,}$/);
    expect(before.localStorage).toEqual([]);
    const cookie = (await ui.page.context().cookies()).find((c) => c.name === "cisisk_refresh")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/api/v1/auth" });
    expect(await ui.page.evaluate(() => document.cookie)).not.toContain("cisisk_refresh");

    // The access token lived in memory only: after the reload /auth/me and /dashboard would both need one;
    // the refresh answer is held back so that both surely wait for the same refresh.
    const refreshes: string[] = [];
    await ui.page.route("**/api/v1/auth/refresh", async (route) => {
      refreshes.push(route.request().headers()["x-cisisk-csrf"] ?? "");
      const response = await route.fetch();
      await new Promise((resolve) => setTimeout(resolve, 600));
      await route.fulfill({ response });
    });
    await ui.page.reload();

    await ui.page.getByRole("link", { name: /^Users: \d+$/ }).waitFor();
    await ui.page.getByLabel("Logged in user").getByText("Administrator").waitFor();
    expect(refreshes).toEqual(["1"]);
    const after = await readTokens(ui.page);
    expect(after.refreshCookie).not.toBe(before.refreshCookie);
    // Still logged in a moment later: a second refresh with the rotated token would have ended the session.
    await ui.page.getByRole("tab", { name: "Users" }).click();
    await ui.page.getByRole("row").filter({ hasText: "admin" }).first().waitFor();
    expect(new URL(ui.page.url()).pathname).toBe("/users");
  });

  it("bounces to the login page once the session is revoked on the server", async () => {
    await logIn(ui.page, ADMIN);
    await ui.page.getByRole("link", { name: /^Users: \d+$/ }).waitFor();

    // Another device ends this session: the refresh token's whole family is revoked.
    const { refreshCookie } = await readTokens(ui.page);
    const res = await fetch(`${ui.server.baseUrl}/api/v1/auth/logout`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refreshToken: refreshCookie }),
    });
    expect(res.status).toBe(204);

    // Its access token stops working at once; the refresh cookie is revoked too.
    await ui.page.getByRole("tab", { name: "Users" }).click();
    await ui.page.waitForURL("**/login");
    await ui.page.getByText("Your session has ended. Log in again to continue.").waitFor();
    await ui.page.getByLabel("Username").fill(ADMIN.username);
    await ui.page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await ui.page.getByRole("button", { name: "Log in" }).click();
    await ui.page.waitForURL("**/users");
  });

  it("logs out with the button and ends the session on the server", async () => {
    await logIn(ui.page, ADMIN);
    const { refreshCookie } = await readTokens(ui.page);
    await ui.page.getByRole("button", { name: "Log out" }).click();
    await ui.page.waitForURL("**/login");
    await ui.page.getByRole("button", { name: "Log in" }).waitFor();
    expect((await readTokens(ui.page)).refreshCookie).toBeNull();

    const refresh = await fetch(`${ui.server.baseUrl}/api/v1/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refreshToken: refreshCookie }),
    });
    expect(refresh.status).toBe(401);
  });
});
