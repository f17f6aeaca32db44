import { describe, expect, it } from "vitest";
import { hasChromium } from "./support/browser.js";
import { setUpConsole } from "./support/console.js";
import { ADMIN } from "./support/start-server.js";

describe.skipIf(!hasChromium)("Endpoint Manager tab", () => {
  const ui = setUpConsole({ logIn: ADMIN });

  it("adds, previews, edits, reboots (failure shown) and deletes a Yealink; shows last fetch and DHCP snippets", async () => {
    const { page, server } = ui;
    await page.getByRole("tab", { name: "Endpoint Manager" }).click();
    await page.waitForURL("**/endpoints");

    await page.getByRole("button", { name: "Add device" }).click();
    const dialog = page.getByRole("dialog", { name: "Add device" });
    await dialog.getByLabel("MAC address").fill("80:5E:C0:12:34:56");
    await dialog.getByLabel("Model", { exact: true }).fill("T46S");
    await page.getByRole("option", { name: "T46S", exact: true }).click();
    await dialog.getByLabel("Label").fill("John's extension 1001");
    await dialog.getByLabel("SIP username").fill("1001");
    await dialog.getByLabel("SIP password").fill("browser-secret-1001");
    await dialog.getByLabel("Server address").fill("203.0.113.10:5060");
    await dialog.getByRole("button", { name: "Save device" }).click();
    const row = page.getByTestId("device-805EC0123456");
    await row.getByText("Yealink T46S").waitFor();
    await row.getByText("never").waitFor();

    // The phone fetches its file; the view shows when, from where and with which User-Agent.
    const fetched = await fetch(`${server.baseUrl}/provision/805ec0123456.cfg`, {
      headers: { "user-agent": "Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56" },
    });
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toContain("account.1.password = browser-secret-1001");
    await new Promise((r) => setTimeout(r, 700)); // hits are recorded in batches
    await page.reload();
    await page.getByTestId("device-805EC0123456").getByText("Yealink SIP-T46S 66.86.0.15", { exact: false }).waitFor();

    // The preview is the exact file, password masked.
    await page.getByRole("button", { name: "Preview file of 805EC0123456" }).click();
    const file = page.getByTestId("provisioning-file");
    await file.getByText("account.1.sip_server.1.address = 203.0.113.10", { exact: false }).waitFor();
    expect(await file.textContent()).toContain("account.1.password = ********");
    expect(await file.textContent()).not.toContain("browser-secret-1001");
    await page.keyboard.press("Escape");

    // Edit: disable the device; /provision answers 404 from then on.
    await page.getByRole("button", { name: "Edit 805EC0123456" }).click();
    const edit = page.getByRole("dialog", { name: "Edit device 805EC0123456" });
    await edit.getByLabel("Enabled").uncheck();
    await edit.getByRole("button", { name: "Save device" }).click();
    await page.getByTestId("device-805EC0123456").getByText("disabled").waitFor();
    expect((await fetch(`${server.baseUrl}/provision/805ec0123456.cfg`)).status).toBe(404);

    // Reboot: no phone answers at that address, so the console reports a failure, not a success.
    await page.getByRole("button", { name: "Reboot 805EC0123456" }).click();
    await page.getByText("Reboot of 805EC0123456 failed").waitFor({ timeout: 15_000 });

    // The brand filter.
    await page.getByText("Fanvil", { exact: true }).click();
    await page.getByTestId("device-805EC0123456").waitFor({ state: "detached" });
    await page.getByText("All brands").click();
    await page.getByTestId("device-805EC0123456").waitFor();

    // DHCP snippets with this server's URL.
    await page.getByRole("tab", { name: "Provisioning settings" }).click();
    const isc = page.getByTestId("dhcp-isc");
    await isc.getByText("option tftp-server-name", { exact: false }).waitFor();
    expect(await isc.textContent()).toContain("/provision/");

    await page.getByRole("tab", { name: "Devices" }).click();
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Delete 805EC0123456" }).click();
    await page.getByTestId("device-805EC0123456").waitFor({ state: "detached" });
    expect(await server.testApp.deps.phones.findByMac("805EC0123456")).toBeUndefined();
  });
  it("adds a Grandstream with the form and filters by each new brand (Grandstream, Snom, Polycom)", async () => {
    const { page, server } = ui;
    await server.testApp.deps.provisioning.addDevice({ mac: "000413000123", brand: "snom", model: "D785" });
    await server.testApp.deps.provisioning.addDevice({ mac: "0004F2000123", brand: "polycom", model: "VVX450" });
    await page.getByRole("tab", { name: "Endpoint Manager" }).click();
    await page.waitForURL("**/endpoints");

    await page.getByRole("button", { name: "Add device" }).click();
    const dialog = page.getByRole("dialog", { name: "Add device" });
    await dialog.getByLabel("MAC address").fill("00:0B:82:00:01:23");
    await dialog.getByLabel("Brand", { exact: true }).click();
    await page.getByRole("option", { name: "Grandstream", exact: true }).click();
    await dialog.getByLabel("Model", { exact: true }).fill("GXP2170");
    await page.getByRole("option", { name: "GXP2170", exact: true }).click();
    await dialog.getByLabel("SIP username").fill("1201");
    await dialog.getByLabel("SIP password").fill("browser-secret-1201");
    await dialog.getByRole("button", { name: "Save device" }).click();
    await page.getByTestId("device-000B82000123").getByText("Grandstream GXP2170").waitFor();
    await page.getByTestId("device-000413000123").getByText("Snom D785").waitFor();
    await page.getByTestId("device-0004F2000123").getByText("Polycom VVX450").waitFor();

    // The phone's own file name is the vendor's.
    const fetched = await fetch(`${server.baseUrl}/provision/cfg000b82000123.xml`);
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toContain("<P34>browser-secret-1201</P34>");

    const shown = async () =>
      (
        await page
          .locator('[data-testid^="device-"]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-testid")))
      ).sort();
    for (const [label, mac] of [
      ["Grandstream", "000B82000123"],
      ["Snom", "000413000123"],
      ["Polycom", "0004F2000123"],
    ] as const) {
      await page.getByText(label, { exact: true }).click();
      await page.getByTestId(`device-${mac}`).waitFor();
      await page.waitForFunction(
        (id) =>
          [...document.querySelectorAll('[data-testid^="device-"]')].every((r) => r.getAttribute("data-testid") === id),
        `device-${mac}`,
      );
      expect(await shown()).toEqual([`device-${mac}`]);
    }
    await page.getByText("All brands").click();
    await page.getByTestId("device-000413000123").waitFor();
    expect(await shown()).toHaveLength(3);
  });
});
