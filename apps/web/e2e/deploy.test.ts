import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventory } from "../../server/src/test/inventory-fixtures.js";
import {
  startFtpServer,
  startSipPhone,
  type TestFtpServer,
  type TestSipPhone,
} from "../../server/src/test/phone-peers.js";
import { hasChromium, launchBrowser, logIn, VIEWPORT } from "./support/browser.js";
import { ADMIN, startServer, type RunningServer } from "./support/start-server.js";

describe.skipIf(!hasChromium)("Profiles tab: deploy", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let ftp: TestFtpServer;
  let sip: TestSipPhone;

  beforeAll(async () => {
    [ftp, sip, browser] = await Promise.all([startFtpServer(), startSipPhone(), launchBrowser()]);
    mkdirSync(path.join(ftp.root, "tftp"));
    server = await startServer({
      toml: {
        ftp: {
          host: "127.0.0.1",
          port: ftp.port,
          username: ftp.credentials.username,
          password: ftp.credentials.password,
          directory: "/tftp",
          backup_directory: "/backups",
        },
        restart: { sip_port: sip.port, timeout_ms: 2000 },
      },
    });
    const inv = inventory(server.testApp);
    const owner = await inv.user("carol");
    await inv.extension(owner, "4001", "Carol", "carol-secret");
    await inv.phone({ mac: "0C1167884599", model: "8845", softwareType: "SIPE", ip: "127.0.0.1", label: "Carol desk" });
    await inv.phone({ mac: "001E4A796598", model: "7965", softwareType: "SCCP", ip: "127.0.0.1" });
    await inv.profile({ name: "Carol 8845", softwareType: "SIPE", userId: owner, compatibleModels: ["8845"] });
    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: VIEWPORT });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    await logIn(page, ADMIN);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all([ftp?.close(), sip?.close()]);
  });

  it("deploys a profile from the Deploy dialog and the phone's Current Profile changes", async () => {
    await page.getByRole("tab", { name: "Phones" }).click();
    const row = page.getByRole("row").filter({ hasText: "0C1167884599" });
    await row.waitFor();
    expect(await row.textContent()).toContain("None");

    await page.getByRole("tab", { name: "Profiles" }).click();
    await page.getByRole("button", { name: "Deploy profile Carol 8845" }).click();
    const dialog = page.getByRole("dialog", { name: "Deploy Carol 8845" });
    // Only compatible phones are offered: the SCCP 7965 is not.
    await dialog.getByLabel(/0C1167884599/).check();
    expect(await dialog.getByText(/001E4A796598/).count()).toBe(0);
    await dialog.getByRole("button", { name: "Deploy to 1 phone" }).click();
    const result = dialog.getByLabel("Deploy result");
    await result.getByText("succeeded").first().waitFor();
    for (const step of ["backup", "upload", "restart", "clear_session"])
      await result.getByRole("cell", { name: step, exact: true }).waitFor();
    await page.keyboard.press("Escape");

    expect(readFileSync(path.join(ftp.root, "tftp", "SEP0C1167884599.cnf.xml"), "utf8")).toContain("<name>4001</name>");
    expect(sip.received).toHaveLength(1);

    await page.getByRole("tab", { name: "Phones" }).click();
    await page.getByRole("row").filter({ hasText: "0C1167884599" }).filter({ hasText: "Carol 8845" }).waitFor();
  });

  it("bulk-deploys to several phones with a live progress bar and per-phone results", async () => {
    const inv = inventory(server.testApp);
    for (const mac of ["0C1167884501", "0C1167884502"])
      await inv.phone({ mac, model: "8845", softwareType: "SIPE", ip: "127.0.0.1" });
    await page.getByRole("tab", { name: "Profiles" }).click();
    await page.getByRole("button", { name: "Deploy profile Carol 8845" }).click();
    const dialog = page.getByRole("dialog", { name: "Deploy Carol 8845" });
    await dialog.getByLabel(/0C1167884502/).waitFor();
    await dialog.getByRole("button", { name: "Select all" }).click();
    await dialog.getByRole("button", { name: "Deploy to 3 phones" }).click();
    await dialog.getByLabel("Deploy progress").waitFor();
    await dialog.getByText("3 of 3 done · 3 succeeded · 0 failed").waitFor();
    for (const mac of ["0C1167884501", "0C1167884502", "0C1167884599"])
      await dialog.getByRole("row").filter({ hasText: mac }).filter({ hasText: "succeeded" }).waitFor();
    await page.keyboard.press("Escape");
  });

  it("creates a profile from the built-in template, shows a save-time error with its line, previews with masked passwords", async () => {
    await page.getByRole("tab", { name: "Profiles" }).click();
    await page.getByRole("button", { name: "New profile" }).click();
    let dialog = page.getByRole("dialog", { name: "New profile" });
    await dialog.getByLabel("Name").fill("Lobby");
    await dialog.getByLabel("Software type").click();
    await page.getByRole("option", { name: "SIPE" }).click();
    await dialog.getByLabel("Owner").click();
    await page.getByRole("option", { name: /carol/ }).click();
    await dialog.getByRole("button", { name: "Create profile" }).click();
    await dialog.waitFor({ state: "hidden" });

    await page.getByRole("button", { name: "Edit profile Lobby" }).click();
    dialog = page.getByRole("dialog", { name: "Edit profile Lobby" });
    await dialog.getByText("<deviceProtocol>SIP</deviceProtocol>").waitFor();
    // The SCCP template on a SIPE profile is refused at save time, with the template line.
    await dialog.getByLabel("Start from a built-in template").click();
    await page.getByRole("option", { name: "SCCP (79xx, 894x)" }).click();
    await dialog.getByRole("button", { name: "Save profile" }).click();
    await dialog.getByText(/line 4: <deviceProtocol> is SCCP but the profile is for SIP firmware/i).waitFor();

    await dialog.getByLabel("Preview for phone").click();
    await page.getByRole("option", { name: /0C1167884599/ }).click();
    await dialog.getByRole("button", { name: "Preview saved profile" }).click();
    const preview = dialog.getByTestId("profile-preview");
    await preview.getByText("<deviceProtocol>SIP</deviceProtocol>").waitFor();
    const masked = preview.getByText("<authPassword>********</authPassword>");
    await masked.waitFor();
    expect(await preview.textContent()).not.toContain("carol-secret");
    await page.keyboard.press("Escape");
  });

  it("adds a phone through the dialog, attaches two KEM-80 modules and shows they map to CP-8800-Audio", async () => {
    await page.getByRole("tab", { name: "Phones" }).click();
    await page.getByRole("button", { name: "New phone" }).click();
    const dialog = page.getByRole("dialog", { name: "New phone" });
    await dialog.getByLabel("MAC address").fill("0c:11:67:88:51:77");
    await dialog.getByLabel("Model").fill("8851");
    await page.getByRole("option", { name: "8851 (SIP/SIPE)" }).click();
    await dialog.getByLabel("Software").click();
    await page.getByRole("option", { name: "SIPE" }).click();
    await dialog.getByLabel("IP address").fill("192.0.2.77");
    await dialog.getByRole("button", { name: "Add phone" }).click();
    await dialog.waitFor({ state: "hidden" });
    const row = page.getByRole("row").filter({ hasText: "0C1167885177" });
    await row.waitFor();

    await row.getByRole("button", { name: "Edit KEMs of 0C1167885177" }).click();
    const kems = page.getByRole("dialog", { name: "Key expansion modules of 0C1167885177" });
    await kems.getByRole("button", { name: "Add module" }).click();
    await kems.getByRole("button", { name: "Add module" }).click();
    expect(await kems.getByRole("button", { name: "Add module" }).isDisabled()).toBe(true);
    await kems.getByRole("button", { name: "Save modules" }).click();
    await kems.waitFor({ state: "hidden" });
    const phone = (
      await server.testApp.app.inject({
        method: "GET",
        url: "/api/v1/phones?q=0C1167885177",
        headers: await server.testApp.adminHeaders(),
      })
    ).json().data[0];
    expect(phone.kems.map((k: { model: string }) => k.model)).toEqual(["CP-8800-Audio", "CP-8800-Audio"]);
    await row.getByRole("cell", { name: "2 × CP-8800-Audio", exact: true }).waitFor();

    await row.getByRole("button", { name: "View config of 0C1167885177" }).click();
    await page.getByText("No config deployed on the phones' file server.").waitFor();
  });
});
