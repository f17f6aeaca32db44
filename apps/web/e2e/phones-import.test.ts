import { describe, expect, it } from "vitest";
import { hasChromium } from "./support/browser.js";
import { setUpConsole } from "./support/console.js";
import { ADMIN } from "./support/start-server.js";

describe.skipIf(!hasChromium)("Phones tab: CSV import", () => {
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
});
