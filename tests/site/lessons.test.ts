// The lesson pages end to end in headless Chromium: a learner types the first steps of lesson 1
// with the keyboard and watches them turn green by themselves; then completes lesson 4 with
// the "Run" buttons while the sandbox panel shows the compose containers. Screenshots of a
// lesson page (light and dark, desktop and narrow) go to test-results/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { lessonSchema, type Lesson } from '../../lessons/schema.js';
import { launchBrowser, screenText, screenshot, waitForScreen } from '../support/browser.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

const LESSONS = path.resolve('lessons');

function lessonIn(folder: string): Lesson {
  const text = fs.readFileSync(path.join(LESSONS, folder, 'index.mdx'), 'utf8');
  return lessonSchema.parse(parse(/^---\n([\s\S]*?)\n---/.exec(text)![1]!));
}
const folderStartingWith = (prefix: string) => fs.readdirSync(LESSONS).find((f) => f.startsWith(prefix))!;

const stepStatus = (page: Page, step: string) => page.locator(`li.step[data-step="${step}"]`).getAttribute('data-status');

async function waitForStep(page: Page, step: string, timeoutMs = 60_000): Promise<void> {
  await page.waitForSelector(`li.step[data-step="${step}"][data-status="done"]`, { timeout: timeoutMs });
}

/** Waits until the shell shows its prompt again and the screen has stopped changing. */
async function waitForPrompt(page: Page, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let previous = '';
  while (Date.now() < deadline) {
    const text = (await screenText(page)).trimEnd();
    if (/#$/.test(text) && text === previous) return;
    previous = text;
    await page.waitForTimeout(400);
  }
  throw new Error(`the prompt did not come back; the screen shows:\n${previous}`);
}

describe('lesson pages', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-site', SLIPWAY_LESSONS_DIR: LESSONS });
    browser = await launchBrowser('lessons');
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (err) => console.log(`  page error: ${err.message}`));
  });
  after(async () => {
    await browser?.close();
    if (server) await stopAndClean(server);
  });

  it('lists the curriculum on the home page', async () => {
    await page.goto(server.url);
    const titles = await page.locator('.lesson-card .title').allInnerTexts();
    assert.ok(titles.length >= 8, `expected the 8 lessons, found ${titles.length}`);
    await screenshot(page, 'home');
  });

  it('lesson 1: the first two steps turn green as the learner types them', async () => {
    const folder = folderStartingWith('01-');
    const lesson = lessonIn(folder);
    await page.goto(`${server.url}/lessons/${lesson.slug ?? folder.replace(/^\d+-/, '')}/`);
    await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 60_000 });
    await waitForScreen(page, /#\s*$/);
    for (const step of lesson.steps.slice(0, 2)) {
      assert.notEqual(await stepStatus(page, step.id), 'done', `${step.id} is done before it was worked on`);
      await page.locator('slipway-terminal .terminal-screen').click();
      for (const command of step.solution) {
        await page.keyboard.type(command);
        await page.keyboard.press('Enter');
        await waitForPrompt(page);
      }
      await waitForStep(page, step.id);
      const label = await page.locator(`li.step[data-step="${step.id}"]`).getAttribute('aria-label');
      assert.match(label ?? '', / — done$/);
    }
    assert.match(await page.locator('.step-count').innerText(), /^2 of \d+ done$/);
    await screenshot(page, 'lesson-desktop-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(300);
    await screenshot(page, 'lesson-desktop-dark');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(500);
    await screenshot(page, 'lesson-narrow-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForTimeout(300);
    await screenshot(page, 'lesson-narrow-light');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('lesson 4: completed with the Run buttons; the sandbox panel shows the compose containers', async () => {
    const folder = folderStartingWith('04-');
    const lesson = lessonIn(folder);
    await page.goto(`${server.url}/lessons/${lesson.slug ?? folder.replace(/^\d+-/, '')}/`);
    await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 60_000 });
    await waitForScreen(page, /#\s*$/);
    const buttons = page.locator('.prose .code-run');
    const count = await buttons.count();
    assert.ok(count >= lesson.steps.length, `only ${count} Run buttons for ${lesson.steps.length} steps`);
    // Which step's section each button is in (the sections' headings are the steps' titles), so
    // that, like a learner, the test moves on to a section once the step before it turned green.
    const titles = lesson.steps.map((st) => st.title);
    const sectionOf = await page.evaluate((stepTitles) => {
      let section = -1;
      const found: number[] = [];
      for (const node of document.querySelectorAll('.prose h2, .prose .code-run')) {
        if (node.tagName === 'H2') {
          const at = stepTitles.indexOf((node.textContent ?? '').trim());
          if (at >= 0) section = at;
        } else found.push(section);
      }
      return found;
    }, titles);
    let composeSeen = false;
    for (let i = 0; i < count; i++) {
      const section = sectionOf[i] ?? -1;
      if (section > 0 && (sectionOf[i - 1] ?? -1) < section) await waitForStep(page, lesson.steps[section - 1]!.id, 60_000);
      await buttons.nth(i).scrollIntoViewIfNeeded();
      await buttons.nth(i).click();
      await waitForPrompt(page);
      if (!composeSeen) composeSeen = (await page.locator('.sandbox-panel .containers .meta').allInnerTexts()).some((t) => t.startsWith('compose:'));
    }
    for (const step of lesson.steps) await waitForStep(page, step.id, 30_000);
    assert.ok(composeSeen, 'the sandbox panel never showed a compose container');
    await screenshot(page, 'lesson4-done');
  });
});
