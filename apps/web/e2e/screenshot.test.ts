import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { hasChromium, launchBrowser, logIn, VIEWPORT } from "./support/browser.js";
import { ADMIN, startServer, type RunningServer } from "./support/start-server.js";

const docs = path.resolve(import.meta.dirname, "../../../docs");
const target = path.join(docs, "screenshot-users.png");

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

  it("writes the Phones tab, with extensions, KEMs and profiles, to docs/screenshot-phones.png", async () => {
    const t = server.testApp;
    const api = async <T>(method: "POST" | "PUT", url: string, payload: object): Promise<T> => {
      const res = await t.app.inject({ method, url, headers: await t.adminHeaders(), payload });
      if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res.json<T>();
    };
    const owner = await server.createUser({
      username: "l.weber",
      displayName: "Lena Weber",
      password: "example-password-1",
    });
    await api("POST", "/api/v1/extensions", {
      technology: "PJSIP",
      number: "2101",
      displayName: "Lena Weber",
      userId: owner.id,
    });
    const sip = await api<{ id: string }>("POST", "/api/v1/profiles", {
      name: "Sales 88xx",
      softwareType: "SIPE",
      userId: owner.id,
    });
    const sccp = await api<{ id: string }>("POST", "/api/v1/profiles", { name: "Lobby 79xx", softwareType: "SCCP" });
    const phones: Array<[string, string, string, string, string, string[], string | null]> = [
      ["0C1167884501", "8845", "SIPE", "10.20.1.21", "Lena Weber", [], sip.id],
      ["0C1167885102", "8851", "SIPE", "10.20.1.22", "Sales desk", ["KEM-80", "KEM-80"], sip.id],
      ["0C1167886103", "8861", "SIPE", "10.20.1.23", "Operator", ["KEM-80", "KEM-80", "KEM-80"], null],
      ["001E4A796504", "7965", "SCCP", "10.20.2.31", "Lobby", ["KEM-30"], sccp.id],
      ["001E4A794205", "7942", "SCCP", "10.20.2.32", "Warehouse", [], null],
      ["00562BE18106", "7841", "SIP", "10.20.3.11", "Meeting room 2", [], null],
    ];
    for (const [mac, model, softwareType, ip, label, kems, profileId] of phones) {
      const phone = await api<{ id: string }>("POST", "/api/v1/phones", { mac, model, softwareType, ip, label });
      if (kems.length > 0)
        await api("PUT", `/api/v1/phones/${phone.id}/kems`, { kems: kems.map((model) => ({ model })) });
      // What a successful deploy records (the deploy itself is under test in deploy.test.ts).
      if (profileId) await t.deps.phones.setCurrentProfile(phone.id, profileId);
    }

    // One inventory: phones of other brands, provisioned zero-touch, sit beside the Cisco ones.
    for (const [mac, brand, model, label] of [
      ["805EC0A1B2C3", "yealink", "T46S", "Reception"],
      ["000413A4B5C6", "snom", "D785", "Helpdesk"],
    ])
      await api("POST", "/api/v1/phones", { mac, brand, model, softwareType: null, label });

    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: VIEWPORT });
    context.setDefaultTimeout(10_000);
    const page: Page = await context.newPage();
    await logIn(page, ADMIN);
    await page.getByRole("tab", { name: "Phones" }).click();
    await page.getByRole("row").filter({ hasText: "00562BE18106" }).waitFor();
    await page.locator(".mantine-datatable-loader-fetching").waitFor({ state: "detached" });
    await page.mouse.move(0, 0);
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(docs, "screenshot-phones.png") });
    await context.close();
  });
});
