// A learner's lesson page in headless Chromium follows what the instructor does, over its event
// stream and without a click or a reload: a reset says who did it and reconnects the terminal
// to the fresh sandbox (typed into with the keyboard), the sandbox panel forgetting the old
// containers; more time moves the workshop bar and the "until" line; removal takes every button
// the server would refuse away and stops the terminal taking input, with the words why (a
// reload too); re-admission brings the terminal back; the end leaves nothing to click.
// Screenshots go to test-results/.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { LearnerState } from '../../contract/classroom-events.js';
import { launchBrowser, screenshot, screenText, waitForScreen } from '../support/browser.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { call, instructorCookie } from './support.js';

const LESSON = 'hello-containers';
/** Generous: a sandbox is made from nothing (no pool) on a shared machine. */
const SLOW = 120_000;

describe('the learner page follows the instructor', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer({ SLIPWAY_LESSONS_DIR: path.resolve('lessons'), SLIPWAY_POOL_SIZE: '0' });
    browser = await launchBrowser(`lessons/${LESSON}/index.html`);
  });
  after(async () => {
    await browser?.close();
    if (!server) return;
    await stopAndClean(server);
  });

  /** Buttons on the page that would ask the server for a sandbox. */
  const sandboxButtons = (page: Page) => page.locator('button:visible', { hasText: /fresh sandbox|Reset sandbox|Try again/ }).count();
  /** Buttons that need a sandbox: Run, Check now, a new terminal, the editor, a file written, a preview. */
  const needingSandbox = (page: Page) => page.locator(':is(.code-run, .code-open, .code-write, .run-solution, .check-now, .tab-new, .preview-open, [data-view-editor]):visible').count();
  const me = (page: Page) => page.evaluate(async () => (await (await fetch('/api/classroom/me')).json()) as LearnerState);
  const notice = (page: Page, kind: string) => page.waitForSelector(`#sandbox-notice:not([hidden])[data-kind="${kind}"]`, { timeout: SLOW });
  /** Types with the keyboard into the page's first terminal (focused as a learner's Tab would). */
  async function type(page: Page, command: string): Promise<void> {
    await page.locator('#terminal').evaluate((el) => (el as HTMLElement).focus());
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');
  }

  it('reset, more time, remove, re-admit and the end reach the page by themselves', async () => {
    const instructor = await instructorCookie(server);
    const workshop = (await call(server, 'POST', '/api/instructor/workshops', { cookie: instructor, body: { title: 'Room 3', lessons: [LESSON], expectedSize: 1, sessionMinutes: 60 } })).body;
    assert.equal((await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/start`, { cookie: instructor })).status, 200);
    const act = async (method: string, what: string, body?: unknown) => {
      const res = await call(server, method, `/api/instructor/workshops/${workshop.id}${what}`, { cookie: instructor, body });
      assert.ok(res.status < 300, `${method} ${what} answered ${res.status}: ${res.text}`);
      return res.body;
    };

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (err) => console.log(`  learner page error: ${err.message}`));
    await page.goto(`${server.url}/join/?code=${workshop.code}`);
    await page.fill('#name', 'Ada');
    await page.click('#submit');
    await page.waitForURL(new RegExp(`/lessons/${LESSON}/`), { timeout: 30_000 });
    await page.waitForSelector('#terminal[data-state="connected"]', { timeout: SLOW });
    await waitForScreen(page, /#\s*$/, SLOW);
    const learner = (await act('GET', '')).learners[0].id as string;
    const oldSandbox = await page.locator('#sandbox-info').innerText();
    assert.match(oldSandbox, /^Sandbox \S+/);

    // Something of Ada's in the old sandbox: a file and a container, which the panel lists.
    await type(page, 'echo mine > ~/marker && docker run --name old-box hello-world > /dev/null && echo made-$((20+1))');
    await waitForScreen(page, /made-21\n/, SLOW);
    await page.waitForSelector('.sandbox-panel .containers td:text-is("old-box")', { timeout: 30_000 });

    // The instructor resets her sandbox: the page says so, and is on the fresh one without a click.
    const reset = act('POST', `/learners/${learner}/reset`);
    await notice(page, 'classroom-reset');
    await reset;
    assert.equal(await page.locator('#sandbox-notice .notice-message').innerText(), 'Your instructor reset your sandbox: you are now in a fresh one. Your finished steps stay finished.');
    await page.waitForSelector('#terminal[data-state="connected"]', { timeout: SLOW });
    await page.waitForFunction((old) => document.getElementById('sandbox-info')!.textContent !== old && /^Sandbox /.test(document.getElementById('sandbox-info')!.textContent ?? ''), oldSandbox, { timeout: SLOW });
    await waitForScreen(page, /#\s*$/, SLOW);
    await type(page, 'test -e ~/marker && echo still-old || echo fresh-$((40+2))');
    await waitForScreen(page, /fresh-42\n/, SLOW);
    await page.waitForSelector('.sandbox-panel .containers td:text-is("old-box")', { state: 'detached', timeout: 30_000 });
    assert.equal(await sandboxButtons(page), 1, 'only the learner\'s own "Reset sandbox"');
    assert.ok((await needingSandbox(page)) > 3, 'Run, Check now and a new terminal are offered');
    await screenshot(page, 'classroom-learner-reset-by-instructor');

    // More time: the bar and the "until" line move without a reload.
    const before = await me(page);
    assert.match(await page.locator('#workshop-bar .workshop-time').innerText(), /^\d+ min left$/, 'under an hour left');
    await act('POST', `/learners/${learner}/extend`, { minutes: 30 });
    await page.waitForFunction(() => /^1 h \d\d min left$/.test(document.querySelector('#workshop-bar .workshop-time')!.textContent ?? ''), null, { timeout: 30_000 });
    const extended = await me(page);
    assert.equal(extended.expiresAt, before.expiresAt! + 30 * 60_000);
    const until = await page.evaluate((at) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }), extended.expiresAt!);
    await page.waitForFunction((text) => document.getElementById('sandbox-info')!.textContent!.includes(`until ${text}`), until, { timeout: 30_000 });
    await notice(page, 'classroom-extended');
    assert.match(await page.locator('#sandbox-notice .notice-message').innerText(), /^Your instructor gave you 30 more minutes/);

    // Removed: nothing offered that the server would refuse, and the terminal takes no input.
    await act('DELETE', `/learners/${learner}`);
    await notice(page, 'classroom-removed');
    assert.match(await page.locator('#sandbox-notice .notice-message').innerText(), /^Your instructor removed you from this workshop/);
    await page.waitForSelector('#terminal[data-state="stopped"]', { timeout: 30_000 });
    assert.equal(await page.locator('#terminal .terminal-state-text').innerText(), 'Removed from the workshop: this terminal takes no input.');
    await page.waitForFunction(() => document.querySelector('#workshop-bar .workshop-time')!.textContent === 'Your instructor removed you from this workshop.', null, { timeout: 30_000 });
    assert.equal(await sandboxButtons(page), 0);
    assert.equal(await needingSandbox(page), 0);
    await type(page, 'echo typed-$((1+2))');
    assert.doesNotMatch(await screenText(page, '#terminal'), /typed-/, 'the terminal took keys after the removal');
    await screenshot(page, 'classroom-learner-removed');
    // A reload says the same and offers nothing either.
    await page.reload();
    await page.waitForSelector('#problem:not([hidden])', { timeout: 30_000 });
    assert.match(await page.locator('#problem-text').innerText(), /removed you from this workshop/);
    assert.equal(await sandboxButtons(page), 0);
    assert.equal(await needingSandbox(page), 0);
    assert.equal(await page.locator('#terminal .terminal-state-text').innerText(), 'No sandbox: this terminal takes no input.');

    // Re-admitted: the page gets a sandbox and connects by itself.
    await act('POST', `/learners/${learner}/readmit`);
    await notice(page, 'classroom-readmitted');
    await page.waitForSelector('#terminal[data-state="connected"]', { timeout: SLOW });
    await waitForScreen(page, /#\s*$/, SLOW);
    await type(page, 'echo back-$((3+4))');
    await waitForScreen(page, /back-7\n/, SLOW);
    assert.equal(await sandboxButtons(page), 1);
    assert.ok((await needingSandbox(page)) > 3);

    // The end: the bar says so, the terminal stops, nothing to click.
    await act('POST', '/end', { confirm: true });
    await notice(page, 'classroom-ended');
    await page.waitForSelector('#terminal[data-state="stopped"]', { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('#workshop-bar .workshop-time')!.textContent === 'The workshop has ended; thank you!', null, { timeout: 30_000 });
    assert.equal(await page.locator('#terminal .terminal-state-text').innerText(), 'The workshop has ended: this terminal takes no input.');
    assert.equal(await sandboxButtons(page), 0);
    assert.equal(await needingSandbox(page), 0);
    await screenshot(page, 'classroom-learner-ended');
  });
});
