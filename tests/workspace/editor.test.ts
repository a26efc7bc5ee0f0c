// The editor in a real browser on lesson 3: the learner makes the greeter's Dockerfile in the
// editor, types it with the keyboard, saves with Ctrl+S, builds it in the terminal, and the step
// turns green by itself; a file made in the terminal shows in the tree; a save over a file
// changed in the terminal asks (reload or overwrite); a sandbox that ended keeps the text.
// Screenshots (desktop light and dark, narrow) go to test-results/.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, waitForScreen } from '../support/browser.js';
import { sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

const LESSON = '/lessons/first-dockerfile/';
const TERMINAL = 'slipway-terminal';
const DOCKERFILE = ['FROM debian:trixie-slim', 'WORKDIR /greeter', 'COPY greet.sh .', 'RUN chmod +x greet.sh', 'ENV GREETING=Hello', 'VOLUME /data', 'CMD ["./greet.sh"]'];

describe('workspace editor', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const sandboxOfPage = async () => {
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const view = (await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { sandbox: { id: string } };
    return view.sandbox.id;
  };
  const typeInTerminal = async (command: string) => {
    await page.locator(`${TERMINAL} .terminal-screen`).first().click();
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');
  };
  const treeItem = (file: string) => page.locator(`[data-editor-tree] [data-path="${file}"]`);
  const status = () => page.locator('[data-editor-status]').innerText();

  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser(path.join('lessons', 'first-dockerfile', 'index.html'));
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (err) => console.log(`  page error: ${err.message}`));
  });
  after(async () => {
    await browser?.close();
    if (server) await stopAndClean(server);
  });

  it('a Dockerfile typed in the editor and saved, then built in the terminal, turns the step green by itself', async () => {
    await page.goto(`${server.url}${LESSON}`);
    await page.waitForSelector(`${TERMINAL}[data-state="connected"]`, { timeout: 90_000 });
    await waitForScreen(page, /greeter|workshop/, 30_000);
    assert.equal(await page.locator('[data-editor-panel]').isHidden(), true, 'the editor waits to be opened');
    assert.equal(await page.evaluate(() => [...document.scripts].some((s) => s.src.includes('workspace-editor'))), false);
    await page.getByRole('button', { name: 'Editor', exact: true }).click();
    await treeItem('first-dockerfile/greeter/greet.sh').waitFor({ timeout: 15_000 });
    // Keyboard only from here: the folder in the tree, New file, its name, the text, Ctrl+S.
    await treeItem('first-dockerfile').focus();
    for (let i = 0; i < 20 && (await page.evaluate(() => (document.activeElement as HTMLElement).dataset.path)) !== 'first-dockerfile/greeter'; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.path), 'first-dockerfile/greeter');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter'); // folded then unfolded: the folder new files go to is greeter
    await page.getByRole('button', { name: 'New file' }).focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('[data-editor-new] input').inputValue(), 'first-dockerfile/greeter/');
    await page.keyboard.type('Dockerfile');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-editor-title]')?.textContent === 'first-dockerfile/greeter/Dockerfile');
    await page.waitForFunction(() => document.activeElement?.classList.contains('cm-content'));
    for (const line of DOCKERFILE) {
      await page.keyboard.type(line);
      await page.keyboard.press('Enter');
    }
    assert.match(await status(), /Modified/);
    await page.keyboard.press('Control+s');
    await page.waitForFunction(() => /^Saved/.test(document.querySelector('[data-editor-status]')?.textContent ?? ''));
    const sandbox = await sandboxOfPage();
    assert.equal(await sh(server, sandbox, 'cat /root/workshop/first-dockerfile/greeter/Dockerfile'), `${DOCKERFILE.join('\n')}\n`);
    await screenshot(page, 'editor-desktop-light');

    await typeInTerminal('cd ~/workshop/first-dockerfile/greeter && docker build -q -t greeter:1.0 .');
    await waitForScreen(page, /\nsha256:[0-9a-f]{64}\r?\n/, 180_000);
    await page.waitForSelector('li.step[data-step="build-greeter"][data-status="done"]', { timeout: 180_000 });
  });

  it('shows a file made in the terminal in the tree', async () => {
    await typeInTerminal('touch x');
    await treeItem('first-dockerfile/greeter/x').waitFor({ timeout: 5000 });
    await typeInTerminal('rm x');
    await treeItem('first-dockerfile/greeter/x').waitFor({ state: 'detached', timeout: 5000 });
  });

  it('shows a change made in the terminal to the open file without taking the focus from the terminal', async () => {
    const editorText = () => page.locator('.cm-content').innerText();
    const focusInTerminal = () => page.evaluate((tag) => !!document.activeElement?.closest(tag), TERMINAL);
    await typeInTerminal("echo '# appended in the terminal' >> Dockerfile");
    await page.waitForFunction(() => document.querySelector('.cm-content')?.textContent?.includes('# appended in the terminal'), undefined, { timeout: 10_000 });
    assert.equal(await focusInTerminal(), true, 'the reload took the focus from the terminal');
    await typeInTerminal("sed -i '$d' Dockerfile && echo restored-$((6*7))");
    await waitForScreen(page, /restored-42/, 15_000);
    await page.waitForFunction(() => !document.querySelector('.cm-content')?.textContent?.includes('# appended'), undefined, { timeout: 10_000 });
    assert.equal(await focusInTerminal(), true, 'the reload took the focus from the terminal');
    assert.equal((await editorText()).trim(), DOCKERFILE.join('\n'));
  });

  it('asks before a save overwrites a file changed in the terminal, and overwrites when told to', async () => {
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# from the editor');
    await typeInTerminal("echo '# from the terminal' >> Dockerfile");
    await waitForScreen(page, /from the terminal' >> Dockerfile\r?\n[\s\S]*#\s*$/, 15_000);
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+s');
    const conflict = page.locator('[data-editor-conflict]');
    await conflict.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await conflict.innerText(), /"first-dockerfile\/greeter\/Dockerfile" changed since you opened it/);
    const sandbox = await sandboxOfPage();
    assert.match(await sh(server, sandbox, 'cat /root/workshop/first-dockerfile/greeter/Dockerfile'), /# from the terminal\n$/, 'nothing was overwritten before the learner chose');
    await screenshot(page, 'editor-conflict');
    await page.getByRole('button', { name: 'Overwrite with my text' }).click();
    await conflict.waitFor({ state: 'hidden', timeout: 10_000 });
    assert.equal(await sh(server, sandbox, 'cat /root/workshop/first-dockerfile/greeter/Dockerfile'), `${DOCKERFILE.join('\n')}\n# from the editor`);
  });

  it('looks right in the dark theme and on a narrow screen (terminal first, the editor as a tab)', async () => {
    await page.evaluate(() => {
      document.documentElement.dataset.theme = 'dark';
    });
    await screenshot(page, 'editor-desktop-dark');
    await page.setViewportSize({ width: 420, height: 900 });
    await page.reload();
    await page.waitForSelector(`${TERMINAL}[data-state="connected"]`, { state: 'attached', timeout: 60_000 });
    // The editor was open before the reload, so it comes back open: in place of the terminal.
    await page.locator('[data-editor-panel]').waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Terminal', exact: true }).click();
    assert.equal(await page.locator('[data-editor-panel]').isHidden(), true);
    assert.equal(await page.locator(TERMINAL).first().isVisible(), true);
    await screenshot(page, 'editor-narrow-terminal');
    await page.getByRole('button', { name: 'Editor', exact: true }).click();
    await page.locator('[data-editor-panel]').waitFor({ state: 'visible' });
    assert.equal(await page.locator(TERMINAL).first().isVisible(), false, 'on a narrow screen the editor takes the terminal\'s place');
    await treeItem('first-dockerfile/greeter/Dockerfile').click();
    await page.waitForFunction(() => document.querySelector('[data-editor-title]')?.textContent === 'first-dockerfile/greeter/Dockerfile');
    await screenshot(page, 'editor-narrow-editor');
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it('keeps unsaved text in the page when the sandbox has ended', async () => {
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n# not saved yet');
    await server.driver.destroy(await sandboxOfPage());
    await page.keyboard.press('Control+s');
    await page.locator('[data-editor-ended]').waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await page.locator('.cm-content').innerText(), /# not saved yet/);
    assert.equal(await page.getByRole('button', { name: 'Copy the text' }).isVisible(), true);
    await screenshot(page, 'editor-sandbox-ended');
  });
});
