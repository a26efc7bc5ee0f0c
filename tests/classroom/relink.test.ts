// A learner whose laptop died is moved to another browser, on the real engine and in headless
// Chromium: the instructor makes a one-time link for them on the dashboard (shown with its QR
// code and expiry), a fresh browser opens it and is the same learner (same id on the dashboard,
// same progress, same sandbox), while the old browser keeps working. The link used again is
// refused with words saying so in the browser and over HTTP (410), as is one past its expiry
// (the server's relink clock is moved, nothing sleeps); a learner's public id is no token; a
// removed learner gets no link until re-admitted, nobody after the end; every link made is in
// the audit log, and the store keeps no working token.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { LearnerState, RelinkGrant } from '../../contract/classroom-api.js';
import type { DashboardView } from '../../contract/dashboard.js';
import { auditLine, type AuditLog } from '../../contract/instructors.js';
import type { LessonProgressView } from '../../contract/progress.js';
import type { SessionView } from '../../contract/session-api.js';
import { launchBrowser, screenshot } from '../support/browser.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { call, cookieOf, instructorCookie, type Http } from './support.js';

const LESSON = 'hello-containers';
/** Generous: a sandbox is made from nothing (no pool) on a shared machine. */
const SLOW = 120_000;
const FIFTEEN_MINUTES = 15 * 60_000;

/** True when the answer hands the browser a (signed) session cookie. */
const setsSession = (res: Http) => res.headers.getSetCookie().some((c) => c.startsWith('slipway_session=s%3A'));

