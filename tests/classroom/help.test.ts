// Helping the room, with real sandboxes and headless Chromium: two learners (Ada, Grace) on
// their lesson pages and the instructor's dashboard. A message to everyone reaches both pages;
// a hint reaches only the learners it names (and is still there after a reload); Ada raises her
// hand with a line, the dashboard lists it, the instructor lowers it and Ada's page says so; the
// instructor marks a step done for Ada (her page and both exports name them) and not done
// again; every action is in the audit log; the hints, solution and Run buttons Ada used are in
// the export. Bad input is refused with what is wrong.
// Screenshots go to test-results/.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, waitForScreen } from '../support/browser.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { call, instructorCookie } from './support.js';

const LESSON = 'hello-containers';
const SLOW = 120_000;

describe('helping the room: messages, hints, raised hands and marked steps', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer({ SLIPWAY_LESSONS_DIR: path.resolve('lessons'), SLIPWAY_POOL_SIZE: '0' });
    browser = await launchBrowser(`lessons/${LESSON}/index.html`);
  });
  after(async () => {
    await browser?.close();
    if (server) await stopAndClean(server);
  });

  const banner = (page: Page, kind: string) => page.waitForSelector(`#sandbox-notice:not([hidden])[data-kind="${kind}"]`, { timeout: 15_000 });
  const bannerText = (page: Page) => page.locator('#sandbox-notice').innerText();

  it('reaches exactly whom it is meant for, and the instructor sees and records it', async () => {
    const instructor = await instructorCookie(server);
    const workshop = (await call(server, 'POST', '/api/instructor/workshops', { cookie: instructor, body: { title: 'Room 5', lessons: [LESSON], expectedSize: 2, sessionMinutes: 60 } })).body;
    assert.equal((await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/start`, { cookie: instructor })).status, 200);

    const pages: Record<'Ada' | 'Grace', Page> = {} as never;
    for (const name of ['Ada', 'Grace'] as const) {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
      page.on('pageerror', (err) => console.log(`  ${name} page error: ${err.message}`));
      await page.goto(`${server.url}/join/?code=${workshop.code}`);
      await page.fill('#name', name);
      await page.click('#submit');
      await page.waitForURL(new RegExp(`/lessons/${LESSON}/`), { timeout: 30_000 });
      await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: SLOW });
      await waitForScreen(page, /#\s*$/, SLOW);
      pages[name] = page;
    }
    const { Ada: ada, Grace: grace } = pages;
    const learners = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}`, { cookie: instructor })).body.learners as Array<{ id: string; name: string }>;
    const idOf = (name: string) => learners.find((l) => l.name === name)!.id;

    const dashboard = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    dashboard.on('pageerror', (err) => console.log(`  dashboard page error: ${err.message}`));
    await dashboard.goto(server.instructorLink(server.url));
    await dashboard.waitForSelector('#create input[name="title"]');
    await dashboard.goto(`${server.url}/instructor/workshop/?id=${workshop.id}`);
    await dashboard.waitForFunction(() => document.querySelectorAll('#grid tbody tr[data-learner]').length === 2, undefined, { timeout: 30_000 });

    // A message to everyone: a banner on both pages, with who wrote it.
    await dashboard.fill('#ws-message input[name="text"]', 'Break until 10:45, then lesson 2.');
    await dashboard.press('#ws-message input[name="text"]', 'Enter');
    await dashboard.waitForSelector('#ws-message .sent:text("Sent to 2 learners.")');
    for (const page of [ada, grace]) {
      await banner(page, 'classroom-message');
      assert.match(await bannerText(page), /Your instructor, to everyone[\s\S]*Break until 10:45, then lesson 2\./);
    }

    // A hint to Grace alone, from her row's panel: only her page shows it.
    dashboard.once('dialog', (dialog) => void dialog.accept('Look at the -p flag: host port first.'));
    await dashboard.click(`#grid .learner-name[data-learner="${idOf('Grace')}"]`);
    await dashboard.click('#learner-panel button[data-act="hint"]');
    await banner(grace, 'classroom-hint');
    assert.match(await bannerText(grace), /Your instructor, to you[\s\S]*Look at the -p flag: host port first\./);
    await screenshot(grace, 'classroom-hint-on-learner-page');
    // Ada's page still shows the message to everyone, never Grace's hint.
    await ada.waitForTimeout(500);
    assert.equal(await ada.locator('#sandbox-notice').getAttribute('data-kind'), 'classroom-message');
    assert.doesNotMatch(await bannerText(ada), /-p flag/);
    // A page opened afterwards still shows the latest hint.
    await grace.reload();
    await banner(grace, 'classroom-hint');
    assert.match(await bannerText(grace), /-p flag/);

    // Ada raises her hand with a line, from the workshop bar.
    await ada.click('#workshop-bar .hand-raise');
    await ada.keyboard.type('My container exits at once');
    await ada.keyboard.press('Enter');
    await ada.waitForSelector('#workshop-bar .hand-up:not([hidden])');
    await screenshot(ada, 'classroom-learner-hand-up');
    const hand = dashboard.locator(`#hands li[data-learner="${idOf('Ada')}"]`);
    await hand.waitFor({ timeout: 15_000 });
    assert.match(await hand.innerText(), /Ada[\s\S]*My container exits at once/);
    assert.equal(await dashboard.locator(`#grid tr[data-learner="${idOf('Ada')}"] .hand-badge`).count(), 1);
    assert.equal(await dashboard.locator(`#grid tr[data-learner="${idOf('Grace')}"] .hand-badge`).count(), 0);
    await screenshot(dashboard, 'classroom-dashboard-hand-up');
    await hand.getByRole('button', { name: "Lower Ada's hand" }).click();
    await hand.waitFor({ state: 'detached', timeout: 15_000 });
    await banner(ada, 'classroom-hand_cleared');
    await ada.waitForSelector('#workshop-bar .hand-raise:not([hidden])');
    assert.equal(await ada.locator('#workshop-bar .hand-up').isHidden(), true);

    // The instructor marks Ada's first step done: her page shows it done, with who did it.
    await dashboard.click(`#grid .learner-name[data-learner="${idOf('Ada')}"]`);
    await dashboard.selectOption('#lp-mark select', '0');
    await dashboard.click('#lp-mark button[value="done"]');
    await ada.waitForSelector('li.step[data-step="hello-world"][data-status="done"]', { timeout: 15_000 });
    assert.match(await ada.locator('li.step[data-step="hello-world"] .step-message').innerText(), /Marked done by your instructor \(Instructor\)/);
    await banner(ada, 'classroom-marked');
    await dashboard.waitForSelector(`#grid tr[data-learner="${idOf('Ada')}"] td.cell[data-step="hello-world"][data-status="done"][data-marked]`);
    const csv = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}/results.csv`, { cookie: instructor })).text;
    assert.match(csv, new RegExp(`\\r\\n${idOf('Ada')},Ada,[^,]+,false,,,${LESSON},hello-world,done,Instructor,\\d{4}-[^,]+Z,`));
    assert.match(csv, new RegExp(`\\r\\n${idOf('Grace')},Grace,[^,]+,false,,,${LESSON},hello-world,[a-z_]+,,`));
    const json = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}/results.json`, { cookie: instructor })).body;
    const adaJson = json.learners.find((l: { name: string }) => l.name === 'Ada');
    assert.deepEqual([adaJson.steps[0].status, adaJson.steps[0].markedBy], ['done', 'Instructor']);

    // Not done again: the step's checks decide (Ada ran nothing, so it is not done).
    await dashboard.click('#lp-mark button[value="undone"]');
    await ada.waitForSelector('li.step[data-step="hello-world"]:not([data-status="done"])', { timeout: 15_000 });
    await banner(ada, 'classroom-unmarked');

    // Every action is in the audit log, in plain words.
    const audit = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}/audit`, { cookie: instructor })).body.entries as Array<{ action: string; details: string | null }>;
    const actions = audit.map((e) => e.action);
    for (const action of ['message_all', 'hint', 'clear_hand', 'mark_step']) assert.ok(actions.includes(action), `no ${action} in the audit log: ${actions.join(', ')}`);
    assert.match(audit.find((e) => e.action === 'hint')!.details!, /^to Grace: "Look at the -p flag/);
    assert.deepEqual(audit.filter((e) => e.action === 'mark_step').map((e) => e.details).sort(), [`${LESSON}/hello-world done`, `${LESSON}/hello-world not done`]);

    // A hint to a selection over the API reaches only those named.
    const sent = await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/messages`, { cookie: instructor, body: { text: 'Ada only, second hint', learners: [idOf('Ada')] } });
    assert.deepEqual([sent.status, sent.body], [200, { learners: 1, names: ['Ada'] }]);
    await ada.waitForFunction(() => /Ada only, second hint/.test(document.getElementById('sandbox-notice')!.textContent ?? ''), undefined, { timeout: 15_000 });
    await grace.waitForTimeout(500);
    assert.doesNotMatch(await bannerText(grace), /second hint/);

    // The help Ada uses is counted for the exports: a hint shown, the solution opened, its Run.
    const step = ada.locator('li.step[data-step="hello-world"]');
    await step.locator('.show-hint').click();
    await step.locator('details.solution summary').click();
    await step.locator('.run-solution').click();
    await ada.waitForSelector('li.step[data-step="hello-world"][data-status="done"]', { timeout: SLOW });
    assert.equal(await step.locator('.step-message').isHidden(), true, 'done by its checks this time: no "marked by"');
    const used = async () => (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}/results.csv`, { cookie: instructor })).text;
    let row = '';
    for (let i = 0; i < 50 && !/,1,\d{4}-[^,]+Z,1$/.test(row); i++) {
      row = (await used()).split('\r\n').find((line) => line.startsWith(`${idOf('Ada')},`) && line.includes(',hello-world,')) ?? '';
      if (!/,1,\d{4}-[^,]+Z,1$/.test(row)) await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(row, new RegExp(`,hello-world,done,,\\d{4}-[^,]+Z,,\\d+,1,\\d{4}-[^,]+Z,1$`), 'one hint shown, the solution opened, one Run; done by its checks (no marked_by)');
    assert.match((await used()).split('\r\n').find((line) => line.startsWith(`${idOf('Grace')},`) && line.includes(',hello-world,'))!, /,0,,0$/);
    const badHint = await ada.evaluate(async (lesson) => (await fetch(`/api/lessons/${lesson}/usage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'hint', step: 'hello-world', hint: 40 }) })).json(), LESSON);
    assert.match(badHint.error.message, /has \d+ hints?; there is no hint 41/);
    const badKind = await ada.evaluate(async (lesson) => (await fetch(`/api/lessons/${lesson}/usage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'peek' }) })).status, LESSON);
    assert.equal(badKind, 400);

    await Promise.all([ada, grace, dashboard].map((p) => p.context().close()));
  });

  it('refuses bad input with what is wrong, and a hand from outside a workshop', async () => {
    const instructor = await instructorCookie(server);
    const workshop = (await call(server, 'POST', '/api/instructor/workshops', { cookie: instructor, body: { title: 'Room 6', lessons: [LESSON], expectedSize: 1, sessionMinutes: 30 } })).body;
    const path = `/api/instructor/workshops/${workshop.id}`;
    const early = await call(server, 'POST', `${path}/messages`, { cookie: instructor, body: { text: 'hello' } });
    assert.deepEqual([early.status, early.body.error.code], [409, 'not_started']);
    await call(server, 'POST', `${path}/start`, { cookie: instructor });
    const empty = await call(server, 'POST', `${path}/messages`, { cookie: instructor, body: { text: '   ' } });
    assert.equal(empty.status, 400);
    assert.match(empty.body.error.message, /text: write the message/);
    const long = await call(server, 'POST', `${path}/messages`, { cookie: instructor, body: { text: 'x'.repeat(501) } });
    assert.match(long.body.error.message, /text: at most 500 characters/);
    const nobody = await call(server, 'POST', `${path}/messages`, { cookie: instructor, body: { text: 'hi', learners: ['no-such-learner'] } });
    assert.deepEqual([nobody.status, nobody.body.error.code], [404, 'no_learner']);
    const unmarked = await call(server, 'POST', `${path}/learners/no-such-learner/steps`, { cookie: instructor, body: { lesson: LESSON, step: 'hello-world', done: true } });
    assert.equal(unmarked.status, 404);
    const stranger = await call(server, 'POST', '/api/classroom/hand', { body: { line: 'help' } });
    assert.deepEqual([stranger.status, stranger.body.error.code], [404, 'not_in_workshop']);
    const noCookie = await call(server, 'POST', `${path}/messages`, { body: { text: 'hi' } });
    assert.equal(noCookie.status, 401);
  });
});
