// Lesson pages inside a workshop and after its end, in real Chromium against a real server and
// sandboxes: a workshop of 3 of the lessons numbers, lists and pages through only its own
// (keyboard included), while a browser in no workshop sees the whole curriculum; once the
// instructor ends it, the learner sees what they completed and, with SLIPWAY_PRACTICE_AFTER_END
// off, no offer of practice (the server refuses a sandbox too), with it on a button that gives a
// working sandbox. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { LearnerState } from '../../contract/classroom-events.js';
import type { LessonList } from '../../contract/lessons-api.js';
import { launchBrowser, screenshot, waitForScreen, waitForStepDone } from '../support/browser.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { call, joinedContext, startedWorkshop } from './support.js';

/** The workshop's lessons, in its order (not the curriculum's: hello-containers is the curriculum's first). */
const WORKSHOP = ['first-dockerfile', 'hello-containers', 'networks'];
/** Generous: a sandbox is made from nothing (no pool) on a shared machine. */
const SLOW = 120_000;

/** A started workshop of WORKSHOP and a Chromium page of a learner who joined it (cookie from the join). */
async function joinedLearner(server: TestServer, browser: Browser, title: string): Promise<{ page: Page; end: () => Promise<void> }> {
  const { instructor, workshop } = await startedWorkshop(server, { title, lessons: WORKSHOP, expectedSize: 1, sessionMinutes: 60 });
  const page = await (await joinedContext(server, browser, workshop.code, 'Ada')).newPage();
  page.on('pageerror', (err) => console.log(`  learner page error: ${err.message}`));
  const end = async () => {
    const res = await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/end`, { cookie: instructor, body: { confirm: true } });
    assert.equal(res.status, 200, res.text);
  };
  return { page, end };
}

/** Opens a lesson and waits until the page knows whether the learner is in a workshop. */
async function openLesson(page: Page, server: TestServer, slug: string): Promise<void> {
  await page.goto(`${server.url}/lessons/${slug}/`);
  // Generous: on a machine busy with other sandboxes, the page and its first request can be slow.
  await page.waitForSelector('.lesson:not([data-scoping])', { timeout: SLOW });
}

/** What the page offers to move between lessons: its position line, its list, its pager. */
const navigation = (page: Page) =>
  page.evaluate(() => ({
    position: document.querySelector('.lesson-position')!.textContent,
    list: [...document.querySelectorAll<HTMLElement>('.lesson-index li')].map((li) => li.dataset.lesson),
    previous: document.querySelector('.pager a[rel="prev"]')?.getAttribute('href') ?? null,
    next: document.querySelector('.pager a[rel="next"]')?.getAttribute('href') ?? null,
    pagerLinks: [...document.querySelectorAll('.pager a')].map((a) => ({ href: a.getAttribute('href'), text: a.textContent })),
  }));

/** Buttons on the page that would ask the server for a sandbox. */
const sandboxButtons = (page: Page) => page.locator('button:visible', { hasText: /fresh sandbox|Reset sandbox|Try again|Keep practising/ }).count();

/** Types with the keyboard into the page's first terminal. */
async function type(page: Page, command: string): Promise<void> {
  await page.locator('#terminal').evaluate((el) => (el as HTMLElement).focus());
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}

describe('lesson pages inside a workshop, and after its end without practice', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer({ SLIPWAY_LESSONS_DIR: path.resolve('lessons'), SLIPWAY_POOL_SIZE: '0' });
    browser = await launchBrowser('lessons/hello-containers/index.html');
  });
  after(async () => {
    await browser?.close();
    if (!server) return;
    await stopAndClean(server);
  });

  it('numbers, lists and pages through only the workshop\'s lessons; outside one, the whole curriculum', async () => {
    const { page, end } = await joinedLearner(server, browser, 'Three of eight');

    // The workshop's second lesson (the curriculum's first).
    await openLesson(page, server, 'hello-containers');
    assert.deepEqual(await navigation(page), {
      position: 'Lesson 2 of 3',
      list: WORKSHOP,
      previous: '/lessons/first-dockerfile/',
      next: '/lessons/networks/',
      pagerLinks: [
        { href: '/lessons/first-dockerfile/', text: '← Your first Dockerfile' },
        { href: '/lessons/networks/', text: 'Networks →' },
      ],
    });
    assert.equal(await page.locator('.lesson-index summary').innerText(), "The workshop's lessons");
    await page.locator('.lesson-index summary').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('.lesson-index ol').isVisible(), true, 'the list opens from the keyboard');
    assert.equal(await page.locator('.lesson-index [aria-current="page"]').getAttribute('href'), '/lessons/hello-containers/');

    // A step done, for the summary after the end.
    await page.waitForSelector('#terminal[data-state="connected"]', { timeout: SLOW });
    await waitForScreen(page, /#\s*$/, SLOW);
    await type(page, 'docker run hello-world');
    await waitForStepDone(page, 'hello-world', SLOW, () => ({
      watching: server.checks.watching(),
      engines: server.checks.watching().map((w) => server.manager.engines.state(w.sandboxId)),
      steps: server.db.prepare("SELECT lesson, step, done_at, last_results FROM step_progress WHERE lesson = 'hello-containers'").all(),
      commands: server.db.prepare('SELECT * FROM shell_commands ORDER BY rowid DESC LIMIT 5').all(),
    }));
    await screenshot(page, 'workshop-lesson-2-of-3');

    // "Next" from the keyboard leads to the workshop's third lesson, the last: no next lesson,
    // the way back to the workshop's lessons instead.
    await page.locator('.pager a[rel="next"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/lessons\/networks\/$/, { timeout: 30_000 });
    await page.waitForSelector('.lesson:not([data-scoping])', { timeout: SLOW });
    const last = await navigation(page);
    assert.equal(last.position, 'Lesson 3 of 3');
    assert.deepEqual(last.list, WORKSHOP);
    assert.equal(last.previous, '/lessons/hello-containers/');
    assert.equal(last.next, null);
    assert.deepEqual(last.pagerLinks.at(-1), { href: '/', text: "Back to the workshop's lessons →" });

    // A lesson outside the workshop says so, and leads back into it.
    await openLesson(page, server, 'env-and-volumes');
    const outside = await navigation(page);
    assert.equal(outside.position, 'Not part of your workshop');
    assert.deepEqual(outside.list, WORKSHOP);
    assert.equal(outside.next, '/lessons/first-dockerfile/');

    // A browser in no workshop: the page as built, every lesson.
    const stranger = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await openLesson(stranger, server, 'hello-containers');
    const curriculum = (await call(server, 'GET', '/api/lessons')).body as LessonList;
    const all = [...curriculum.lessons].sort((a, b) => a.order - b.order).map((l) => l.slug);
    // Every lesson folder, as the site lists them.
    const folders = fs.readdirSync(path.resolve('lessons')).filter((f) => fs.existsSync(path.resolve('lessons', f, 'index.mdx'))).length;
    assert.equal(all.length, folders);
    const plain = await navigation(stranger);
    assert.equal(plain.position, `Lesson 1 of ${folders}`);
    assert.deepEqual(plain.list, all);
    assert.equal(plain.previous, null);
    assert.equal(plain.next, `/lessons/${all[1]}/`);
    assert.equal(await stranger.locator('.lesson-index summary').innerText(), 'All lessons');
    assert.equal(await stranger.locator('#workshop-summary').isVisible(), false);
    await stranger.context().close();

    // The end: on the lesson page, what Ada completed of the workshop's, and no practice.
    await openLesson(page, server, 'hello-containers');
    await page.waitForSelector('#terminal[data-state="connected"]', { timeout: SLOW });
    await end();
    await page.waitForSelector('#workshop-summary:not([hidden])', { timeout: 30_000 });
    await page.waitForSelector('#terminal[data-state="stopped"]', { timeout: 30_000 });
    const steps = curriculum.lessons.filter((l) => WORKSHOP.includes(l.slug)).reduce((sum, l) => sum + l.steps, 0);
    assert.equal(await page.locator('#workshop-summary .summary-total').innerText(), `You completed 0 of 3 lessons of "Three of eight" (1 of ${steps} steps). Your results are kept; you may still read every lesson.`);
    const lines = await page.locator('#workshop-summary li').allInnerTexts();
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, /^Hello, containers · 1 of 9 steps$/);
    assert.match(await page.locator('#workshop-summary .summary-practice').innerText(), /not offered on this server after a workshop/);
    assert.equal(await sandboxButtons(page), 0);
    await screenshot(page, 'workshop-ended-no-practice');

    // The server agrees: no sandbox for Ada, in words; a reload shows the same, with nothing to click.
    const refused = await page.evaluate(async () => {
      const res = await fetch('/api/session/sandbox', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'not_allowed');
    assert.match(refused.body.error.message, /offers no practice sandboxes/);
    await openLesson(page, server, 'networks');
    await page.waitForSelector('#workshop-summary:not([hidden]) .summary-lessons li', { timeout: SLOW });
    assert.equal((await navigation(page)).position, 'Lesson 3 of 3');
    assert.equal(await sandboxButtons(page), 0);
    assert.equal(await page.locator('#terminal .terminal-state-text').innerText(), 'The workshop has ended: this terminal takes no input.');
    // The playground says so too, without a "Try again" the server would refuse.
    await page.goto(`${server.url}/playground/`);
    await page.waitForSelector('#problem:not([hidden])', { timeout: 30_000 });
    assert.match(await page.locator('#problem-text').innerText(), /offers no practice sandboxes/);
    assert.equal(await sandboxButtons(page), 0);
    await page.context().close();
  });

  it("keeps the checks on the lesson the learner went to when the workshop's first lesson, opened for them, finishes after it", async () => {
    const { workshop } = await startedWorkshop(server, { title: 'Straight to lesson 2', lessons: WORKSHOP, expectedSize: 1, sessionMinutes: 60 });
    const joined = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name: 'Ada' } });
    assert.equal(joined.status, 200, joined.text);
    const { id } = server.db.prepare('SELECT session_id AS id FROM workshop_learners WHERE workshop_id = ?').get(workshop.id) as { id: string };
    const session = server.sessions.get(id)!;
    // The learner's page opens the workshop's second lesson; the server's opening of its first
    // one for them (decided at the join, its starter files taking a moment to copy in) finishes
    // after it, as it did on a busy machine.
    await server.checks.open(session, 'hello-containers');
    await server.checks.open(session, WORKSHOP[0]!, { ahead: true });
    const filesOfFirst = server.db.prepare('SELECT files_sandbox_id AS id FROM lesson_progress WHERE session_id = ? AND lesson = ?').get(id, WORKSHOP[0]) as { id: string | null };
    assert.ok(filesOfFirst.id, "the workshop's first lesson's starter files are in, for later");
    assert.deepEqual(server.checks.watching().filter((w) => w.sessionId === id).map((w) => w.lesson), ['hello-containers'], 'the checks follow the lesson the learner is on');
    assert.equal(server.checks.resume(session)?.lesson, 'hello-containers');
  });
});

describe('after the end, with practice allowed', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer({ SLIPWAY_LESSONS_DIR: path.resolve('lessons'), SLIPWAY_POOL_SIZE: '0', SLIPWAY_PRACTICE_AFTER_END: 'true' });
    browser = await launchBrowser('lessons/hello-containers/index.html');
  });
  after(async () => {
    await browser?.close();
    if (!server) return;
    await stopAndClean(server);
  });

  it('offers a practice sandbox once the workshop has ended, and it works', async () => {
    const { page, end } = await joinedLearner(server, browser, 'Practice allowed');
    await end();
    await openLesson(page, server, 'hello-containers');
    await page.waitForSelector('#workshop-summary:not([hidden]) .summary-lessons li', { timeout: SLOW });
    const me = await page.evaluate(async () => (await (await fetch('/api/classroom/me')).json()) as LearnerState);
    assert.equal(me.status, 'ended');
    assert.equal(me.practice, true);
    assert.equal((await navigation(page)).position, 'Lesson 2 of 3');
    assert.match(await page.locator('#workshop-summary .summary-total').innerText(), /^You completed 0 of 3 lessons of "Practice allowed" \(0 of \d+ steps\)/);
    // Nothing starts by itself: the offer is there, the terminal waits.
    await page.waitForSelector('#terminal[data-state="stopped"]', { timeout: 30_000 });
    assert.equal(await sandboxButtons(page), 1);
    await screenshot(page, 'workshop-ended-practice-offered');

    // Taken up from the keyboard: a sandbox of her own, with a shell that answers.
    await page.locator('#workshop-summary .summary-practise').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#terminal[data-state="connected"]', { timeout: SLOW });
    await waitForScreen(page, /#\s*$/, SLOW);
    await type(page, 'echo practice-$((40+2))');
    await waitForScreen(page, /practice-42\n/, SLOW);
    assert.match(await page.locator('#workshop-summary .summary-practice').innerText(), /You are practising in a sandbox of your own/);
    assert.match(await page.locator('#sandbox-info').innerText(), /^Sandbox \S+/);
    await screenshot(page, 'workshop-ended-practising');

    // A reload finds the practice sandbox again rather than offering another.
    const sandbox = await page.locator('#sandbox-info').innerText();
    await openLesson(page, server, 'hello-containers');
    await page.waitForSelector('#terminal[data-state="connected"]', { timeout: SLOW });
    assert.equal(await page.locator('#sandbox-info').innerText(), sandbox);
    assert.equal(await page.locator('#workshop-summary .summary-practise').isVisible(), false);
    await page.context().close();
  });
});
