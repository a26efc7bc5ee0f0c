// Two instructors in headless Chromium: the first comes in by the console link, names
// themselves, makes an invite link on /instructor/ and creates and starts a workshop; the second
// opens the invite link (taken out of the address bar) and is logged in under the invited name;
// the same link in a third browser is refused in plain words. The second instructor's action
// appears in the first one's audit log on the dashboard within seconds. A screenshot goes to
// test-results/.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { waitForRunningDashboard } from './support.js';

const LESSONS = path.join(import.meta.dirname, 'fixtures', 'lessons');

describe('several instructors in the browser', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-instrb', SLIPWAY_LESSONS_DIR: LESSONS, SLIPWAY_POOL_SIZE: '0' });
    browser = await launchBrowser('instructor/workshop/index.html');
  });
  after(async () => {
    await browser?.close();
    if (!server) return;
    await stopAndClean(server);
  });

  it('invites a co-instructor by link (once), and shows both instructors in the audit log', async () => {
    const newPage = async () => {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      page.on('pageerror', (err) => console.log(`  page error: ${err.message}`));
      return page;
    };

    // Dana: the console link, then her name.
    const dana = await newPage();
    await dana.goto(server.instructorLink(server.url));
    await dana.waitForSelector('#me-name');
    assert.equal(await dana.inputValue('#me-name'), 'Instructor');
    await dana.fill('#me-name', 'Dana');
    const renamed = dana.waitForResponse((r) => r.url().endsWith('/api/instructor/me') && r.status() === 200);
    await dana.click('#me-form button[type="submit"]');
    await renamed;

    // An invite link for Lee.
    await dana.fill('#invite-form input[name="name"]', 'Lee');
    await dana.click('#invite-form button[type="submit"]');
    await dana.waitForSelector('#invite-link:not([hidden]) code');
    const link = (await dana.locator('#invite-link code').innerText()).trim();
    assert.match(link, /\/instructor\/\?invite=/);
    assert.match(await dana.locator('#invite-link').innerText(), /Give Lee this link \(it works once/);

    // A workshop, started on the dashboard.
    await dana.fill('#create input[name="title"]', 'Two of us');
    await dana.fill('#create input[name="expectedSize"]', '1');
    await dana.click('#create button[type="submit"]');
    await dana.waitForURL(/\/instructor\/workshop\/\?id=/);
    const id = new URL(dana.url()).searchParams.get('id')!;
    await dana.click('#ws-start');
    await waitForRunningDashboard(dana, server);

    // Lee opens the link: logged in as Lee, the token out of the address bar.
    const lee = await newPage();
    await lee.goto(link);
    await lee.waitForSelector('#me-name');
    assert.equal(await lee.inputValue('#me-name'), 'Lee');
    assert.ok(!lee.url().includes('invite='), 'the invite token stays in the address bar');

    // The same link a second time, in another browser: refused, and why.
    const other = await newPage();
    await other.goto(link);
    await other.waitForSelector('#problem:not([hidden])');
    assert.match(await other.locator('#problem').innerText(), /already used/);
    assert.equal(await other.locator('#home').isVisible(), false);

    // Lee gives everyone 5 more minutes; Dana's audit log shows it, with her own actions (the
    // invite came before the workshop existed, so it is in the server's log, not this one's).
    const extended = await lee.evaluate(async (workshop) => {
      const response = await fetch(`/api/instructor/workshops/${workshop}/extend`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ minutes: 5 }) });
      return response.status;
    }, id);
    assert.equal(extended, 200);
    await dana.click('#audit summary');
    await dana.waitForFunction(() => (document.querySelector('#audit-list')?.textContent ?? '').includes('Lee gave everyone 5 more minutes'), null, { timeout: 10_000 });
    const lines = await dana.locator('#audit-list li').allInnerTexts();
    assert.match(lines[0]!, /^\d\d:\d\d Lee gave everyone 5 more minutes$/);
    for (const expected of ['Dana started the workshop', 'Dana created the workshop "Two of us"', 'Lee logged in (invited by Dana)']) {
      assert.ok(lines.some((line) => line.endsWith(expected)), `no "${expected}" in ${JSON.stringify(lines)}`);
    }
    assert.match((await dana.locator('#audit-csv').getAttribute('href')) ?? '', new RegExp(`/api/instructor/workshops/${id}/audit\\.csv$`));
    await dana.locator('#audit').scrollIntoViewIfNeeded();
    await screenshot(dana, 'classroom-audit-log');
  });
});
