import { describe, expect, it } from "vitest";
import { hasChromium } from "./support/browser.js";
import { setUpConsole } from "./support/console.js";
import { ADMIN } from "./support/start-server.js";

describe.skipIf(!hasChromium)("Extensions tab", () => {
  const ui = setUpConsole({ logIn: ADMIN });

  it("creates a PJSIP extension for a user and shows it in the table", async () => {
    const user = await ui.server.createUser({ username: "jdoe", displayName: "Jane Doe" });
    await ui.page.getByRole("tab", { name: "Extensions" }).click();
    await ui.page.waitForURL("**/extensions");
    await ui.page.getByRole("button", { name: "New extension" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "New extension" });

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
    await ui.page.getByRole("option", { name: /jdoe/ }).click();
    await dialog.getByLabel("Max contacts").fill("2");
    await dialog.getByRole("button", { name: "Create extension" }).click();

    await ui.page.getByText("1001 was added.").waitFor();
    await dialog.waitFor({ state: "hidden" });
    const row = ui.page.getByRole("row").filter({ has: ui.page.getByRole("button", { name: "1001", exact: true }) });
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain("Jane's desk");
    expect(text).toContain("PJSIP");
    expect(text).toContain("jdoe");
    expect(text).toContain("Unknown");

    // And the server really has it, linked to the user, with a generated secret.
    const lines = await ui.server.testApp.deps.extensions.lineCredentialsForUser(user.id);
    expect(lines.map((l) => l.number)).toEqual(["1001"]);
    expect(lines[0]!.secret.length).toBeGreaterThanOrEqual(16);

    // The dashboard's telephony cards count it (no AMI here: registration unknown).
    await ui.page.getByRole("tab", { name: "Dashboard" }).click();
    const card = ui.page.getByLabel("Registered extensions");
    await card.getByText("? / 1").waitFor();
    expect(await ui.page.getByLabel("Asterisk changes").textContent()).toContain("mode: none");
  });

  it("checks a CSV (bad rows, then a preview), imports nothing until asked, then imports", async () => {
    await ui.page.getByRole("tab", { name: "Extensions" }).click();
    await ui.page.waitForURL("**/extensions");
    await ui.page.getByRole("button", { name: "Import CSV" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "Import extensions from CSV" });
    const paste = dialog.getByLabel("Or paste the CSV");
    await paste.fill(
      "number,technology,displayName,username\n2001,SIP,Good,\n20x2,PJSIP,Bad,\n2003,SCCP,Ghost,nobody\n",
    );
    await dialog.getByRole("button", { name: "Check" }).click();
    const errors = dialog.getByRole("table", { name: "Import errors" });
    await errors.waitFor();
    const errorText = await errors.textContent();
    expect(errorText).toContain("no user named");
    expect(await errors.getByRole("row").count()).toBe(3);
    expect(await dialog.getByRole("button", { name: "Import", exact: true }).isDisabled()).toBe(true);

    await paste.fill("number,technology,displayName,username\n2001,sip,Good,\n2002,SCCP,Also good,\n");
    await dialog.getByRole("button", { name: "Check" }).click();
    const preview = dialog.getByRole("table", { name: "Extensions to import" });
    await preview.waitFor();
    expect(await preview.getByRole("row").allTextContents()).toEqual([
      "RowNumberTechnologyDisplay nameUser",
      "12001SIPGood—",
      "22002SCCPAlso good—",
    ]);
    expect((await ui.server.testApp.deps.extensions.list({ page: 1, pageSize: 50, q: "200" })).total).toBe(0);

    await dialog.getByRole("button", { name: "Import 2 extensions" }).click();
    await ui.page.getByText("2 extensions were created.").waitFor();
    await ui.page.getByRole("button", { name: "2002", exact: true }).waitFor();
  });
});
