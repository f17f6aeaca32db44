import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startFileServers } from "../../server/src/file-servers.js";
import { hasChromium } from "./support/browser.js";
import { setUpConsole } from "./support/console.js";
import { ADMIN } from "./support/start-server.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "cisisk-e2e-files-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.skipIf(!hasChromium)("Files tab and the dashboard's file serving", () => {
  const ui = setUpConsole({
    logIn: ADMIN,
    server: {
      env: { CISISK_DATA_DIR: dataDir },
      toml: { server: { host: "127.0.0.1" }, provisioning: { store: "self" } },
    },
  });

  it("uploads, downloads and deletes a file, refuses a bad name, and the dashboard shows who fetched what", async () => {
    const { page } = ui;
    const deps = ui.server.testApp.deps;
    const servers = await startFileServers(deps, { tftp: 0, http: 0 });
    try {
      await page.getByRole("tab", { name: "Files", exact: true }).click();
      await page.waitForURL("**/files");
      await page.getByText("No files uploaded yet.").waitFor();
      await page.getByText(`TFTP on port ${servers.tftpPort}`).waitFor();

      const ring = randomBytes(4000);
      await page
        .locator('input[type="file"]')
        .setInputFiles({ name: "ring1.raw", mimeType: "audio/basic", buffer: ring });
      await page.getByRole("cell", { name: "ring1.raw", exact: true }).waitFor();
      expect((await deps.fileStore.list({ page: 1, pageSize: 50 })).data).toMatchObject([
        { name: "ring1.raw", size: 4000 },
      ]);

      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page
          .getByRole("row", { name: /ring1\.raw/ })
          .getByRole("button", { name: "Download" })
          .click(),
      ]);
      expect(download.suggestedFilename()).toBe("ring1.raw");
      expect(readFileSync((await download.path())!).equals(ring)).toBe(true);

      await page
        .locator('input[type="file"]')
        .setInputFiles({ name: "bad name.raw", mimeType: "audio/basic", buffer: ring });
      await page
        .getByRole("alert")
        .getByText(/bad name\.raw: /)
        .waitFor();
      expect((await deps.fileStore.list({ page: 1, pageSize: 50 })).total).toBe(1);

      // A phone fetches the file over HTTP (6970's listener): the dashboard lists the hit.
      expect((await fetch(`http://127.0.0.1:${servers.httpPort}/ring1.raw`)).status).toBe(200);
      await page.getByRole("tab", { name: "Dashboard" }).click();
      const section = page.getByRole("region", { name: "Phone file serving" });
      await section.getByText(`TFTP port ${servers.tftpPort}`).waitFor();
      await section.getByRole("table", { name: "Recent file hits" }).getByText("ring1.raw").waitFor();

      await page.getByRole("tab", { name: "Files", exact: true }).click();
      page.once("dialog", (d) => void d.accept());
      await page.getByRole("button", { name: "Delete ring1.raw" }).click();
      await page.getByText("No files uploaded yet.").waitFor();
      expect((await deps.fileStore.list({ page: 1, pageSize: 50 })).total).toBe(0);
    } finally {
      await servers.close();
    }
  });
});
