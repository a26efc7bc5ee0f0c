// Pages inside a workshop: a learner who joined one sees its lessons on the home page, numbered
// as the workshop numbers them, the others set apart; a browser that joined none is offered the
// way to join. Real server, real sandbox, real Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { joinedContext, startedWorkshop } from './support.js';

/** The workshop's lessons, in its order (not the curriculum's). */
const WORKSHOP_LESSONS = ['first-dockerfile', 'hello-containers'];

describe('pages inside a workshop', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    browser = await launchBrowser('index.html');
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-scoped', SLIPWAY_POOL_SIZE: '0' });
  });
  after(async () => {
    await browser?.close();
    if (!server) return;
    await stopAndClean(server);
  });

  it('the home page offers to join, and once joined shows the workshop\'s lessons first, in its numbering', async () => {
    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(`${server.url}/`);
    assert.equal(await stranger.locator('#join-line a').getAttribute('href'), '/join/');
    assert.equal(await stranger.locator('#workshop-line').isVisible(), false);

    const { workshop } = await startedWorkshop(server, { title: 'Dockerfiles first', lessons: WORKSHOP_LESSONS, expectedSize: 1, sessionMinutes: 30 });
    const context = await joinedContext(server, browser, workshop.code, 'Ada');
    const learner = await context.newPage();
    await learner.goto(`${server.url}/`);
    await learner.locator('#workshop-line').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await learner.locator('#workshop-line').innerText(), 'You are in the workshop "Dockerfiles first" as Ada: its 2 lessons are marked below.');
    assert.equal(await learner.locator('#join-line').isVisible(), false);
    const cards = await learner.locator('.lesson-card').evaluateAll((all) => all.map((card) => ({ slug: (card as HTMLElement).dataset.lesson, number: card.querySelector('.number')?.textContent, outside: card.classList.contains('outside-workshop') })));
    assert.deepEqual(cards.slice(0, 2), [
      { slug: 'first-dockerfile', number: '1', outside: false },
      { slug: 'hello-containers', number: '2', outside: false },
    ]);
    assert.ok(cards.length > 2 && cards.slice(2).every((card) => card.outside && card.number === '·'), `the other lessons are set apart: ${JSON.stringify(cards.slice(2))}`);
    await screenshot(learner, 'home-in-workshop');
  });
});
