// A real browser for end-to-end tests: Debian's Chromium, headless, driven by playwright-core.
// Fails loudly when Chromium or the built site is missing: a skip would hide a defect.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SITE_DIR } from '../../sandbox-server/http/app.js';

export const CHROMIUM = '/usr/bin/chromium';
export const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results');

const IPV6_DEFAULT = '/proc/sys/net/ipv6/conf/default/disable_ipv6';
let warned = false;

/**
 * Says once when new interfaces get IPv6 addresses: each sandbox's veth then makes Chromium drop
 * the requests it has in flight (net::ERR_NETWORK_CHANGED), and a page may never run its scripts.
 */
function warnOfNetworkChanges(): void {
  if (warned) return;
  warned = true;
  const value = fs.existsSync(IPV6_DEFAULT) ? fs.readFileSync(IPV6_DEFAULT, 'utf8').trim() : '1';
  if (value === '0') console.log(`  (new network interfaces get IPv6 addresses: Chromium may drop page loads with ERR_NETWORK_CHANGED while sandboxes start; as root: sysctl -w net.ipv6.conf.default.disable_ipv6=1)`);
}

/** Launches Chromium; `page` must exist in the built site (dist/). `args` go to Chromium too. */
export async function launchBrowser(requiredPage: string, args: string[] = []): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: this test needs Debian's chromium (apt-get install -y chromium).`);
  if (!fs.existsSync(path.join(SITE_DIR, requiredPage))) throw new Error(`The site is not built (no ${path.join(SITE_DIR, requiredPage)}): run npx astro build, or npm test, which builds it.`);
  warnOfNetworkChanges();
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

/**
 * Waits until the lesson page shows `step` done. When it does not, the error says what the page
 * showed instead: the step's status and message, the terminal's state and the last lines on its
 * screen (a command still waiting, an error the learner would have read), and what `explain`
 * says of the server's side.
 */
export async function waitForStepDone(page: Page, step: string, timeoutMs = 30_000, explain?: () => unknown): Promise<void> {
  try {
    await page.waitForSelector(`li.step[data-step="${step}"][data-status="done"]`, { timeout: timeoutMs });
  } catch (err) {
    const shown = await page
      .evaluate((id) => {
        const item = document.querySelector<HTMLElement>(`li.step[data-step="${id}"]`);
        return { status: item?.dataset.status, text: item?.textContent?.replace(/\s+/g, ' ').trim().slice(0, 400), terminal: document.querySelector<HTMLElement>('slipway-terminal')?.dataset.state };
      }, step)
      .catch((e: Error) => ({ error: e.message }));
    const screen = await screenText(page).catch(() => '');
    const lastLines = screen.trimEnd().split('\n').slice(-8).join('\n');
    const server = explain ? `; the server: ${JSON.stringify(await (async () => explain())().catch((e: Error) => e.message))}` : '';
    throw new Error(`step ${step} was not done within ${timeoutMs} ms: ${JSON.stringify(shown)}${server}; the terminal's last lines:\n${lastLines}\n${(err as Error).message.split('\n')[0]}`);
  }
}
