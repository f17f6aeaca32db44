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
      "Profiles",
      "Corporate Directory",
      "Services",
      "Firmware",
      "Files",
      "API keys",
    ]);

    // A count card leads to its tab.
    await ui.page.getByRole("link", { name: "Users: 2" }).click();
    await ui.page.waitForURL("**/users");
    await ui.page.getByRole("tab", { name: "Users", selected: true }).waitFor();
  });

  it("tells a level-1 user with the right password that only superadmins may log in", async () => {
    await ui.server.createUser({ username: "operator", level: 1, password: "operator-pass-1" });

    await ui.page.goto("/login");
    await ui.page.getByLabel("Username").fill("operator");
    await ui.page.getByLabel("Password", { exact: true }).fill("operator-pass-1");
    await ui.page.getByRole("button", { name: "Log in" }).click();

    const alert = ui.page.getByRole("alert").filter({ hasText: "Superadmins only" });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("Only superadmins (level 0) may log in to the console");
    expect(new URL(ui.page.url()).pathname).toBe("/login");
    expect((await readTokens(ui.page)).accessToken).toBeNull();
  });

  it("says so when the password is wrong", async () => {
    await ui.page.goto("/login");
    await ui.page.getByLabel("Username").fill(ADMIN.username);
    await ui.page.getByLabel("Password", { exact: true }).fill("not-the-password");
    await ui.page.getByRole("button", { name: "Log in" }).click();
    await ui.page.getByRole("alert").filter({ hasText: "Wrong username or password" }).waitFor();
  });

  it("renews an expired access token behind the scenes, with one refresh for concurrent calls", async () => {
    await logIn(ui.page, ADMIN);
    await ui.page.getByRole("link", { name: /^Users: \d+$/ }).waitFor();
    const before = await readTokens(ui.page);

    // A token the server rejects, as an expired one would be. After the reload /auth/me and /dashboard both
    // get a 401; the refresh answer is held back so that the second 401 surely arrives while it is pending.
    await ui.page.evaluate(() => localStorage.setItem("cisisk.accessToken", "expired.access.token"));
    const refreshes: string[] = [];
    await ui.page.route("**/api/v1/auth/refresh", async (route) => {
      refreshes.push(route.request().postData() ?? "");
      const response = await route.fetch();
      await new Promise((resolve) => setTimeout(resolve, 600));
      await route.fulfill({ response });
    });
    await ui.page.reload();

    await ui.page.getByRole("link", { name: /^Users: \d+$/ }).waitFor();
    await ui.page.getByLabel("Logged in user").getByText("Administrator").waitFor();
    const after = await readTokens(ui.page);
    expect(after.accessToken).not.toBe("expired.access.token");
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(refreshes).toHaveLength(1);
    // Still logged in a moment later: a second refresh with the rotated token would have ended the session.
    await ui.page.getByRole("tab", { name: "Users" }).click();
    await ui.page.getByRole("row").filter({ hasText: "admin" }).first().waitFor();
    expect(new URL(ui.page.url()).pathname).toBe("/users");
  });

  it("bounces to the login page once the session is revoked on the server", async () => {
    await logIn(ui.page, ADMIN);
    await ui.page.getByRole("link", { name: /^Users: \d+$/ }).waitFor();

    // Another device logs this session out: the refresh token's whole family is revoked.
    const tokens = await readTokens(ui.page);
    const res = await fetch(`${ui.server.baseUrl}/api/v1/auth/logout`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.accessToken}` },
      body: JSON.stringify({ refreshToken: tokens.refreshToken }),
    });
    expect(res.status).toBe(204);

    await ui.page.getByRole("tab", { name: "Users" }).click();
    await ui.page.waitForURL("**/login");
    await ui.page.getByText("Your session has ended. Log in again to continue.").waitFor();
    expect(await readTokens(ui.page)).toEqual({ accessToken: null, refreshToken: null });

    // Logging in again returns to the page the session ended on.
    await ui.page.getByLabel("Username").fill(ADMIN.username);
    await ui.page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await ui.page.getByRole("button", { name: "Log in" }).click();
    await ui.page.waitForURL("**/users");
  });

  it("logs out with the button and ends the session on the server", async () => {
    await logIn(ui.page, ADMIN);
    const tokens = await readTokens(ui.page);
    await ui.page.getByRole("button", { name: "Log out" }).click();
    await ui.page.waitForURL("**/login");
    await ui.page.getByRole("button", { name: "Log in" }).waitFor();

    const refresh = await fetch(`${ui.server.baseUrl}/api/v1/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refreshToken: tokens.refreshToken }),
    });
    expect(refresh.status).toBe(401);
  });
});
