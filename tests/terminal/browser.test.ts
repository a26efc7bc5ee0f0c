// End to end in a real browser (Debian's Chromium, headless): the /playground page gets a
// sandbox, its terminal takes keyboard input and shows the output, follows the window's size,
// comes back with its screen after a reload, types "run this" commands, resets, and says so
// when the sandbox dies.
// Screenshots go to test-results/ for a person to look at.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import type { Browser, Page } from 'playwright-core';
import { names } from '../../sandbox-server/labels.js';
import { launchBrowser, screenshot, screenText, waitForScreen } from '../support/browser.js';
import { stopAndClean, type TestServer } from '../support/server.js';
import { startTerminalServer } from './support/server.js';

describe('terminal in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    // Two sandboxes at most, so that a third learner meets a full server.
    server = await startTerminalServer({ SLIPWAY_MAX_SANDBOXES: '2' });
    browser = await launchBrowser(path.join('playground', 'index.html'));
    page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    page.on('pageerror', (err) => console.log(`  page error: ${err.message}`));
  });
  after(async () => {
    await browser?.close();
    if (server) await stopAndClean(server);
  });

  it('opens /playground, gets a sandbox and shows its prompt', async () => {
    await page.goto(`${server.url}/playground`);
    await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 60_000 });
    await waitForScreen(page, /workshop #/);
    assert.match(await page.locator('#sandbox-info').innerText(), /Sandbox sbx-/);
    assert.match(await page.locator('slipway-terminal .terminal-state-text').innerText(), /Connected/);
    const renderer = await page.waitForFunction(() => document.querySelector('slipway-terminal')?.getAttribute('data-renderer'));
    assert.ok(['webgl', 'dom'].includes(String(await renderer.jsonValue())));
  });

  it('takes keyboard input and shows the output', async () => {
    await page.locator('slipway-terminal .terminal-screen').click();
    await page.keyboard.type('echo typed-in-the-browser-$((6*7))');
    await page.keyboard.press('Enter');
    await waitForScreen(page, /typed-in-the-browser-42\n.*workshop #/);
    await screenshot(page, 'terminal-typed');
  });

  it('stops a running command with Ctrl+C', async () => {
    await page.keyboard.type('sleep 600');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    await page.keyboard.press('Control+c');
    await page.keyboard.type('echo interrupted-$((1+1))');
    await page.keyboard.press('Enter');
    await waitForScreen(page, /\^C[\s\S]*interrupted-2\n/);
  });

  it('follows the window size: tput cols changes when the page gets narrower', async () => {
    const cols = async () => {
      await page.keyboard.type('echo "cols=$(tput cols)"');
      await page.keyboard.press('Enter');
      const text = await waitForScreen(page, /\ncols=\d+\n[\s\S]*#\s*$/);
      return Number([...text.matchAll(/\ncols=(\d+)\n/g)].at(-1)![1]);
    };
    await page.keyboard.type('clear');
    await page.keyboard.press('Enter');
    const wide = await cols();
    await page.setViewportSize({ width: 700, height: 700 });
    await page.waitForTimeout(500);
    await page.keyboard.type('clear');
    await page.keyboard.press('Enter');
    const narrow = await cols();
    assert.ok(narrow < wide - 20, `tput cols went from ${wide} to ${narrow}`);
    await screenshot(page, 'terminal-narrow');
    await page.setViewportSize({ width: 1100, height: 700 });
  });

  it('pastes a large text completely (sent in small frames)', async () => {
    await page.keyboard.type('cat > /tmp/pasted.txt');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    // 2000 lines of 100 characters: 200 KB, what a big paste of a log or a file looks like.
    await page.locator('slipway-terminal textarea').evaluate((textarea) => {
      const line = 'x'.repeat(99) + '\n';
      const data = new DataTransfer();
      data.setData('text/plain', line.repeat(2000));
      textarea.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await page.waitForTimeout(500);
    await page.keyboard.press('Control+d');
    await waitForScreen(page, /x\n~\/workshop # $/);
    await page.keyboard.type('wc -c < /tmp/pasted.txt');
    await page.keyboard.press('Enter');
    await waitForScreen(page, /\n200000\n/, 60_000);
  });

  it('offers a screen-reader mode that exposes the output to assistive technology', async () => {
    await page.locator('slipway-terminal .terminal-screen-reader').check();
    await page.locator('slipway-terminal .terminal-screen').click();
    await page.keyboard.type('echo for-screen-readers');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /for-screen-readers/.test(document.querySelector('slipway-terminal .xterm-accessibility-tree')?.textContent ?? ''), null, { timeout: 10_000 });
    await page.locator('slipway-terminal .terminal-screen-reader').uncheck();
    await page.locator('slipway-terminal .terminal-screen').click();
  });

  it('types a "run this" command sent by the page', async () => {
    await page.evaluate(() => window.dispatchEvent(new CustomEvent('slipway:run', { detail: { command: 'echo ran-from-the-page-$((40+2))' } })));
    await waitForScreen(page, /ran-from-the-page-42\n/);
  });

  it('restores the earlier output after a reload, and the shell carries on', async () => {
    await page.keyboard.type('MARK=still-$((2*3)); echo before-reload-$((7*6))');
    await page.keyboard.press('Enter');
    await waitForScreen(page, /before-reload-42\n/);
    await page.reload();
    await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 60_000 });
    await waitForScreen(page, /before-reload-42\n/);
    await screenshot(page, 'terminal-after-reload');
    await page.locator('slipway-terminal .terminal-screen').click();
    await page.keyboard.type('echo "mark=$MARK"');
    await page.keyboard.press('Enter');
    await waitForScreen(page, /mark=still-6\n/);
  });

  it('shows the connection state, reconnects by itself and resumes where it was', async () => {
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenStates: string[] }).seenStates = seen;
      document.addEventListener('slipway:terminal-state', (event) => {
        const { state, resumed } = (event as CustomEvent<{ state: string; resumed?: boolean }>).detail;
        seen.push(state === 'connected' ? `connected:${resumed ? 'resumed' : 'replayed'}` : state);
      });
    });
    await page.keyboard.type('echo before-the-drop');
    await page.keyboard.press('Enter');
    await waitForScreen(page, /before-the-drop\n.*workshop #/);
    // Every terminal socket is closed, as when the network drops or the server restarts.
    server.terminals.gateway.disconnectAll();
    await page.waitForFunction(() => (window as unknown as { seenStates: string[] }).seenStates.includes('reconnecting'));
    await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 30_000 });
    // Same page, same screen: only what was missed is sent, no replay.
    assert.deepEqual(await page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates), ['reconnecting', 'connected:resumed']);
    const text = await screenText(page);
    assert.equal(text.match(/^before-the-drop$/gm)?.length, 1, `output was lost or repeated after the reconnect:\n${text}`);
    await page.keyboard.type('echo after-the-drop');
    await page.keyboard.press('Enter');
    await waitForScreen(page, /after-the-drop\n/);
  });

  it('shows a dark theme when the system prefers it', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.querySelector('slipway-terminal')?.getAttribute('data-resolved-theme') === 'dark');
    const background = await page.locator('slipway-terminal .terminal-screen').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(background, 'rgb(16, 23, 30)');
    await screenshot(page, 'terminal-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('falls back to the DOM renderer where WebGL is unavailable', async () => {
    const noGl = await browser.newPage({ viewport: { width: 900, height: 500 } });
    try {
      await noGl.addInitScript(() => {
        const getContext = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, kind: string, ...rest: unknown[]) {
          return kind === 'webgl2' || kind === 'webgl' ? null : (getContext as (...a: unknown[]) => unknown).call(this, kind, ...rest);
        } as typeof getContext;
      });
      await noGl.goto(`${server.url}/playground`);
      await noGl.waitForFunction(() => document.querySelector('slipway-terminal')?.getAttribute('data-renderer') === 'dom', null, { timeout: 60_000 });
      // A new browser context: a new learner, with a sandbox of their own, drawn as DOM rows.
      const rows = noGl.locator('slipway-terminal .xterm-rows');
      await rows.waitFor();
      const deadline = Date.now() + 30_000;
      while (!/workshop #/.test(await rows.innerText()) && Date.now() < deadline) await noGl.waitForTimeout(100);
      assert.match(await rows.innerText(), /workshop #/);
      await screenshot(noGl, 'terminal-dom-renderer');
    } finally {
      await noGl.close();
    }
  });

  it('tells the learner plainly when no sandbox is free', async () => {
    // Two learners hold the only two sandboxes; a third one arrives.
    const third = await browser.newPage({ viewport: { width: 900, height: 500 } });
    try {
      await third.goto(`${server.url}/playground`);
      const problem = third.locator('#problem');
      await problem.waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await problem.innerText(), /No sandbox is free right now\. All 2 sandboxes/);
      assert.match(await third.locator('#problem-action').innerText(), /Try again/);
      await screenshot(third, 'terminal-capacity');
    } finally {
      await third.close();
    }
  });

  it('resets the sandbox: a fresh shell, the old output gone', async () => {
    const before = await page.locator('#sandbox-info').innerText();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('#reset').click();
    await page.waitForFunction((old) => {
      const info = document.getElementById('sandbox-info')?.textContent ?? '';
      return /Sandbox sbx-/.test(info) && info !== old;
    }, before, { timeout: 120_000 });
    await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 60_000 });
    const text = await waitForScreen(page, /workshop #/);
    assert.doesNotMatch(text, /before-reload-42/);
    await screenshot(page, 'terminal-after-reset');
  });

  it('says so when the sandbox dies, and offers a fresh one in one click', async () => {
    const id = /Sandbox (sbx-[0-9a-f]+)/.exec(await page.locator('#sandbox-info').innerText())![1]!;
    await new Docker().getContainer(names.sandboxContainer(server.config.instance, id)).kill();
    const problem = page.locator('#problem');
    await problem.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await problem.innerText(), /Your sandbox has ended\. Your sandbox stopped unexpectedly \(it was killed\)\. Start a fresh one; your progress is kept\./);
    await screenshot(page, 'terminal-sandbox-ended');
    await page.locator('#problem-action').click();
    await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 120_000 });
    await waitForScreen(page, /workshop #/);
    assert.equal(await problem.isVisible(), false);
    assert.doesNotMatch(await page.locator('#sandbox-info').innerText(), new RegExp(id));
  });
});
