import { describe, expect, it } from "vitest";
import { hasChromium } from "./support/browser.js";
import { setUpConsole } from "./support/console.js";
import { ADMIN } from "./support/start-server.js";

describe.skipIf(!hasChromium)("Phones tab", () => {
  const ui = setUpConsole({ logIn: ADMIN });

  it("checks the file (per-row problems, then a preview), imports nothing until asked, then imports", async () => {
    await ui.server.createUser({ username: "desk-owner", displayName: "Desk Owner" });
    await ui.page.getByRole("tab", { name: "Phones" }).click();
    await ui.page.waitForURL("**/phones");
    await ui.page.getByRole("button", { name: "Import CSV" }).click();
    const dialog = ui.page.getByRole("dialog", { name: "Import phones from CSV" });
    const paste = dialog.getByLabel("Or paste the CSV");

    // Bad rows: each reported with its row and field; nothing can be imported.
    await paste.fill(
      "mac,model,username,kems\n80:5e:c0:00:00:01,8845,desk-owner,\nnot-a-mac,8845,,\n805ec0000003,7965,nobody,\n",
    );
    await dialog.getByRole("button", { name: "Check" }).click();
    const errors = dialog.getByRole("table", { name: "Import errors" });
    await errors.waitFor();
    const errorText = (await errors.textContent()) ?? "";
    expect(errorText).toContain("no user named");
    expect(await errors.getByRole("row").count()).toBe(3); // header + 2 problems
    expect(await dialog.getByRole("button", { name: "Import", exact: true }).isDisabled()).toBe(true);

    // A good file: the dry run previews what will be created, and nothing is written yet.
    await paste.fill(
      "mac,brand,model,softwareType,label,username,kems\n80-5E-C0-00-00-01,,Cisco 8845,SIP,Reception,desk-owner,\n805e.c000.0002,cisco,CP-7965G,SCCP,Desk 2,,7915;7915\n000413000003,snom,snomD785,,Snom desk,,\n",
    );
    await dialog.getByRole("button", { name: "Check" }).click();
    const preview = dialog.getByRole("table", { name: "Phones to import" });
    await preview.waitFor();
    const previewText = (await preview.textContent()) ?? "";
    expect(previewText).toContain("805EC0000001");
    expect(previewText).toContain("desk-owner");
    expect(previewText).toContain("7915, 7915");
    expect(previewText).toContain("SnomD785");
    expect((await ui.server.testApp.deps.phones.list({ page: 1, pageSize: 10 })).total).toBe(0);

    await dialog.getByRole("button", { name: "Import 3 phones" }).click();
    await ui.page.getByText("3 phones were created.").waitFor();
    await dialog.waitFor({ state: "hidden" });
    await ui.page.getByText("805EC0000002").waitFor();
    const phones = await ui.server.testApp.deps.phones.list({ page: 1, pageSize: 10, sort: "mac" });
    expect(phones.data.map((p) => [p.mac, p.brand, p.model, p.kems.length])).toEqual([
      ["000413000003", "snom", "D785", 0],
      ["805EC0000001", "cisco", "8845", 0],
      ["805EC0000002", "cisco", "7965", 2],
    ]);

    // The Phones tab shows each phone's brand.
    const headers = await ui.page.locator("thead th").allTextContents();
    expect(headers.slice(0, 3)).toEqual(["MAC", "Brand", "Model"]);
    const cellsOf = (mac: string) => ui.page.getByRole("row").filter({ hasText: mac }).locator("td").allTextContents();
    expect((await cellsOf("000413000003")).slice(0, 3)).toEqual(["000413000003", "Snom", "D785"]);
    expect((await cellsOf("805EC0000001")).slice(0, 3)).toEqual(["805EC0000001", "Cisco", "8845"]);
  });

  it("adds phones of every kind through its dialog: brand first, then that brand's models and fields", async () => {
    const { page } = ui;
    await page.getByRole("tab", { name: "Phones" }).click();
    await page.waitForURL("**/phones");
    const dialog = page.getByRole("dialog", { name: "New phone" });
    const choose = async (label: string, option: string | RegExp) => {
      await dialog.getByLabel(label).click();
      await page.getByRole("option", { name: option }).click();
    };
    const cellsOf = (mac: string) => page.getByRole("row").filter({ hasText: mac }).locator("td").allTextContents();
    const provision = (file: string) => fetch(`${ui.server.baseUrl}/provision/${file}`);

    // A Yealink T46S with its account 1: the model list is Yealink's, with each model's accounts.
    await page.getByRole("button", { name: "New phone" }).click();
    await choose("Brand", "Yealink");
    await dialog.getByLabel("Model").click();
    expect(await page.getByRole("option", { name: /8845/ }).count()).toBe(0);
    await page.getByRole("option", { name: "T46S (16 accounts)" }).click();
    await dialog.getByText("Holds 16 SIP accounts").waitFor();
    expect(await dialog.getByLabel("Software").count()).toBe(0);
    await dialog.getByLabel("MAC address").fill("80:5e:c0:aa:00:01");
    await dialog.getByLabel("Label").fill("Front desk");
    await dialog.getByLabel("SIP username").fill("2001");
    await dialog.getByLabel("SIP password").fill("front-desk-secret");
    await dialog.getByLabel("SIP server").fill("pbx.example.com:5070");
    await dialog.getByRole("button", { name: "Add phone" }).click();
    await page.getByText("Yealink T46S 805EC0AA0001 was added.").waitFor();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("row").filter({ hasText: "805EC0AA0001" }).waitFor();
    expect((await cellsOf("805EC0AA0001")).slice(0, 3)).toEqual(["805EC0AA0001", "Yealink", "T46S"]);
    let file = await provision("805ec0aa0001.cfg");
    expect(file.status).toBe(200);
    let body = await file.text();
    expect(body).toContain("## Cisisk: Yealink T46S 805ec0aa0001");
    expect(body).toContain("account.1.user_name = 2001\n");
    expect(body).toContain("account.1.password = front-desk-secret\n");
    expect(body).toContain("account.1.sip_server.1.address = pbx.example.com\n");

    // Editing keeps the brand's fields, and an empty password keeps the stored one.
    await page.getByRole("button", { name: "Edit phone 805EC0AA0001" }).click();
    const edit = page.getByRole("dialog", { name: "Edit phone 805EC0AA0001" });
    expect(await edit.getByLabel("Brand").inputValue()).toBe("Yealink");
    expect(await edit.getByLabel("Model").inputValue()).toBe("T46S (16 accounts)");
    await edit.getByLabel("Label").fill("Front desk left");
    await edit.getByRole("button", { name: "Save phone" }).click();
    await page.getByText("Yealink T46S 805EC0AA0001 was updated.").waitFor();
    body = await (await provision("805ec0aa0001.cfg")).text();
    expect(body).toContain("account.1.password = front-desk-secret\n");
    expect(body).toContain("Front desk left");

    // A Snom without an explicit account: its file is served all the same.
    await page.getByRole("button", { name: "New phone" }).click();
    await choose("Brand", "Snom");
    await choose("Model", "D785 (12 accounts)");
    await dialog.getByLabel("MAC address").fill("000413aa0002");
    await dialog.getByRole("button", { name: "Add phone" }).click();
    await page.getByText("Snom D785 000413AA0002 was added.").waitFor();
    await page.getByRole("row").filter({ hasText: "000413AA0002" }).waitFor();
    expect((await cellsOf("000413AA0002")).slice(0, 3)).toEqual(["000413AA0002", "Snom", "D785"]);
    file = await provision("000413aa0002.xml");
    expect(file.status).toBe(200);
    expect(await file.text()).toContain("<!-- Cisisk: Snom D785 000413aa0002 -->");

    // A Cisco 8851 with two modules, in the same dialog; the firmware choice is the model's.
    await page.getByRole("button", { name: "New phone" }).click();
    expect(await dialog.getByLabel("Brand").inputValue()).toBe("Cisco");
    await choose("Model", /^8851 /);
    await dialog.getByLabel("Software").click();
    expect(await page.getByRole("option").allTextContents()).toEqual(["SIP", "SIPE"]);
    await page.getByRole("option", { name: "SIPE" }).click();
    await choose("Key expansion modules", "2 × CP-8800-Audio (56 keys)");
    await dialog.getByLabel("MAC address").fill("0c1167aa0003");
    await dialog.getByRole("button", { name: "Add phone" }).click();
    await page.getByText("Cisco 8851 0C1167AA0003 was added.").waitFor();
    await page.getByRole("row").filter({ hasText: "0C1167AA0003" }).waitFor();
    const cisco = await cellsOf("0C1167AA0003");
    expect(cisco.slice(0, 4)).toEqual(["0C1167AA0003", "Cisco", "8851", "SIPE"]);
    expect(cisco).toContain("2 × CP-8800-Audio");

    const stored = await ui.server.testApp.deps.phones.list({ page: 1, pageSize: 50, sort: "mac" });
    const added = stored.data.filter((p) => p.mac.includes("AA000"));
    expect(added.map((p) => [p.mac, p.brand, p.model, p.softwareType, p.kems.map((k) => k.model)])).toEqual([
      ["000413AA0002", "snom", "D785", null, []],
      ["0C1167AA0003", "cisco", "8851", "SIPE", ["CP-8800-Audio", "CP-8800-Audio"]],
      ["805EC0AA0001", "yealink", "T46S", null, []],
    ]);
  });
});
