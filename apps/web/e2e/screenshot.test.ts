import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { hasChromium, launchBrowser, logIn, VIEWPORT } from "./support/browser.js";
import { ADMIN, startServer, type RunningServer } from "./support/start-server.js";

const target = path.resolve(import.meta.dirname, "../../../docs/screenshot-users.png");

// Only on request (CISISK_SCREENSHOT=1), on a server of its own, so the picture shows exactly these users.
describe.skipIf(!hasChromium || process.env.CISISK_SCREENSHOT !== "1")("README screenshot", () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(`writes the Users tab to docs/screenshot-users.png at ${VIEWPORT.width}x${VIEWPORT.height}`, async () => {
    const people = [
      ["a.keller", "Anna Keller", "anna.keller@example.com", "+41 44 555 01 10", 0, true],
      ["reception", "Reception desk", "reception@example.com", "+41 44 555 01 00", 3, true],
      ["m.rossi", "Marco Rossi", "marco.rossi@example.com", "+41 44 555 01 21", 1, true],
      ["s.meier", "Sandra Meier", "sandra.meier@example.com", "+41 79 555 33 44", 2, true],
      ["warehouse", "Warehouse phone", null, "+41 44 555 01 90", 5, false],
      ["t.nguyen", "Thanh Nguyen", "thanh.nguyen@example.com", null, 1, true],
    ] as const;
    for (const [username, displayName, email, phone, level, activated] of people) {
      await server.createUser({
        username,
        displayName,
        email,
        phone,
        level,
        activated,
        password: "example-password-1",
      });
    }

    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: VIEWPORT });
    context.setDefaultTimeout(10_000);
    const page: Page = await context.newPage();
    await logIn(page, ADMIN);
    await page.getByRole("tab", { name: "Users" }).click();
    await page.getByRole("button", { name: "warehouse", exact: true }).waitFor();
    await page.locator(".mantine-datatable-loader-fetching").waitFor({ state: "detached" });
    await page.mouse.move(0, 0);
    await page.waitForTimeout(400); // let CSS transitions (loader fade-out) finish
    await page.screenshot({ path: target });
    await context.close();
  });
});
