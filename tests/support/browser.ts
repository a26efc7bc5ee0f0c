// A real browser for end-to-end tests: Debian's Chromium, headless, driven by playwright-core.
// Fails loudly when Chromium or the built site is missing: a skip would hide a defect.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SITE_DIR } from '../../sandbox-server/http/app.js';

export const CHROMIUM = '/usr/bin/chromium';
export const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results');

/** Launches Chromium; `page` must exist in the built site (dist/). `args` go to Chromium too. */
export async function launchBrowser(requiredPage: string, args: string[] = []): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: this test needs Debian's chromium (apt-get install -y chromium).`);
  if (!fs.existsSync(path.join(SITE_DIR, requiredPage))) throw new Error(`The site is not built (no ${path.join(SITE_DIR, requiredPage)}): run npx astro build, or npm test, which builds it.`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args],
  });
}

/** The text on the terminal's screen (from xterm's buffer: the WebGL renderer has no DOM text). */
export const screenText = (page: Page, selector = 'slipway-terminal') =>
  page.locator(selector).first().evaluate((el) => (el as HTMLElement & { screenText(): string }).screenText());

export async function waitForScreen(page: Page, pattern: RegExp, timeoutMs = 30_000, selector?: string): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await screenText(page, selector).catch(() => '');
    if (pattern.test(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error(`the screen never showed ${pattern}; it shows:\n${text}`);
}

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  fs.mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS, `${name}.png`), ...options });
}
