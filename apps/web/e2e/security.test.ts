import { describe, expect, it } from "vitest";
import { hasChromium } from "./support/browser.js";
import { setUpConsole } from "./support/console.js";
import { ADMIN } from "./support/start-server.js";

describe.skipIf(!hasChromium)("the Security tab", () => {
  const ui = setUpConsole({ logIn: ADMIN });

  it("names an invalid network, asks before shutting out the own address, and saves a good list", async () => {
    await ui.page.getByRole("tab", { name: "Security" }).click();
    const networks = ui.page.getByLabel("Allow login only from");
    await networks.fill("127.0.0.1\n10.0.0.0/33");
    await ui.page.getByRole("button", { name: "Save security settings" }).click();
    await ui.page.getByRole("alert").filter({ hasText: '"10.0.0.0/33" is not an IP address or CIDR range' }).waitFor();

    // A list without this browser's address (127.0.0.1): a confirmation first; cancelled, nothing is saved.
    await networks.fill("192.0.2.0/24");
    await ui.page.getByRole("button", { name: "Save security settings" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "Shut out your own address?" });
    await dialog.getByText("do not include your own address 127.0.0.1").waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    const saved = await ui.server.testApp.app.inject({
      method: "GET",
      url: "/api/v1/settings/security",
      headers: await ui.server.testApp.adminHeaders(),
    });
    expect(saved.json().allowedNetworks).toEqual([]);

    await networks.fill("127.0.0.1\n2001:db8::/32");
    await ui.page.getByLabel("Admin email addresses").fill("sec@example.com");
    await ui.page.getByRole("button", { name: "Save security settings" }).click();
    await ui.page.getByText("Security settings saved").waitFor();
    const after = await ui.server.testApp.app.inject({
      method: "GET",
      url: "/api/v1/settings/security",
      headers: await ui.server.testApp.adminHeaders(),
    });
    expect(after.json()).toMatchObject({
      allowedNetworks: ["127.0.0.1", "2001:db8::/32"],
      adminEmails: "sec@example.com",
    });
  });

  it("lists this browser's login and the sign-in log, filtered by result", async () => {
    await ui.page.getByRole("tab", { name: "Security" }).click();
    const tokens = ui.page.getByRole("table", { name: "Tokens and passkeys" });
    await tokens.getByText("this browser").waitFor();
    const log = ui.page.getByRole("table", { name: "Sign-in log" });
    await log.getByRole("cell", { name: "ok" }).first().waitFor();
    await ui.page
      .getByRole("textbox", { name: "Result" })
      .or(ui.page.getByRole("combobox", { name: "Result" }))
      .first()
      .click();
    await ui.page.getByRole("option", { name: "bad_credentials" }).click();
    await log.getByRole("cell", { name: "ok" }).first().waitFor({ state: "detached" });
  });
});
