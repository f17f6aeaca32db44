import { describe, expect, it } from "vitest";
import { inventory } from "../../server/src/test/inventory-fixtures.js";
import { hasChromium } from "./support/browser.js";
import { setUpConsole } from "./support/console.js";
import { ADMIN } from "./support/start-server.js";

describe.skipIf(!hasChromium)("Firmware tab and the profile preview's load", () => {
  const ui = setUpConsole({ logIn: ADMIN });

  it("saves per-model loads, shows a refused name on its field, and the preview says where the load comes from", async () => {
    const { page } = ui;
    await page.getByRole("tab", { name: "Firmware" }).click();
    await page.waitForURL("**/firmware");
    await page.getByLabel("Cisco 8845", { exact: true }).fill("sip88xx.14-2-1-0001-14");
    await page.getByLabel("Cisco 8865", { exact: true }).fill("sip88xx.14-2-1-0001-14.loads");
    const puts: string[] = [];
    page.on("request", (r) => r.method() === "PUT" && puts.push(r.url()));
    await page.getByRole("button", { name: "Save firmware loads" }).click();
    await page.getByText("Name the load without .loads").waitFor();
    expect(puts).toHaveLength(1);
    expect(await ui.server.testApp.deps.firmware.get()).toEqual({ loads: {} });

    await page.getByLabel("Cisco 8865", { exact: true }).fill("");
    await page.getByRole("button", { name: "Save firmware loads" }).click();
    await page.getByText("1 models have a load.").waitFor();
    expect(await ui.server.testApp.deps.firmware.get()).toEqual({ loads: { "8845": "sip88xx.14-2-1-0001-14" } });

    // The profile preview names the load and its source, and warns about line 2 on stock Asterisk.
    const inv = inventory(ui.server.testApp);
    const owner = await inv.user("fwuser");
    await inv.extension(owner, "5001", "Fw One", "fw-one-secret");
    await inv.extension(owner, "5002", "Fw Two", "fw-two-secret");
    await inv.phone({ mac: "0C1167884577", model: "8845", softwareType: "SIP", userId: owner });
    await inv.profile({ name: "Generic SIP", softwareType: "SIP" });
    await page.getByRole("tab", { name: "Profiles" }).click();
    await page.getByRole("button", { name: "Edit profile Generic SIP" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit profile Generic SIP" });
    await dialog.getByLabel("Preview for phone").click();
    await page.getByRole("option", { name: /0C1167884577/ }).click();
    await dialog.getByRole("button", { name: "Preview saved profile" }).click();
    const report = dialog.getByTestId("preview-report");
    await report.getByText("from model 8845", { exact: false }).waitFor();
    expect(await report.textContent()).toContain("sip88xx.14-2-1-0001-14");
    expect(await report.textContent()).toContain("5002 on key 2 (will not register)");
    await report.getByText(/Lines 2-2 \(5002\) are written without credentials/).waitFor();
    await dialog
      .getByTestId("profile-preview")
      .getByText("<loadInformation>sip88xx.14-2-1-0001-14</loadInformation>")
      .waitFor();
  });
});
