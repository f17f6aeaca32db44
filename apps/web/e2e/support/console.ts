import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { launchBrowser, logIn, VIEWPORT } from "./browser.js";
import { startServer, type RunningServer } from "./start-server.js";

/** What a browser test works with; filled in by the hooks setUpConsole registers. */
export interface ConsoleUnderTest {
  /** One server (fresh database) for the whole file. */
  server: RunningServer;
  /** One browser for the whole file. */
  browser: Browser;
  /** A fresh page, in a fresh browser context (no tokens), for each test. */
  page: Page;
}

/**
 * Registers the usual hooks of a browser test file: the server and the browser start once, each test
 * gets a page of its own (logged in as `options.logIn` when given), and everything is closed afterwards.
 * Call it inside the `describe`.
 */
export function setUpConsole(
  options: { logIn?: { username: string; password: string }; server?: Parameters<typeof startServer>[0] } = {},
): ConsoleUnderTest {
  const ui = {} as ConsoleUnderTest;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    [ui.server, ui.browser] = await Promise.all([startServer(options.server), launchBrowser()]);
  });
  afterAll(async () => {
    await ui.browser?.close();
    await ui.server?.close();
  });
  beforeEach(async () => {
    context = await ui.browser.newContext({ baseURL: ui.server.baseUrl, viewport: VIEWPORT });
    // Well under the test timeout, so a missing element fails with its locator instead of a bare timeout.
    context.setDefaultTimeout(10_000);
    ui.page = await context.newPage();
    if (options.logIn) await logIn(ui.page, options.logIn);
  });
  afterEach(async () => context?.close());

  return ui;
}
