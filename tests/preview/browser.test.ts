// The web preview in headless Chromium, in a workshop with two learners and the instructor:
// in lesson 4 Ada clicks the 8000 chip of her sandbox panel and the new tab shows the visit
// counter, one more on reload; in lesson 2 Bob's "Open preview" button first shows the
// "Nothing answers" page, which reloads itself into his edited nginx page once nginx runs;
// Ada's preview answers 403 in Bob's browser; the instructor opens Ada's preview from the
// dashboard. Then a hostile app in Bob's sandbox (hostile.html) runs in Ada's browser (Bob sent
// her a link) and in the instructor's: every attempt on Slipway's API, terminal, cookies and
// Ada's preview fails, nothing changed on the server, and Slipway still knows Ada as Ada.
//
// The sandboxes are set up partly with the keyboard (the commands that start the apps are
// typed into the terminal) and partly with sh() (writing compose.yaml, editing index.html,
// the hostile app's file), which typing would only make slower without testing more.
// Screenshots (light and dark) go to test-results/preview-*.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { LEARNER_EVENTS_PATH } from '../../contract/learner-events.js';
import { OWNER_PATH } from '../../contract/terminal.js';
import { call, instructorCookie, waitForRunningDashboard } from '../classroom/support.js';
import { launchBrowser, RESULTS, screenshot, waitForScreen } from '../support/browser.js';
import { sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PREVIEW_PORTS = { from: 4480, to: 4495 };

const COMPOSE = `services:
  web:
    build: .
    ports:
      - "8000:5000"
    environment:
      REDIS_HOST: cache
    depends_on:
      - cache
  cache:
    image: redis:8
    volumes:
      - redis-data:/data
volumes:
  redis-data:
`;

interface Learner {
  context: BrowserContext;
  page: Page;
  sandbox: string;
  session: string;
}

/** The text of a tab's page once it matches, across the navigations a preview tab goes through. */
async function waitForText(page: Page, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await page.locator('body').innerText({ timeout: 2_000 }).catch(() => text);
    const match = pattern.exec(text);
    if (match) return text;
    await page.waitForTimeout(250);
  }
  throw new Error(`the tab (${page.url()}) never showed ${pattern}; it shows:\n${text}`);
}

/** Clicks something that opens a tab, and returns the tab. */
async function opensTab(context: BrowserContext, target: Locator): Promise<Page> {
  const [tab] = await Promise.all([context.waitForEvent('page', { timeout: 15_000 }), target.click()]);
  tab.on('pageerror', (err) => console.log(`  preview tab error: ${err.message}`));
  return tab;
}

const visits = (text: string) => Number(/visited (\d+) times?/.exec(text)![1]);

/** What Slipway's session API says this browser is, asked from a page of Slipway's. */
const sessionAsSeenBy = (page: Page) =>
  page.evaluate(async () => {
    const response = await fetch('/api/session');
    const body = (await response.json().catch(() => ({}))) as { id?: string; sandbox?: { id: string }; error?: { code: string } };
    return { status: response.status, id: body.id, sandbox: body.sandbox?.id, code: body.error?.code };
  });

