// Terminal tabs in a real browser on a real lesson page: a second terminal follows a
// container's logs while commands typed in the first turn a step green; a code block marked
// `term=2` runs in terminal 2; a reload brings back both tabs with their screens; an
// instructor's viewer token watches tab 2; closing a tab ends its shell; the protocol refuses
// a fifth tab. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { VIEWER_PATH } from '../../contract/terminal.js';
import { launchBrowser, screenshot, waitForScreen, waitForStepDone } from '../support/browser.js';
import { stopAndClean, type TestServer } from '../support/server.js';
import { TermClient } from './support/client.js';
import { startTerminalServer } from './support/server.js';

const LESSON = '/lessons/hello-containers/';
const TAB1 = '#terminal';
const TAB2 = '#terminal-2';

describe('terminal tabs', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const sandboxOfPage = async () => {
    const cookies = await page.context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const view = (await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { sandbox: { id: string } };
    return { cookie, sandboxId: view.sandbox.id };
  };
  const typeIn = async (selector: string, command: string) => {
    await page.locator(`${selector} .terminal-screen`).click();
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');
  };

  before(async () => {
    server = await startTerminalServer();
    browser = await launchBrowser(path.join('lessons', 'hello-containers', 'index.html'));
    page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
    page.on('pageerror', (err) => console.log(`  page error: ${err.message}`));
  });
  after(async () => {
    await browser?.close();
    if (server) await stopAndClean(server);
  });

  it("follows a container's logs in terminal 2 while terminal 1's commands turn a step green", async () => {
    await page.goto(`${server.url}${LESSON}`);
    await page.waitForSelector(`${TAB1}[data-state="connected"]`, { timeout: 90_000 });
    await waitForScreen(page, /workshop #/, 30_000, TAB1);
    await typeIn(TAB1, `docker run -d --name ticker busybox sh -c 'i=0; while true; do i=$((i+1)); echo tick-$i; sleep 1; done'`);
    await waitForScreen(page, /\n[0-9a-f]{12,}\n[\s\S]*#\s*$/, 60_000, TAB1);
    await page.getByRole('button', { name: '+ New terminal' }).click();
    await page.waitForSelector(`${TAB2}[data-state="connected"]`, { timeout: 30_000 });
    assert.equal(await page.locator(TAB1).isHidden(), true, 'terminal 1 is hidden while terminal 2 is shown');
    await waitForScreen(page, /workshop #/, 30_000, TAB2);
    await typeIn(TAB2, 'docker logs -f ticker');
    await waitForScreen(page, /tick-2\n/, 30_000, TAB2);
    await page.getByRole('tab', { name: 'Terminal 1' }).click();
    await typeIn(TAB1, 'docker run hello-world');
    await waitForStepDone(page, 'hello-world', 60_000);
    // Terminal 2 kept following all along.
    const before = await waitForScreen(page, /tick-\d+\n/, 10_000, TAB2);
    const last = Number([...before.matchAll(/tick-(\d+)/g)].at(-1)![1]);
    await waitForScreen(page, new RegExp(`tick-${last + 2}\\n`), 15_000, TAB2);
    await screenshot(page, 'terminal-tabs');
  });

  it('brings back both tabs with their screens after a reload', async () => {
    await page.reload();
    await page.waitForSelector(`${TAB1}[data-state="connected"]`, { timeout: 60_000 });
    // Restored in the background: terminal 1 stays in view.
    await page.waitForSelector(`${TAB2}[data-state="connected"]`, { state: 'attached', timeout: 30_000 });
    await waitForScreen(page, /hello-world|Hello from Docker/, 15_000, TAB1);
    await page.getByRole('tab', { name: 'Terminal 2' }).click();
    await waitForScreen(page, /tick-\d+\n/, 15_000, TAB2);
    await screenshot(page, 'terminal-tabs-restored');
  });

  it("lets an instructor's viewer token watch terminal 2", async () => {
    const { sandboxId } = await sandboxOfPage();
    const token = server.terminals.viewerTokens.issue(sandboxId, { mode: 'ro' });
    const viewer = await TermClient.connect(server.url, { path: `${VIEWER_PATH}?token=${encodeURIComponent(token)}&tab=2` });
    try {
      const hello = await viewer.waitControl((c) => c.type === 'hello', 'hello');
      assert.equal(hello.tab, 2);
      await viewer.waitFor(/tick-\d+/);
    } finally {
      await viewer.close();
    }
  });

  it('runs a code block marked term=2 in terminal 2', async () => {
    await page.getByRole('tab', { name: 'Terminal 2' }).click();
    await page.locator(`${TAB2} .terminal-screen`).click();
    await page.keyboard.press('Control+c');
    await page.getByRole('tab', { name: 'Terminal 1' }).click();
    await page.getByRole('button', { name: 'Run in terminal 2: docker logs -f clock' }).click();
    assert.equal(await page.locator(TAB2).isVisible(), true, 'the run showed terminal 2');
    await waitForScreen(page, /docker logs -f clock/, 15_000, TAB2);
  });

  it('closes a tab and ends its shell, and refuses a fifth terminal', async () => {
    const { cookie, sandboxId } = await sandboxOfPage();
    await page.getByRole('button', { name: 'Close terminal 2' }).click();
    await page.waitForSelector(TAB2, { state: 'detached' });
    const deadline = Date.now() + 10_000;
    while (server.terminals.hub.tabs(sandboxId).includes(2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(server.terminals.hub.tabs(sandboxId), [1]);
    const listed = (await (await fetch(`${server.url}/api/session/terminals`, { headers: { cookie } })).json()) as { tabs: number[] };
    assert.deepEqual(listed.tabs, [1]);
    const fifth = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.get(`${server.url}/api/session/terminal?tab=5`, { headers: { cookie, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', origin: server.url } });
      request.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      request.on('upgrade', () => reject(new Error('a fifth terminal was opened')));
      request.on('error', reject);
    });
    assert.equal(fifth.status, 400);
    assert.match(fifth.body, /tab: a terminal number from 1 to 4/);
  });
});
