import { describe, expect, it } from "vitest";
import { inventory } from "../../server/src/test/inventory-fixtures.js";
import { hasChromium } from "./support/browser.js";
import { setUpConsole } from "./support/console.js";
import { ADMIN } from "./support/start-server.js";

describe.skipIf(!hasChromium)("Corporate Directory and Services tabs", () => {
  const ui = setUpConsole({ logIn: ADMIN });

  async function openDirectory() {
    await ui.page.getByRole("tab", { name: "Corporate Directory" }).click();
    await ui.page.waitForURL("**/directory");
    await ui.page.getByRole("button", { name: "New contact" }).waitFor();
  }

  it("creates a contact through the dialog and shows it in the table", async () => {
    await openDirectory();
    await ui.page.getByRole("button", { name: "New contact" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "New contact" });
    await dialog.getByLabel("First name").fill("Zoë");
    await dialog.getByLabel("Last name").fill("O'Brien & Co");
    await dialog.getByLabel("Work number").fill("+41 (44) 123-45.67");
    await dialog.getByLabel("Department").fill("Sales");
    await dialog.getByRole("button", { name: "Create contact" }).click();

    await ui.page.getByText("Zoë O'Brien & Co was added.").waitFor();
    await dialog.waitFor({ state: "hidden" });
    const row = ui.page.getByRole("row").filter({ hasText: "O'Brien & Co" });
    await row.waitFor();
    expect(await row.textContent()).toContain("+41 (44) 123-45.67");
    const stored = await ui.server.testApp.deps.directory.list({ page: 1, pageSize: 10, q: "o'bri" });
    expect(stored.data[0]).toMatchObject({ firstName: "Zoë", workDial: "+41441234567", department: "Sales" });
  });

  it("refuses a contact without a number before sending anything", async () => {
    await openDirectory();
    const posts: string[] = [];
    ui.page.on("request", (r) => r.method() === "POST" && posts.push(r.url()));
    await ui.page.getByRole("button", { name: "New contact" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "New contact" });
    await dialog.getByLabel("Last name").fill("Nonumber");
    await dialog.getByRole("button", { name: "Create contact" }).click();
    await dialog.getByText("At least one number is required").waitFor();
    expect(posts).toEqual([]);
  });

  it("imports a CSV after a preview of what is created and what is rejected", async () => {
    await openDirectory();
    await ui.page.getByRole("button", { name: "Import" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "Import contacts" });
    const bad = "firstName;lastName;workNumber\nAda;Lovelace;+44 20 7946 0001\nBad;Row;call me\n";
    await dialog.locator('input[type="file"]').setInputFiles({
      name: "people.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(`\uFEFF${bad}`, "utf8"),
    });
    await dialog.getByRole("button", { name: "Preview" }).click();
    await dialog.getByText("1 to create").waitFor();
    await dialog.getByText("1 rejected").waitFor();
    const rejected = dialog.getByRole("table", { name: "Rejected rows" });
    expect(await rejected.textContent()).toContain("workNumber");
    expect(await dialog.getByRole("button", { name: "Import", exact: true }).isDisabled()).toBe(true);

    await dialog
      .getByLabel("Content")
      .fill("firstName;lastName;workNumber\nAda;Lovelace;+44 20 7946 0001\nAlan;Turing;+44 20 7946 0002\n");
    await dialog.getByRole("button", { name: "Preview" }).click();
    await dialog.getByText("2 to create").waitFor();
    await dialog.getByText("0 rejected").waitFor();
    expect(await dialog.getByRole("table", { name: "Contacts to create" }).textContent()).toContain("Turing, Alan");
    await dialog.getByRole("button", { name: "Import", exact: true }).click();
    await ui.page.getByText("2 contact(s) imported.").waitFor();
    await dialog.waitFor({ state: "hidden" });
    await ui.page.getByRole("row").filter({ hasText: "Turing" }).waitFor();
    await ui.page.getByRole("row").filter({ hasText: "Lovelace" }).waitFor();
  });

  it("shows built-in services read-only and previews a service as a 79xx and an 88xx screen", async () => {
    await ui.page.getByRole("tab", { name: "Services" }).click();
    await ui.page.waitForURL("**/services");
    const row = ui.page.getByRole("row").filter({ hasText: "Corporate Directory" });
    await row.waitFor();
    expect(await row.getByRole("button", { name: "Edit Corporate Directory" }).isDisabled()).toBe(true);
    await row.getByRole("button", { name: "Preview Corporate Directory" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "Phone preview: Corporate Directory" });
    const screen = dialog.getByRole("figure", { name: "Phone screen" });
    await screen.getByText("1 Search").waitFor();
    expect(await dialog.getByLabel("Soft keys").textContent()).toBe("SelectExit");
    await dialog.getByText("79xx (e.g. 7965)").click();
    await screen.getByText("1 Search").waitFor();
    expect(await dialog.locator("pre").textContent()).toContain("<CiscoIPPhoneMenu><Title>Corporate Directory</Title>");
  });

  it("offers a new service on a phone and a profile picked by name, and lists them by name", async () => {
    const inv = inventory(ui.server.testApp);
    const phone = await inv.phone({ mac: "0C1167884577", model: "8845", softwareType: "SIPE", label: "Dora desk" });
    await inv.phone({ mac: "001E4A796577", model: "7965", softwareType: "SCCP" });
    const profile = await inv.profile({ name: "Lobby phones", softwareType: "SIPE" });
    await ui.page.getByRole("tab", { name: "Services" }).click();
    await ui.page.waitForURL("**/services");
    await ui.page.getByRole("button", { name: "New service" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "New service" });
    await dialog.getByLabel("Name").fill("Weather");
    await dialog.getByLabel("URL").fill("http://192.0.2.40/weather.xml");

    // Searchable pickers: type part of the label, pick the option by its name.
    await dialog.getByLabel("Phones", { exact: true }).fill("dora");
    const dora = ui.page.getByRole("option", { name: "0C1167884577 · 8845 · Dora desk" });
    await dora.waitFor();
    expect(await ui.page.getByRole("option", { name: /001E4A796577/ }).count()).toBe(0);
    await dora.click();
    await dialog.getByLabel("Profiles", { exact: true }).fill("lobby");
    await ui.page.getByRole("option", { name: "Lobby phones" }).click();
    await ui.page.keyboard.press("Tab"); // closes the picker's dropdown

    const post = ui.page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/services"));
    await dialog.getByRole("button", { name: "Create service" }).click();
    expect((await post).postDataJSON()).toMatchObject({ phoneIds: [phone.id], profileIds: [profile.id] });
    await ui.page.getByText("Weather was added.").waitFor();
    await dialog.waitFor({ state: "hidden" });

    const row = ui.page.getByRole("row").filter({ hasText: "Weather" });
    await row.getByText("0C1167884577 · 8845 · Dora desk").waitFor();
    await row.getByText("Lobby phones").waitFor();
    expect(await row.textContent()).not.toContain(phone.id);

    // Editing shows the picked ones by name.
    await row.getByRole("button", { name: "Edit Weather" }).click();
    const edit = ui.page.getByRole("dialog", { name: "Edit service Weather" });
    await edit.getByText("0C1167884577 · 8845 · Dora desk").waitFor();
    await edit.getByText("Lobby phones").waitFor();
  });

  it("sets a phone-service PIN on a user, which is never shown again", async () => {
    await ui.page.getByRole("tab", { name: "Users" }).click();
    await ui.page.waitForURL("**/users");
    await ui.page.getByRole("button", { name: "New user" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "New user" });
    await dialog.getByLabel("Username").fill("phoneuser");
    await dialog.getByLabel("Service PIN").fill("12");
    await dialog.getByRole("button", { name: "Create user" }).click();
    await dialog.getByText("Must be 4 to 16 digits").waitFor();
    await dialog.getByLabel("Service PIN").fill("2468");
    const post = ui.page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/users"));
    await dialog.getByRole("button", { name: "Create user" }).click();
    expect((await post).postDataJSON()).toMatchObject({ username: "phoneuser", pin: "2468" });
    await ui.page.getByText("phoneuser was added.").waitFor();
    const stored = await ui.server.testApp.deps.users.findPinCredentialsByUsername("phoneuser");
    expect(stored?.user.hasPin).toBe(true);
    expect(stored?.pinHash).toMatch(/^\$argon2id\$/);
  });
});
