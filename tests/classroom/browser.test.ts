// The classroom in headless Chromium: an instructor page (reached through the one-time link)
// and two learner pages (joined with the code). A learner completes a step in their terminal
// and the instructor's grid cell turns done live; the instructor opens that learner's terminal
// read-only and sees the learner's last command. Then the join page (a long name refused as
// typed, a new name asked about), the roster (remove, show removed, re-admit) and an ended
// workshop's join page. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, waitForScreen } from '../support/browser.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { call, instructorCookie, waitForRunningDashboard } from './support.js';

const LESSON = 'hello-containers';

describe('classroom in the browser', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-classb', SLIPWAY_LESSONS_DIR: path.resolve('lessons'), SLIPWAY_POOL_SIZE: '0' });
    browser = await launchBrowser('instructor/workshop/index.html');
  });
  after(async () => {
    await browser?.close();
    if (!server) return;
    await stopAndClean(server);
  });

  it('a learner finishes a step and the instructor sees it live, then views their terminal', async () => {
    // The instructor opens the printed one-time link and creates the workshop on the page.
    const instructor = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    instructor.on('pageerror', (err) => console.log(`  instructor page error: ${err.message}`));
    instructor.on('dialog', (dialog) => void dialog.accept());
    await instructor.goto(server.instructorLink(server.url));
    await instructor.waitForSelector('#create input[name="title"]');
    assert.ok(!instructor.url().includes('token='), 'the one-time token stays in the address bar');
    await instructor.fill('#create input[name="title"]', 'Docker basics, room 2');
    await instructor.fill('#create input[name="expectedSize"]', '2');
    await instructor.fill('#create input[name="sessionMinutes"]', '90');
    await screenshot(instructor, 'classroom-instructor-home');
    await instructor.click('#create button[type="submit"]');
    await instructor.waitForURL(/\/instructor\/workshop\/\?id=/);
    await instructor.click('#ws-start');
    await waitForRunningDashboard(instructor, server);
    const code = (await instructor.locator('#ws-code').innerText()).trim();
    assert.match(code, /^[A-Z0-9]{6}$/);
    await instructor.waitForFunction(() => (document.querySelector('#warm .warm-text')?.textContent ?? '').includes('2 ready'), null, { timeout: 60_000 });

    // Two learners join with the code and a name.
    const learners: Page[] = [];
    for (const name of ['Ada', 'Grace']) {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      page.on('pageerror', (err) => console.log(`  ${name} page error: ${err.message}`));
      await page.goto(`${server.url}/join/?code=${code}`);
      await page.fill('#name', name);
      if (name === 'Ada') await screenshot(page, 'classroom-join');
      await page.click('#submit');
      await page.waitForURL(new RegExp(`/lessons/${LESSON}/`), { timeout: 30_000 });
      await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 60_000 });
      await waitForScreen(page, /#\s*$/);
      learners.push(page);
    }
    const [ada] = learners as [Page, Page];
    await ada.waitForSelector('#workshop-bar:not([hidden])');
    assert.match(await ada.locator('#workshop-bar').innerText(), /Docker basics, room 2 · Ada[\s\S]*(1 h 29|1 h 30) min left/);

    const adaCell = instructor.locator('tr:has(.learner-name:text-is("Ada")) td.cell[data-step="hello-world"]');
    await adaCell.waitFor({ timeout: 30_000 });
    assert.notEqual(await adaCell.getAttribute('data-status'), 'done');

    // Ada completes the first step in her terminal.
    await ada.locator('slipway-terminal .terminal-screen').click();
    await ada.keyboard.type('docker run hello-world');
    await ada.keyboard.press('Enter');
    await ada.waitForSelector('li.step[data-step="hello-world"][data-status="done"]', { timeout: 60_000 });
    // Her last command (short output, so it is on the screen rather than scrolled away).
    await ada.keyboard.type('docker ps -a');
    await ada.keyboard.press('Enter');
    await waitForScreen(ada, /docker ps -a[\s\S]*hello-world[\s\S]*#\s*$/);
    await screenshot(ada, 'classroom-learner');

    // The instructor's cell turns done by itself (no reload).
    await instructor.waitForSelector('tr:has(.learner-name:text-is("Ada")) td.cell[data-step="hello-world"][data-status="done"]', { timeout: 15_000 });
    const graceCell = instructor.locator('tr:has(.learner-name:text-is("Grace")) td.cell[data-step="hello-world"]');
    assert.notEqual(await graceCell.getAttribute('data-status'), 'done');
    assert.match(await instructor.locator('#chart-caption').innerText(), /^1 of /);
    // Her `docker ps -a` was no attempt at the next step (running a command in a Debian
    // container): that cell is not failing.
    assert.notEqual(await instructor.locator('tr:has(.learner-name:text-is("Ada")) td.cell[data-step="run-a-command"]').getAttribute('data-status'), 'failing');

    // The instructor opens Ada's terminal read-only and sees her last command.
    await instructor.click('.learner-name:text-is("Ada")');
    await instructor.click('#learner-panel button[data-act="view"]');
    await instructor.waitForSelector('#viewer[data-state="connected"][data-mode="ro"]', { timeout: 30_000 });
    await waitForScreen(instructor, /docker ps -a[\s\S]*hello-world/, 30_000, '#viewer');
    await screenshot(instructor, 'classroom-dashboard', { fullPage: true });

    // Ada opens a second terminal; the instructor lists her terminals and watches the second.
    await ada.getByRole('button', { name: '+ New terminal' }).click();
    await ada.waitForSelector('#terminal-2[data-state="connected"]', { timeout: 30_000 });
    await waitForScreen(ada, /#\s*$/, 30_000, '#terminal-2');
    await ada.locator('#terminal-2 .terminal-screen').click();
    await ada.keyboard.type('echo in-terminal-$((1+1))');
    await ada.keyboard.press('Enter');
    await waitForScreen(ada, /in-terminal-2\n/, 30_000, '#terminal-2');
    await instructor.click('#learner-panel button[data-act="view"]');
    await instructor.getByRole('tab', { name: 'Terminal 2' }).click();
    await instructor.waitForSelector('#viewer[data-state="connected"][data-mode="ro"]', { timeout: 30_000 });
    await waitForScreen(instructor, /in-terminal-2\n/, 30_000, '#viewer');

    // The exported CSV says the same as the grid.
    const id = new URL(instructor.url()).searchParams.get('id')!;
    const csv = await call(server, 'GET', `/api/instructor/workshops/${id}/results.csv`, { cookie: await instructorCookie(server) });
    // learner_id,learner,joined_at,removed,removed_at,readmitted_at,lesson,step,status,marked_by,done_at,skipped_at,attempts,hints_shown,solution_opened_at,runs
    assert.match(csv.text, /\r\n[0-9a-f]{16},Ada,\d{4}-\d\d-\d\dT[^,]+Z,false,,,hello-containers,hello-world,done,,\d{4}-\d\d-\d\dT[^,]+Z,,\d+,\d+,[^,]*,\d+\r\n/);
    assert.match(csv.text, /\r\n[0-9a-f]{16},Grace,[^,]+Z,false,,,hello-containers,hello-world,(working|failing|not_started),,,,\d+,\d+,[^,]*,\d+\r\n/);

    // Grace skips the first step: her page shows it skipped (not done), the next step is checked
    // from then on and turns green by itself, and the grid and both exports say "skipped".
    const grace = learners[1]!;
    await grace.click('li.step[data-step="hello-world"] .skip-step');
    await grace.waitForSelector('li.step[data-step="hello-world"][data-status="skipped"]', { timeout: 15_000 });
    assert.match(await grace.locator('li.step[data-step="hello-world"] .step-message').innerText(), /Skipped/);
    await grace.locator('slipway-terminal .terminal-screen').click();
    await grace.keyboard.type('docker run debian:trixie-slim echo Hello from Debian');
    await grace.keyboard.press('Enter');
    await grace.waitForSelector('li.step[data-step="run-a-command"][data-status="done"]', { timeout: 60_000 });
    assert.equal(await grace.locator('li.step[data-step="hello-world"]').getAttribute('data-status'), 'skipped');
    assert.match(await grace.locator('.step-count').innerText(), /^1 of \d+ done$/);
    await screenshot(grace, 'classroom-learner-skipped');
    await instructor.waitForSelector('tr:has(.learner-name:text-is("Grace")) td.cell[data-step="hello-world"][data-status="skipped"]', { timeout: 15_000 });
    await instructor.waitForSelector('tr:has(.learner-name:text-is("Grace")) td.cell[data-step="run-a-command"][data-status="done"]', { timeout: 15_000 });
    await screenshot(instructor, 'classroom-dashboard-skipped', { fullPage: true });
    const after = await call(server, 'GET', `/api/instructor/workshops/${id}/results.csv`, { cookie: await instructorCookie(server) });
    assert.match(after.text, /\r\n[0-9a-f]{16},Grace,[^,]+Z,false,,,hello-containers,hello-world,skipped,,,\d{4}-\d\d-\d\dT[^,]+Z,\d+,\d+,[^,]*,\d+\r\n/);
    const json = await call(server, 'GET', `/api/instructor/workshops/${id}/results.json`, { cookie: await instructorCookie(server) });
    const graceJson = (JSON.parse(json.text) as { learners: Array<{ name: string; steps: Array<{ step: string; status: string; skippedAt: string | null }> }> }).learners.find((l) => l.name === 'Grace')!;
    const skippedStep = graceJson.steps.find((st) => st.step === 'hello-world')!;
    assert.equal(skippedStep.status, 'skipped');
    assert.match(skippedStep.skippedAt ?? '', /^\d{4}-\d\d-\d\dT.*Z$/);

    // The join page: a long name is refused as typed (never cut), and reopening the link under
    // another name asks; changing it renames Ada on the instructor's grid.
    await ada.goto(`${server.url}/join/?code=${code}`);
    await ada.waitForSelector('#submit:text-is("Continue as Ada")', { timeout: 10_000 }).catch(async (err: Error) => {
      const me = await ada.evaluate(async () => (await fetch('/api/classroom/me')).text());
      throw new Error(`the join page does not offer "Continue as Ada" (its button says "${await ada.locator('#submit').innerText()}"; /api/classroom/me: ${me}): ${err.message}`);
    });
    await ada.fill('#name', 'A'.repeat(52));
    assert.equal(await ada.inputValue('#name'), 'A'.repeat(52), 'the page cut the name');
    assert.equal(await ada.locator('#name-problem').innerText(), 'a name is at most 40 characters; yours has 52');
    await ada.click('#submit');
    await ada.waitForSelector('#problem:not([hidden])');
    assert.match(await ada.locator('#problem').innerText(), /a name is at most 40 characters; yours has 52/);
    await ada.fill('#name', 'Ada Lovelace');
    await ada.click('#submit');
    await ada.waitForSelector('#name-choice:not([hidden])');
    assert.equal(await ada.locator('#name-choice-text').innerText(), 'You joined this workshop as Ada. Continue as Ada, or change your name to Ada Lovelace?');
    await screenshot(ada, 'classroom-join-rename');
    await ada.click('#change-name');
    await ada.waitForURL(new RegExp(`/lessons/${LESSON}/`), { timeout: 30_000 });
    await instructor.waitForSelector('.learner-name:text-is("Ada Lovelace")', { timeout: 15_000 });

    // The roster: Grace, removed, leaves the grid but is listed with "Show removed", and is re-admitted.
    await instructor.click('.learner-name:text-is("Grace")');
    await instructor.click('#learner-panel button[data-act="remove"]');
    await instructor.waitForSelector('tr:has(.learner-name:text-is("Grace"))', { state: 'detached', timeout: 30_000 });
    await instructor.check('#show-removed');
    await instructor.waitForSelector('tr[data-removed="true"]:has(.learner-name:text-is("Grace"))');
    assert.match(await instructor.locator('#lp-meta').innerText(), /removed at/);
    await screenshot(instructor, 'classroom-dashboard-removed', { fullPage: true });
    await instructor.click('#learner-panel button[data-act="readmit"]');
    await instructor.waitForSelector('tr:not([data-removed]):has(.learner-name:text-is("Grace"))', { timeout: 60_000 });
    assert.match(await instructor.locator('#lp-meta').innerText(), /re-admitted at/);

    // Once the workshop has ended, its join page says so and offers no "Continue as".
    await instructor.click('#ws-end');
    await instructor.waitForSelector('.dashboard[data-state="ended"]', { timeout: 60_000 });
    await ada.goto(`${server.url}/join/?code=${code}`);
    await ada.waitForSelector('#problem:not([hidden])');
    assert.match(await ada.locator('#problem').innerText(), /has ended/);
    assert.equal(await ada.locator('#submit').isVisible(), false, 'the join page of an ended workshop still offers to continue');
  });
});
