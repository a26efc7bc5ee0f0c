// The dashboard for a class of 30 in headless Chromium at 1440 px: 30 learners join over the
// API (the machine is held to 2 sandboxes, so the rest wait in the queue: the grid is what is
// tested, not the engine), each with a different number of steps done (written as the check
// engine writes them). Asserted: the names stay in view when the grid scrolls sideways, every
// step column names itself ("L1·3" and its title), sorting by progress and searching a name
// work, the class view groups two learners failing a step the same way and selects exactly
// them, and the projector view shows the join code and its QR but no learner's name.
// Screenshots go to test-results/.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { call, instructorCookie } from './support.js';

const LEARNERS = 30;
// Five lessons: more columns than 1440 px hold, as in a full day.
const LESSONS = ['hello-containers', 'env-and-volumes', 'first-dockerfile', 'compose-flask-redis', 'networks'];

describe('the dashboard grid for a class of 30', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-grid', SLIPWAY_LESSONS_DIR: path.resolve('lessons'), SLIPWAY_POOL_SIZE: '0', SLIPWAY_MAX_SANDBOXES: '2' });
    browser = await launchBrowser('instructor/workshop/index.html');
  });
  after(async () => {
    await browser?.close();
    if (!server) return;
    await stopAndClean(server);
  });

  it('keeps names in view, names every column, sorts, searches, and projects without names', async () => {
    const instructor = await instructorCookie(server);
    const workshop = (await call(server, 'POST', '/api/instructor/workshops', { cookie: instructor, body: { title: 'Room of thirty', lessons: LESSONS, expectedSize: LEARNERS, sessionMinutes: 90 } })).body;
    assert.equal((await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/start`, { cookie: instructor })).status, 200);
    const names = Array.from({ length: LEARNERS }, (_, i) => `Learner ${String(i + 1).padStart(2, '0')} ${['Ada', 'Grace', 'Linus', 'Margaret', 'Ken'][i % 5]}`);
    for (const name of names) {
      const res = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name } });
      // 200 with a sandbox, 202 queued for one: both are in the roster.
      assert.ok(res.status === 200 || res.status === 202, res.text);
    }
    const before = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}`, { cookie: instructor })).body;
    assert.equal(before.learners.length, LEARNERS);
    const columns: Array<{ lesson: string; step: string; title: string }> = before.columns;
    assert.ok(columns.length > 20, `only ${columns.length} columns`);
    // Learner n has done (n mod 7) steps of the first lesson, as the check engine records them.
    const rows = server.db.prepare('SELECT session_id, display_name FROM workshop_learners WHERE workshop_id = ?').all(workshop.id) as Array<{ session_id: string; display_name: string }>;
    const t0 = Date.now() - 20 * 60_000;
    const insert = server.db.prepare('INSERT INTO step_progress (session_id, lesson, step, first_seen_at, done_at, attempts) VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT DO UPDATE SET done_at = excluded.done_at, attempts = 1');
    const doneBy = new Map<string, number>();
    for (const row of rows) {
      const n = Number(row.display_name.slice(8, 10)) % 7;
      doneBy.set(row.display_name, n);
      columns.slice(0, n).forEach((c, i) => insert.run(row.session_id, c.lesson, c.step, t0, t0 + (i + 1) * 60_000));
    }

    // Learners 07 and 14 (nothing done) fail the first step with ports swapped, as the check words it.
    const swapped = "No running container named 'web' publishing 8080→80 — it publishes 80:8080 — the ports are the wrong way round: the host port comes first, so it is -p 8080:80.";
    const failing = rows.filter((r) => /^Learner (07|14) /.test(r.display_name));
    for (const row of failing) {
      server.db.prepare('INSERT INTO step_progress (session_id, lesson, step, first_seen_at, attempts, last_message) VALUES (?, ?, ?, ?, 2, ?)').run(row.session_id, columns[0]!.lesson, columns[0]!.step, t0, swapped);
    }

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.log(`  dashboard page error: ${err.message}`));
    await page.goto(server.instructorLink(server.url));
    // Logged in once the instructor's home shows (the address bar loses the token before that).
    await page.waitForSelector('#create input[name="title"]');
    await page.goto(`${server.url}/instructor/workshop/?id=${workshop.id}`);
    await page.waitForFunction((n) => document.querySelectorAll('#grid tbody tr[data-learner]').length === n, LEARNERS, { timeout: 30_000 });
    await screenshot(page, 'classroom-grid-30', { fullPage: true });

    // Every step column names itself without hovering: its short name and its title, in view.
    const headers = await page.locator('#grid th.step-col').evaluateAll((ths) => ths.map((th) => ({
      label: th.querySelector('.step-label')?.textContent ?? '',
      title: th.querySelector('.step-title')?.textContent ?? '',
      titleHeight: th.querySelector('.step-title')?.getBoundingClientRect().height ?? 0,
    })));
    assert.equal(headers.length, columns.length);
    headers.forEach((h, i) => {
      assert.match(h.label, /^L[1-5]·\d+$/);
      assert.equal(h.title, columns[i]!.title);
      assert.ok(h.titleHeight > 20, `the title of ${h.label} is not shown (${h.titleHeight}px)`);
    });
    assert.equal(headers[0]!.label, 'L1·1');
    assert.equal(headers.find((_, i) => columns[i]!.lesson === LESSONS[1])!.label, 'L2·1');

    // The grid scrolls sideways; the names stay in view.
    const wrap = page.locator('.grid-wrap');
    const scroll = await wrap.evaluate((node) => ({ width: node.scrollWidth, client: node.clientWidth }));
    assert.ok(scroll.width > scroll.client + 200, `the grid does not scroll sideways (${scroll.width} vs ${scroll.client}): make it wider`);
    await wrap.evaluate((node) => node.scrollTo({ left: node.scrollWidth }));
    await page.waitForFunction(() => {
      const node = document.querySelector('.grid-wrap')!;
      return node.scrollLeft + node.clientWidth >= node.scrollWidth - 2;
    });
    const wrapBox = (await wrap.boundingBox())!;
    const name = page.locator('#grid tbody tr[data-learner] th.name-col').first();
    const nameBox = (await name.boundingBox())!;
    assert.ok(nameBox.x >= wrapBox.x - 1 && nameBox.x + nameBox.width <= wrapBox.x + wrapBox.width, `the name cell left the view: ${JSON.stringify(nameBox)} in ${JSON.stringify(wrapBox)}`);
    // Nothing scrolled under it shows through, at either edge, in the rows or in the header.
    const headBox = (await page.locator('#grid thead th.name-col').boundingBox())!;
    for (const [x, y] of [[nameBox.x + 20, nameBox.y + nameBox.height / 2], [nameBox.x + nameBox.width - 3, nameBox.y + nameBox.height / 2], [headBox.x + headBox.width - 3, headBox.y + headBox.height - 10]] as const) {
      const on = await page.evaluate(([px, py]) => document.elementFromPoint(px!, py!)?.closest('th.name-col') !== null, [x, y]);
      assert.ok(on, `a step column covers the names at ${x},${y} after scrolling`);
    }
    await screenshot(page, 'classroom-grid-30-scrolled');

    // Sort by progress: the most steps done first.
    await page.selectOption('#grid-sort', 'progress');
    // Learners 06, 13, 20 and 27 did 6 steps at the same times: by name among them.
    await page.waitForFunction(() => document.querySelector('#grid tbody tr[data-learner] .learner-name')?.textContent === 'Learner 06 Ada');
    const order = await page.locator('#grid tbody tr[data-learner] .learner-name').allInnerTexts();
    const dones = order.map((n) => doneBy.get(n)!);
    assert.deepEqual(dones, [...dones].sort((a, b) => b - a));
    assert.equal(dones[0], 6);
    // Search narrows to the matching names.
    await page.fill('#grid-search', 'margaret');
    await page.waitForFunction(() => document.querySelectorAll('#grid tbody tr[data-learner]').length === 6);
    const found = await page.locator('#grid tbody tr[data-learner] .learner-name').allInnerTexts();
    assert.ok(found.every((n) => n.endsWith('Margaret')), found.join(', '));
    await page.fill('#grid-search', '');

    // The class view groups the two under the diagnosis; one click selects exactly them.
    const group = page.locator('#failures li.failure');
    assert.equal(await group.count(), 1);
    assert.match(await group.innerText(), new RegExp(`L1·1 ${columns[0]!.title} — 2 of ${LEARNERS}: host and container ports swapped`));
    await group.locator('button.select-group').click();
    await page.waitForFunction(() => document.querySelectorAll('#grid tr[data-selected]').length === 2);
    assert.equal(await page.locator('#selection-count').innerText(), 'Selected: 2');
    assert.deepEqual((await page.locator('#selection-names').innerText()).split(', ').sort(), failing.map((r) => r.display_name).sort());
    // A hint to exactly the selection: the answer and the audit log name those two, nobody else.
    await page.fill('#selection-hint input[name="text"]', 'Host port first: -p 8080:80.');
    await page.press('#selection-hint input[name="text"]', 'Enter');
    await page.waitForSelector('#selection-hint .sent:text("Sent to 2 learners.")');
    const audit = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}/audit`, { cookie: instructor })).body.entries as Array<{ action: string; details: string }>;
    const hint = audit.find((e) => e.action === 'hint')!;
    assert.deepEqual(/^to (.*): "Host port first/.exec(hint.details)![1]!.split(', ').sort(), failing.map((r) => r.display_name).sort());
    await page.selectOption('#grid-filter', 'failing');
    await page.waitForFunction(() => document.querySelectorAll('#grid tbody tr[data-learner]').length === 2);
    await screenshot(page, 'classroom-class-view');
    await page.selectOption('#grid-filter', 'all');

    // The projector view: the code and the QR, large; the room's progress; no names.
    const projector = await context.newPage();
    await projector.goto(`${server.url}/instructor/workshop/?id=${workshop.id}&view=projector`);
    await projector.waitForFunction((code) => document.querySelector('.pj-code')?.textContent === code, workshop.code, { timeout: 30_000 });
    const qr = (await projector.locator('.pj-qr').boundingBox())!;
    assert.ok(qr.width >= 250, `the QR is ${qr.width}px wide`);
    await projector.waitForFunction((n) => document.querySelectorAll('.pj-step').length === n, columns.length);
    const text = await projector.locator('body').innerText();
    assert.match(text, new RegExp(`${LEARNERS} people have joined`));
    for (const n of names) assert.ok(!text.includes(n), `the projector view shows ${n}`);
    assert.equal(await projector.locator('#grid tbody tr[data-learner]').count() > 0 && (await projector.locator('#grid').isVisible()), false, 'the grid is visible on the projector');
    await screenshot(projector, 'classroom-projector');
    await context.close();
  });
});
