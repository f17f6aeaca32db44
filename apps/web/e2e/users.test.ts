import { describe, expect, it } from "vitest";
import { hasChromium } from "./support/browser.js";
import { setUpConsole } from "./support/console.js";
import { ADMIN } from "./support/start-server.js";

describe.skipIf(!hasChromium)("Users tab", () => {
  const ui = setUpConsole({ logIn: ADMIN });

  const rowOf = (username: string) =>
    ui.page.getByRole("row").filter({ has: ui.page.getByRole("button", { name: username, exact: true }) });

  /** Opens the tab once the test's users exist, and waits for the table. */
  async function openUsersTab() {
    await ui.page.getByRole("tab", { name: "Users" }).click();
    await ui.page.waitForURL("**/users");
    await rowOf(ADMIN.username).waitFor();
  }

  it("creates a user through the dialog and shows it in the table", async () => {
    await openUsersTab();
    await ui.page.getByRole("button", { name: "New user" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "New user" });
    await dialog.getByLabel("Username").fill("jdoe");
    await dialog.getByLabel("Display name").fill("Jane Doe");
    await dialog.getByLabel("Email").fill("jane.doe@example.com");
    await dialog.getByLabel("Phone").fill("+41 44 555 12 12");
    await dialog.getByLabel("Password", { exact: true }).fill("jane-password-1");
    await dialog.getByRole("button", { name: "Create user" }).click();

    await ui.page.getByText("jdoe was added.").waitFor();
    await dialog.waitFor({ state: "hidden" });
    const row = rowOf("jdoe");
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain("Jane Doe");
    expect(text).toContain("jane.doe@example.com");
    expect(text).toContain("Level 1");
    expect(text).toContain("Active");
  });

  it("shows the server's 409 on the username field and keeps the dialog open", async () => {
    await ui.server.createUser({ username: "taken", level: 2 });
    await openUsersTab();
    await ui.page.getByRole("button", { name: "New user" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "New user" });
    await dialog.getByLabel("Username").fill("taken");
    await dialog.getByRole("button", { name: "Create user" }).click();

    await dialog.getByText("Username is already taken").waitFor();
    expect(await dialog.getByLabel("Username").getAttribute("aria-invalid")).toBe("true");
    expect(await dialog.isVisible()).toBe(true);
  });

  it("checks the form with the contract's schema before anything is sent", async () => {
    await openUsersTab();
    const posts: string[] = [];
    ui.page.on("request", (r) => r.method() === "POST" && posts.push(r.url()));
    await ui.page.getByRole("button", { name: "New user" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "New user" });
    await dialog.getByLabel("Username").fill("has space");
    await dialog.getByLabel("Password", { exact: true }).fill("short");
    await dialog.getByRole("button", { name: "Create user" }).click();
    await dialog.getByText("May contain only letters, digits, '.', '_' and '-'").waitFor();
    await dialog.getByText("Must be at least 8 characters").waitFor();
    expect(posts).toEqual([]);
  });

  it("edits a user, sending only the changed fields", async () => {
    await ui.server.createUser({ username: "helpdesk", displayName: "Help desk", email: "help@example.com", level: 4 });
    await openUsersTab();
    await ui.page.getByRole("button", { name: "Edit user helpdesk" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "Edit user helpdesk" });
    await dialog.getByLabel("Display name").fill("IT help desk");

    const patch = ui.page.waitForRequest((r) => r.method() === "PATCH");
    await dialog.getByRole("button", { name: "Save" }).click();
    expect((await patch).postDataJSON()).toEqual({ displayName: "IT help desk" });
    await ui.page.getByText("helpdesk was updated.").waitFor();
    await rowOf("helpdesk").filter({ hasText: "IT help desk" }).waitFor();
  });

  it("shows the last-superadmin conflict on the Level field and keeps the dialog open", async () => {
    await openUsersTab();
    await ui.page.getByRole("button", { name: "Edit user admin" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "Edit user admin" });
    await dialog.getByLabel("Level", { exact: true }).click();
    await ui.page.getByRole("option", { name: "2", exact: true }).click();
    await dialog.getByText("This is your own account").waitFor();
    await dialog.getByRole("button", { name: "Save" }).click();

    // The server names the field in details.field, so the message sits under the Level input.
    await dialog.getByText("Cannot demote the last active superadmin").waitFor();
    expect(await dialog.isVisible()).toBe(true);
    const admin = await ui.server.testApp.deps.users.findCredentialsByUsername("admin");
    expect(admin?.user.level).toBe(0);
  });

  it("deletes a user after confirmation", async () => {
    await ui.server.createUser({ username: "temp-worker", level: 5 });
    await openUsersTab();
    await ui.page.getByRole("button", { name: "Delete user temp-worker" }).click();
    const confirm = ui.page.getByRole("dialog", { name: "Delete user temp-worker?" });
    await confirm.getByRole("button", { name: "Delete user" }).click();

    await ui.page.getByText("temp-worker was deleted.").waitFor();
    await rowOf("temp-worker").waitFor({ state: "detached" });
  });

  it("searches on the server, debounced", async () => {
    await ui.server.createUser({ username: "searchable-one", displayName: "Needle Person", level: 2 });
    await openUsersTab();
    await ui.page.getByLabel("Search users").fill("needle");
    await rowOf("searchable-one").waitFor();
    await ui.page.getByText("1 user found").waitFor();
    await ui.page.getByLabel("Search users").fill("no-such-user-anywhere");
    await ui.page.getByText("No users match your search").waitFor();
  });
});