describe('web preview in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let workshop: string;
  let instructor: Page;
  let ada: Learner;
  let bob: Learner;
  /** Ada's counter in a tab of her own, and its origin (a preview port of its own). */
  let adaTab: Page;
  let adaOrigin: string;

  const join = async (name: string, code: string): Promise<Learner> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.log(`  ${name} page error: ${err.message}`));
    await page.goto(`${server.url}/join/?code=${code}`);
    await page.fill('#name', name);
    await page.click('#submit');
    await page.waitForURL(/\/lessons\//, { timeout: 60_000 });
    await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 60_000 });
    const info = await page.locator('#sandbox-info').innerText();
    const view = await sessionAsSeenBy(page);
    assert.ok(view.id && view.sandbox && info.includes(view.sandbox), `${name} has a session and a sandbox (${info})`);
    return { context, page, sandbox: view.sandbox, session: view.id };
  };
  const type = async (page: Page, line: string) => {
    await page.locator('slipway-terminal .terminal-screen').click();
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  };

  before(async () => {
    server = await startTestServer({
      SLIPWAY_INSTANCE: 'test-preview-ui',
      SLIPWAY_LESSONS_DIR: path.resolve('lessons'),
      SLIPWAY_POOL_SIZE: '0',
      SLIPWAY_PREVIEW_PORTS: `${PREVIEW_PORTS.from}-${PREVIEW_PORTS.to}`,
    });
    browser = await launchBrowser('instructor/workshop/index.html');
    const cookie = await instructorCookie(server);
    const created = await call(server, 'POST', '/api/instructor/workshops', { cookie, body: { title: 'Previews', lessons: ['compose-flask-redis', 'env-and-volumes'], expectedSize: 2, sessionMinutes: 60 } });
    assert.equal(created.status, 201, created.text);
    workshop = created.body.id as string;
    const started = await call(server, 'POST', `/api/instructor/workshops/${workshop}/start`, { cookie });
    assert.equal(started.status, 200, started.text);

    instructor = await (await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' })).newPage();
    instructor.on('pageerror', (err) => console.log(`  instructor page error: ${err.message}`));
    await instructor.goto(server.instructorLink(server.url));
    await instructor.waitForSelector('#create input[name="title"]');
    await instructor.goto(`${server.url}/instructor/workshop/?id=${workshop}`);
    await waitForRunningDashboard(instructor, server);

    [ada, bob] = [await join('Ada', created.body.code as string), await join('Bob', created.body.code as string)];
  });
  after(async () => {
    await browser?.close();
    if (!server) return;
    await stopAndClean(server);
  });

  it('lesson 4: the 8000 chip opens the visit counter in a new tab, and a reload counts one more', async () => {
    const page = ada.page;
    assert.match(page.url(), /\/lessons\/compose-flask-redis\//);
    await waitForScreen(page, /#\s*$/, 60_000);
    await sh(server, ada.sandbox, `cd ~/workshop/counter && cat > compose.yaml <<'EOF'\n${COMPOSE}EOF`);
    await type(page, 'cd ~/workshop/counter && docker compose up -d');
    const chip = page.locator('.sandbox-panel .port-chip[data-preview-port="8000"]');
    await chip.waitFor({ timeout: 240_000 });
    assert.equal(await chip.innerText(), '8000→5000');

    adaTab = await opensTab(ada.context, chip);
    // Flask may still be starting: the "Nothing answers" page reloads itself until it answers.
    const first = visits(await waitForText(adaTab, /visited \d+ times?/, 90_000));
    const url = new URL(adaTab.url());
    adaOrigin = url.origin;
    assert.notEqual(url.origin, new URL(server.url).origin, 'the preview is on an origin of its own');
    assert.ok(Number(url.port) >= PREVIEW_PORTS.from && Number(url.port) <= PREVIEW_PORTS.to, `a preview port (${url.port})`);
    assert.equal(url.search, '', 'the link\'s capability is gone from the address bar');
    assert.equal(await adaTab.evaluate(() => window.opener), null, 'the app gets no handle on the lesson page');

    await adaTab.reload();
    // Read until the reloaded page is there (the old one may still be read first). Chromium may
    // ask for the page more than once on a reload, so the count is at least one more, not exactly.
    let second = first;
    const deadline = Date.now() + 60_000;
    while (second <= first && Date.now() < deadline) second = visits(await waitForText(adaTab, /visited \d+ times?/));
    assert.ok(second > first, `the reload counted ${second}, after ${first}`);
    // The same counter from the terminal: the preview showed the learner's own app. (The step's
    // own check visits the page too, twice a look, so the terminal may see more than one more.)
    const curl = await sh(server, ada.sandbox, 'curl -s http://localhost:8000/');
    assert.ok(visits(curl) > second, `the terminal saw ${visits(curl)} visits, the preview ${second}`);
    await screenshot(adaTab, 'preview-lesson4-counter');

    await page.bringToFront();
    const panel = page.locator('.sandbox-panel');
    await panel.screenshot({ path: path.join(RESULTS, 'preview-panel-chips-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await panel.screenshot({ path: path.join(RESULTS, 'preview-panel-chips-dark.png') });
    await screenshot(page, 'preview-lesson4-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it("lesson 2: Open preview says nothing answers yet, then shows the learner's edited index.html", async () => {
    const page = bob.page;
    await page.goto(`${server.url}/lessons/env-and-volumes/`);
    await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 60_000 });
    await waitForScreen(page, /#\s*$/, 60_000);
    const button = page.locator('.prose .preview-open[data-preview-port="8080"]').first();
    await button.scrollIntoViewIfNeeded();
    await page.locator('.prose p:has(.preview-open)').first().screenshot({ path: path.join(RESULTS, 'preview-lesson-button-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.locator('.prose p:has(.preview-open)').first().screenshot({ path: path.join(RESULTS, 'preview-lesson-button-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // Before nginx runs: the clear page, which tries again by itself.
    const tab = await opensTab(bob.context, button);
    await waitForText(tab, /Nothing answers on port 8080 in your sandbox: is the container running and published\?/);
    await screenshot(tab, 'preview-nothing-answers-light');
    await tab.emulateMedia({ colorScheme: 'dark' });
    await screenshot(tab, 'preview-nothing-answers-dark');

    await sh(server, bob.sandbox, "cd ~/workshop/env-and-volumes && sed -i 's/Edit me!/Bob was here, in the browser/' site/index.html");
    await type(page, 'cd ~/workshop/env-and-volumes && docker run -d --name web -p 8080:80 -v "$PWD/site":/usr/share/nginx/html:ro nginx:1.26');
    await waitForText(tab, /Bob was here, in the browser/, 90_000);
    await tab.emulateMedia({ colorScheme: 'light' });
    await screenshot(tab, 'preview-lesson2-nginx');
    await tab.close();
  });

  it("another learner's preview answers 403 in the browser", async () => {
    const tab = await bob.context.newPage();
    const response = await tab.goto(`${adaOrigin}/`);
    assert.equal(response?.status(), 403);
    assert.match(await tab.locator('body').innerText(), /Open the preview from Slipway/);
    assert.doesNotMatch(await tab.content(), /visited/);
    await tab.close();
  });

  it("the instructor opens a learner's preview from the dashboard", async () => {
    await instructor.click('.learner-name:text-is("Ada")');
    const form = instructor.locator('#lp-preview');
    await form.locator('input[name="port"]').fill('8000');
    const tab = await opensTab(instructor.context(), form.locator('button[type="submit"]'));
    await waitForText(tab, /visited \d+ times?/);
    assert.equal(new URL(tab.url()).origin, adaOrigin, "the instructor's tab shows Ada's preview");
    await screenshot(instructor, 'preview-dashboard', { fullPage: true });
    await tab.close();
    // A port the sandbox's own engine uses is refused, in words beside the button.
    await form.locator('input[name="port"]').fill('2375');
    await form.locator('button[type="submit"]').click();
    await instructor.waitForSelector('#lp-preview .preview-status:not([hidden])');
    assert.match(await form.locator('.preview-status').innerText(), /2375 is the sandbox's own Docker Engine/);
    await instructor.locator('#learner-panel').screenshot({ path: path.join(RESULTS, 'preview-dashboard-refused.png') });
  });

  it("a hostile app gets nothing from the viewer's Slipway: Ada's browser and the instructor's", async () => {
    const bobsCookie = (await bob.context.cookies(server.url)).find((c) => c.name === 'slipway_session')!;
    const config = {
      slipway: server.url,
      workshop,
      learner: await instructor.locator('.learner-name:text-is("Ada")').getAttribute('data-learner'),
      otherPreview: adaOrigin,
      otherGrant: `slipway_preview_${new URL(adaOrigin).port}`,
      plantSession: bobsCookie.value,
      eventsPath: LEARNER_EVENTS_PATH,
      terminalPath: OWNER_PATH,
    };
    const html = fs.readFileSync(path.join(HERE, 'hostile.html'), 'utf8').replace('__CONFIG__', JSON.stringify(config));
    await sh(server, bob.sandbox, `mkdir -p /root/hostile && cat > /root/hostile/index.html <<'HTML'\n${html}\nHTML`);
    await type(bob.page, 'docker run -d --name hostile -p 8081:8000 -v /root/hostile:/srv python:3.13-slim python3 -m http.server 8000 -d /srv');
    await bob.page.locator('.sandbox-panel .port-chip[data-preview-port="8081"]').waitFor({ timeout: 60_000 });

    const expectBlocked = async (tab: Page, who: string) => {
      await tab.waitForSelector('body[data-done="true"]', { timeout: 90_000 });
      const results = await tab.locator('#results li').evaluateAll((items) => items.map((li) => ({ name: (li as HTMLElement).dataset.attempt!, outcome: (li as HTMLElement).dataset.outcome!, text: li.textContent })));
      const byName = new Map(results.map((r) => [r.name, r]));
      assert.equal(byName.get('control-own-origin')?.outcome, 'allowed', `${who}: the hostile page's own fetch works (${JSON.stringify(results)})`);
      const reads = ['read-session', 'read-inventory', 'read-workshops', 'ask-preview-link', 'ask-instructor-preview-link', 'read-other-preview', 'learner-events', 'terminal', 'frame-slipway', 'frame-other-preview', 'read-cookies', 'opener'];
      for (const name of reads) assert.equal(byName.get(name)?.outcome, 'blocked', `${who}: ${byName.get(name)?.text ?? `${name} never reported`}`);
      assert.equal(byName.get('reset-own-sandbox')?.outcome, 'sent');
      assert.equal(byName.get('plant-cookies')?.outcome, 'planted');
      assert.doesNotMatch(byName.get('plant-cookies')!.text ?? '', /slipway_session=s%3A/, `${who}: no signed Slipway cookie is visible to the page`);
      return results;
    };

    // Bob sends Ada a fresh link to his app; she opens it.
    const bobsLink = await bob.page.evaluate(async () => {
      const response = await fetch('/api/session/preview', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ port: 8081 }) });
      return ((await response.json()) as { url: string }).url;
    });
    const adaSees = await ada.context.newPage();
    await adaSees.goto(bobsLink);
    await expectBlocked(adaSees, 'Ada');
    await screenshot(adaSees, 'preview-hostile');

    // The instructor opens Bob's app from the dashboard.
    await instructor.click('.learner-name:text-is("Bob")');
    await instructor.locator('#lp-preview input[name="port"]').fill('8081');
    const instructorSees = await opensTab(instructor.context(), instructor.locator('#lp-preview button[type="submit"]'));
    await expectBlocked(instructorSees, 'instructor');

    // Nothing changed: Ada's and Bob's sandboxes are the same ones, the workshop runs, the
    // instructor is still the instructor, and Slipway knows Ada as Ada (a planted copy of Bob's
    // session is at most refused once, and removed; never taken for hers).
    for (const learner of [ada, bob]) assert.ok(server.sessions.liveSandbox(server.sessions.get(learner.session)!)?.id === learner.sandbox, 'the sandbox was not reset');
    const dashboard = await call(server, 'GET', `/api/instructor/workshops/${workshop}`, { cookie: await instructorCookie(server) });
    assert.equal(dashboard.body.workshop.state, 'running');
    assert.deepEqual(await instructor.evaluate(async () => ((await (await fetch('/api/instructor/status')).json()) as { instructor: boolean }).instructor), true);
    let seen = await sessionAsSeenBy(ada.page);
    assert.notEqual(seen.id, bob.session, 'Ada is never taken for Bob');
    if (seen.status !== 200) {
      assert.equal(seen.code, 'conflicting_cookies');
      seen = await sessionAsSeenBy(ada.page);
    }
    assert.equal(seen.status, 200);
    assert.equal(seen.id, ada.session);
    assert.equal(seen.sandbox, ada.sandbox);
    // Her own preview still opens for her: the planted grant did not replace hers.
    await adaTab.reload();
    await waitForText(adaTab, /visited \d+ times?/);
  });
});
