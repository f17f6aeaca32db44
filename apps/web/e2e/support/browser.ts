import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium; Playwright's own browser downloads are not available here. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

export const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) {
  if (process.env.CI)
    throw new Error(`${CHROMIUM_PATH} not found: CI must run the browser tests (apt-get install -y chromium)`);
  console.warn(
    `\n  ${CHROMIUM_PATH} not found: skipping the browser tests (apt-get install -y chromium to run them)\n`,
  );
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // No network beyond the test server: without these Chromium keeps calling home from a closed network.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

export const VIEWPORT = { width: 1440, height: 900 };

/** Logs in through the login page and waits for the console to show. */
export async function logIn(page: Page, credentials: { username: string; password: string }): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Username").fill(credentials.username);
  await page.getByLabel("Password", { exact: true }).fill(credentials.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("button", { name: "Log out" }).waitFor();
}

/**
 * What the console keeps (src/lib/token-store.ts): the refresh token only as the httpOnly cookie, nothing
 * in localStorage. `localStorage` lists any token-like keys so a test can assert there are none.
 */
export async function readTokens(page: Page): Promise<{ refreshCookie: string | null; localStorage: string[] }> {
  const cookies = await page.context().cookies();
  const refresh = cookies.find((c) => c.name === "cisisk_refresh");
  return {
    refreshCookie: refresh?.value ?? null,
    localStorage: await page.evaluate(() => Object.keys(localStorage).filter((k) => /token/i.test(k))),
  };
}