describe('moving a learner to another browser', () => {
  let server: TestServer;
  let browser: Browser;
  /** How far the server's relink clock runs ahead of the real one. */
  let skew = 0;

  before(async () => {
    server = await startTestServer({ SLIPWAY_LESSONS_DIR: path.resolve('lessons'), SLIPWAY_POOL_SIZE: '0' }, undefined, { relinkClock: () => Date.now() + skew });
    browser = await launchBrowser(`lessons/${LESSON}/index.html`);
  });
  after(async () => {
    await browser?.close();
    if (!server) return;
    await stopAndClean(server);
  });

  /** Runs fetch in the page (its cookies): what the page's own scripts would get. */
  const inPage = <T>(page: Page, url: string) => page.evaluate(async (u) => (await (await fetch(u)).json()) as unknown, url) as Promise<T>;

  it('a one-time link makes a fresh browser the same learner; used again, expired, removed or ended, it is refused with words', async () => {
    const instructor = await instructorCookie(server);
    const workshop = (await call(server, 'POST', '/api/instructor/workshops', { cookie: instructor, body: { title: 'Room 5', lessons: [LESSON], expectedSize: 1, sessionMinutes: 60 } })).body;
    assert.equal((await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/start`, { cookie: instructor })).status, 200);
    const base = `/api/instructor/workshops/${workshop.id}`;
    const dashboard = async () => (await call(server, 'GET', base, { cookie: instructor })).body as DashboardView;

    // Ada joins on her first laptop; the instructor marks her first step done (progress to keep).
    const joined = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name: 'Ada' } });
    assert.equal(joined.status, 200, joined.text);
    const oldLaptop = cookieOf(joined, 'slipway_session');
    const oldSession = (await call(server, 'GET', '/api/session', { cookie: oldLaptop })).body as SessionView;
    assert.ok(oldSession.sandbox, 'Ada has no sandbox after joining');
    const before = await dashboard();
    const ada = before.learners[0]!.id;
    const first = before.columns[0]!;
    const marked = await call(server, 'POST', `${base}/learners/${ada}/steps`, { cookie: instructor, body: { lesson: first.lesson, step: first.step, done: true } });
    assert.equal(marked.status, 200, marked.text);

    // Her learner id is no credential.
    const byId = await call(server, 'POST', '/api/classroom/relink', { body: { token: ada } });
    assert.deepEqual([byId.status, byId.body.error.code], [401, 'bad_credentials']);
    assert.ok(!setsSession(byId), 'a refused exchange set a session cookie');

    // The instructor makes a link on the dashboard: the URL to copy, its QR code, when it stops working.
    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    desk.on('pageerror', (err) => console.log(`  dashboard page error: ${err.message}`));
    await desk.goto(server.instructorLink(server.url));
    await desk.waitForSelector('#create input[name="title"]');
    await desk.goto(`${server.url}/instructor/workshop/?id=${workshop.id}`);
    await desk.click('.learner-name:text-is("Ada")');
    const asked = Date.now();
    const answered = desk.waitForResponse((r) => r.url().endsWith(`/learners/${ada}/relink`));
    await desk.click('#learner-panel button[data-act="relink"]');
    const made = await answered;
    assert.equal(made.status(), 201, await made.text());
    const grant = (await made.json()) as RelinkGrant;
    assert.deepEqual(grant.learner, { id: ada, name: 'Ada' });
    await desk.waitForSelector('#lp-relink:not([hidden])');
    assert.equal(await desk.locator('#lp-relink .lp-relink-url').innerText(), grant.url);
    assert.match(await desk.locator('#lp-relink .lp-relink-text').innerText(), /^Open this link in Ada's new browser \(or scan the code\): it works once, until \d\d:\d\d/);
    assert.match((await desk.locator('#lp-relink img').getAttribute('src')) ?? '', /^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    assert.ok(await desk.locator('#lp-relink img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the QR code did not load');
    await screenshot(desk, 'relink-dashboard');
    const link = new URL(grant.url);
    assert.equal(`${link.origin}${link.pathname}`, `${server.url}/join/`);
    const token = link.searchParams.get('relink')!;
    assert.ok(token.length >= 20, grant.url);
    assert.match(grant.qrSvg, /^<svg[\s\S]*<\/svg>\s*$/);
    assert.ok(grant.expiresAt >= asked + FIFTEEN_MINUTES && grant.expiresAt <= Date.now() + FIFTEEN_MINUTES, `expiresAt ${grant.expiresAt} is not 15 minutes on`);
    assert.ok(!JSON.stringify(server.db.prepare(`SELECT * FROM learner_relinks`).all()).includes(token), 'the store holds a working token');

    // A fresh browser opens it: it lands on the workshop's lesson as Ada, with her progress and sandbox.
    const newLaptop = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    newLaptop.on('pageerror', (err) => console.log(`  new laptop page error: ${err.message}`));
    await newLaptop.goto(grant.url);
    await newLaptop.waitForURL(new RegExp(`/lessons/${LESSON}/`), { timeout: 30_000 });
    const me = await inPage<LearnerState>(newLaptop, '/api/classroom/me');
    assert.deepEqual([me.name, me.status, me.workshop.code], ['Ada', 'ready', workshop.code]);
    const session = await inPage<SessionView>(newLaptop, '/api/session');
    assert.equal(session.sandbox?.id, oldSession.sandbox.id);
    const progress = await inPage<LessonProgressView>(newLaptop, `/api/lessons/${first.lesson}/progress`);
    const step = progress.steps.find((s) => s.id === first.step);
    assert.equal(step?.status, 'done', JSON.stringify(step));
    const after = await dashboard();
    assert.deepEqual(
      after.learners.map((l) => [l.id, l.name, l.done, l.sandbox?.id]),
      [[ada, 'Ada', 1, oldSession.sandbox.id]],
      'the new browser made another learner, or lost her progress or sandbox',
    );
    await screenshot(newLaptop, 'relink-new-browser');

    // The old browser keeps working (see the docs).
    const old = await call(server, 'GET', '/api/classroom/me', { cookie: oldLaptop });
    assert.deepEqual([old.status, old.body.name], [200, 'Ada']);

    // The link again, in a third browser: refused, with what to do, and nobody moved.
    const thief = await (await browser.newContext()).newPage();
    await thief.goto(grant.url);
    await thief.waitForSelector('#problem:not([hidden])', { timeout: 30_000 });
    assert.match(await thief.locator('#problem').innerText(), /already used.*ask the instructor for a new one/);
    assert.equal(new URL(thief.url()).search, '', 'the token stayed in the address bar');
    const thiefMe = await thief.evaluate(async () => (await fetch('/api/classroom/me')).status);
    assert.equal(thiefMe, 404);
    await screenshot(thief, 'relink-used');
    const again = await call(server, 'POST', '/api/classroom/relink', { body: { token } });
    assert.deepEqual([again.status, again.body.error.code], [410, 'relink_used']);
    assert.match(again.body.error.message, /already used.*ask the instructor for a new one/);
    assert.ok(!setsSession(again), 'a used link set a session cookie');

    // A link past its 15 minutes (the server's relink clock moved on).
    const late = (await call(server, 'POST', `${base}/learners/${ada}/relink`, { cookie: instructor })).body as RelinkGrant;
    skew = FIFTEEN_MINUTES + 1000;
    const expired = await call(server, 'POST', '/api/classroom/relink', { body: { token: new URL(late.url).searchParams.get('relink') } });
    skew = 0;
    assert.deepEqual([expired.status, expired.body.error.code], [410, 'relink_expired']);
    assert.match(expired.body.error.message, /expired \(each works for 15 minutes\).*ask the instructor for a new one/);
    assert.ok(!setsSession(expired), 'an expired link set a session cookie');

    // A removed learner gets no link until re-admitted.
    assert.equal((await call(server, 'DELETE', `${base}/learners/${ada}`, { cookie: instructor })).status, 204);
    const removed = await call(server, 'POST', `${base}/learners/${ada}/relink`, { cookie: instructor });
    assert.deepEqual([removed.status, removed.body.error.code], [403, 'removed']);
    assert.match(removed.body.error.message, /Ada was removed from this workshop: re-admit them first/);
    assert.equal((await call(server, 'POST', `${base}/learners/${ada}/readmit`, { cookie: instructor })).status, 200);
    assert.equal((await call(server, 'POST', `${base}/learners/${ada}/relink`, { cookie: instructor })).status, 201);

    // The log has each link made, none refused; a learner's cookie makes no link.
    const log = (await call(server, 'GET', `${base}/audit`, { cookie: instructor })).body as AuditLog;
    const relinks = log.entries.filter((e) => e.action === 'relink_learner');
    assert.equal(relinks.length, 3, JSON.stringify(log.entries.map((e) => e.action)));
    assert.deepEqual(relinks[0]!.learner, { id: ada, name: 'Ada' });
    assert.equal(auditLine(relinks[0]!), 'Instructor made a one-time link moving Ada to another browser');
    const byLearner = await call(server, 'POST', `${base}/learners/${ada}/relink`, { cookie: oldLaptop });
    assert.equal(byLearner.status, 401);

    // After the end, nobody.
    assert.equal((await call(server, 'POST', `${base}/end`, { cookie: instructor, body: { confirm: true } })).status, 200);
    const ended = await call(server, 'POST', `${base}/learners/${ada}/relink`, { cookie: instructor });
    assert.deepEqual([ended.status, ended.body.error.code], [409, 'already_ended']);
    assert.match(ended.body.error.message, /This workshop has ended: nobody can be moved/);
  });
});
