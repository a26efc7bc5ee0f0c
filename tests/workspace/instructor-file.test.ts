// The editor's file as others see it, in real Chromium on lesson 3 in a workshop: a hint's link
// opens its file in the learner's editor with the cursor on its line (and scrolls back to it);
// the instructor's read-only view shows the file the learner has open and what it holds, and
// follows them to another file and through a save. The API refuses a bad path with a 400 that
// says what is wrong, a learner without a session and a visitor who is no instructor.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { WORKSPACE_OPEN_PATH } from '../../contract/workspace-api.js';
import { instructorFilePath } from '../../contract/workspace-view.js';
import { call, instructorCookie } from '../classroom/support.js';
import { launchBrowser, screenshot, waitForScreen } from '../support/browser.js';
import { sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

const LESSON = 'first-dockerfile';
const SAYHELLO = 'first-dockerfile/sayhello/Dockerfile';
const GREETER = 'first-dockerfile/greeter/greet.sh';
const GREET_SH = fs.readFileSync(path.join('lessons', '03-first-dockerfile', '_files', GREETER), 'utf8');

describe('the open file: hint links and the instructor\'s view', () => {
  let server: TestServer;
  let browser: Browser;
  let learner: Page;
  let instructor: Page;
  let workshop: { id: string; code: string };
  const learnerCookie = async () => (await learner.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const sandboxOfLearner = async () => ((await call(server, 'GET', '/api/session', { cookie: await learnerCookie() })).body as { sandbox: { id: string } }).sandbox.id;
  const title = () => learner.locator('[data-editor-title]').innerText();
  /** The line the cursor is on, as CodeMirror's active line gutter numbers it, and that line's text. */
  const cursorLine = () =>
    learner.evaluate(() => ({
      number: document.querySelector('.cm-activeLineGutter')?.textContent ?? '',
      text: document.querySelector('.cm-activeLine')?.textContent ?? '',
      focused: !!document.activeElement?.classList.contains('cm-content'),
    }));
  /** Whether the cursor's line is inside the editor's scrolled box. */
  const cursorLineInView = () =>
    learner.evaluate(() => {
      const line = document.querySelector('.cm-activeLine')?.getBoundingClientRect();
      const box = document.querySelector('.cm-scroller')?.getBoundingClientRect();
      return !!line && !!box && line.top >= box.top - 1 && line.bottom <= box.bottom + 1;
    });

  before(async () => {
    server = await startTestServer({ SLIPWAY_LESSONS_DIR: path.resolve('lessons') });
    browser = await launchBrowser('instructor/workshop/index.html');
    const cookie = await instructorCookie(server);
    const created = await call(server, 'POST', '/api/instructor/workshops', { cookie, body: { title: 'Files', lessons: [LESSON], expectedSize: 1, sessionMinutes: 30 } });
    assert.equal(created.status, 201, created.text);
    workshop = created.body as { id: string; code: string };
    assert.equal((await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/start`, { cookie })).status, 200);
  });
  after(async () => {
    await browser?.close();
    if (!server) return;
    await stopAndClean(server);
  });

  it("a hint's link opens its file in the editor with the cursor on its line", async () => {
    learner = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    learner.on('pageerror', (err) => console.log(`  learner page error: ${err.message}`));
    await learner.goto(`${server.url}/join/?code=${workshop.code}`);
    await learner.fill('#name', 'Ada');
    await learner.click('#submit');
    await learner.waitForURL(new RegExp(`/lessons/${LESSON}/`), { timeout: 60_000 });
    await learner.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 90_000 });
    await waitForScreen(learner, /#\s*$/, 30_000);
    // The link is in a hint of the third step: the first two are skipped to get there.
    for (const step of ['build-greeter', 'override-env']) {
      await learner.click(`li.step[data-step="${step}"] .skip-step`);
      await learner.waitForSelector(`li.step[data-step="${step}"][data-status="skipped"]`, { timeout: 15_000 });
    }
    const entrypoint = learner.locator('li.step[data-step="entrypoint"]');
    await entrypoint.locator('.show-hint').click();
    const link = entrypoint.getByRole('button', { name: 'sayhello/Dockerfile, line 2' });
    assert.equal(await link.getAttribute('data-open-path'), SAYHELLO);
    await link.click();
    await learner.locator('[data-editor-panel]').waitFor({ state: 'visible', timeout: 10_000 });
    await learner.waitForFunction((file) => document.querySelector('[data-editor-title]')?.textContent === file, SAYHELLO, { timeout: 15_000 });
    await learner.waitForFunction(() => document.querySelector('.cm-activeLineGutter')?.textContent === '2', null, { timeout: 5000 });
    assert.deepEqual(await cursorLine(), { number: '2', text: 'CMD ["echo", "Hello, world"]', focused: true });
    await screenshot(learner, 'hint-link-opened');

    // A longer file, read at its end: the link brings the cursor back to line 2, scrolled into view.
    const sandbox = await sandboxOfLearner();
    await sh(server, sandbox, `for i in $(seq 1 120); do echo "# note $i"; done >> /root/workshop/${SAYHELLO}`);
    // The editor reads it again by itself (its size changed); CodeMirror draws only the lines in
    // view, so the sign is the scrolled box growing taller than the editor.
    await learner.waitForFunction(() => {
      const scroller = document.querySelector('.cm-scroller');
      return !!scroller && scroller.scrollHeight > scroller.clientHeight + 200;
    }, null, { timeout: 10_000 });
    await learner.locator('.cm-content').click();
    await learner.keyboard.press('Control+End');
    // The end: the empty line after "# note 120" (line 123), scrolled to.
    await learner.waitForFunction(() => document.querySelector('.cm-activeLineGutter')?.textContent === '123', null, { timeout: 5000 });
    await learner.waitForFunction(() => document.querySelector('.cm-scroller')!.scrollTop > 0, null, { timeout: 5000 });
    assert.equal(await cursorLineInView(), true);
    await link.click();
    await learner.waitForFunction(() => document.querySelector('.cm-activeLineGutter')?.textContent === '2', null, { timeout: 5000 });
    assert.deepEqual(await cursorLine(), { number: '2', text: 'CMD ["echo", "Hello, world"]', focused: true });
    await learner.waitForFunction(() => {
      const line = document.querySelector('.cm-activeLine')?.getBoundingClientRect();
      const box = document.querySelector('.cm-scroller')?.getBoundingClientRect();
      return !!line && !!box && line.top >= box.top - 1 && line.bottom <= box.bottom + 1;
    }, null, { timeout: 5000 });
    assert.equal(await cursorLineInView(), true);
  });

  it("shows the instructor the learner's open file read-only, and follows another file and a save", async () => {
    instructor = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    instructor.on('pageerror', (err) => console.log(`  instructor page error: ${err.message}`));
    await instructor.goto(server.instructorLink(server.url));
    await instructor.waitForSelector('#create input[name="title"]');
    await instructor.goto(`${server.url}/instructor/workshop/?id=${workshop.id}`);
    await instructor.click('.learner-name:text-is("Ada")', { timeout: 30_000 });
    await instructor.click('#learner-panel button[data-act="view"]');
    await instructor.waitForSelector('#viewer[data-state="connected"][data-mode="ro"]', { timeout: 30_000 });
    const shownPath = instructor.locator('#viewer-file-path');
    const shownText = instructor.locator('#viewer-file-text');
    await instructor.waitForFunction((file) => document.getElementById('viewer-file-path')?.textContent === file, SAYHELLO, { timeout: 15_000 });
    const sayhello = await sh(server, await sandboxOfLearner(), `cat /root/workshop/${SAYHELLO}`);
    assert.equal(await shownText.textContent(), sayhello);
    assert.match(sayhello, /^FROM debian:trixie-slim\nCMD \["echo", "Hello, world"\]\n# note 1\n/);
    // Read-only: text in a <pre>, nothing editable, no save.
    assert.equal(await instructor.evaluate(() => document.querySelectorAll('#viewer-file [contenteditable], #viewer-file textarea, #viewer-file input, #viewer-file button').length), 0);
    await screenshot(instructor, 'instructor-open-file', { fullPage: true });

    // The learner opens another file from the tree: the instructor's view follows.
    await learner.locator(`[data-editor-tree] [data-path="${GREETER}"]`).click();
    await learner.waitForFunction((file) => document.querySelector('[data-editor-title]')?.textContent === file, GREETER);
    assert.equal(await title(), GREETER);
    await instructor.waitForFunction((file) => document.getElementById('viewer-file-path')?.textContent === file, GREETER, { timeout: 10_000 });
    await instructor.waitForFunction((text) => document.getElementById('viewer-file-text')?.textContent === text, GREET_SH, { timeout: 10_000 });
    assert.equal(await shownPath.textContent(), GREETER);

    // The learner edits and saves: the instructor sees the saved text.
    await learner.locator('.cm-content').click();
    await learner.keyboard.press('Control+End');
    await learner.keyboard.type('echo "Saved from the editor"');
    await learner.keyboard.press('Control+s');
    await learner.waitForFunction(() => /^Saved/.test(document.querySelector('[data-editor-status]')?.textContent ?? ''), null, { timeout: 10_000 });
    await instructor.waitForFunction((text) => document.getElementById('viewer-file-text')?.textContent === text, `${GREET_SH}echo "Saved from the editor"`, { timeout: 10_000 });
    await screenshot(instructor, 'instructor-open-file-saved', { fullPage: true });
  });

  it('refuses a bad path with a 400 naming what is wrong, and asks who is asking', async () => {
    const cookie = await learnerCookie();
    for (const [bad, words] of [
      ['../etc/passwd', /^path: The path "\.\.\/etc\/passwd" goes up with "\.\.": only files inside your workspace \(~\/workshop\) can be opened here\.$/],
      ['/etc/passwd', /^path: The path "\/etc\/passwd" is absolute/],
      ['a\u0001b', /^path: The path "a\\u0001b" holds a control character \(U\+0001\)/],
    ] as const) {
      const res = await call(server, 'POST', WORKSPACE_OPEN_PATH, { cookie, body: { path: bad } });
      assert.equal(res.status, 400, `${JSON.stringify(bad)}: ${res.text}`);
      assert.equal(res.body.error.code, 'bad_path');
      assert.match(res.body.error.message, words);
    }
    const wrongShape = await call(server, 'POST', WORKSPACE_OPEN_PATH, { cookie, body: { file: 'x' } });
    assert.equal(wrongShape.status, 400);
    assert.equal(wrongShape.body.error.code, 'invalid_input');
    assert.equal((await call(server, 'POST', WORKSPACE_OPEN_PATH, { body: { path: 'x' } })).status, 401);
    // What the instructor sees did not change.
    const learnerId = await instructor.evaluate(() => document.getElementById('viewer-file')?.dataset.learner ?? '');
    const view = await call(server, 'GET', instructorFilePath(workshop.id, learnerId), { cookie: await instructorCookie(server) });
    assert.equal(view.status, 200);
    assert.equal(view.body.path, GREETER);
    assert.equal(view.body.file.content, `${GREET_SH}echo "Saved from the editor"`);
    const stranger = await call(server, 'GET', instructorFilePath(workshop.id, learnerId), { cookie });
    assert.equal(stranger.status, 401);
    assert.equal(stranger.body.error.code, 'not_instructor');
  });
});
