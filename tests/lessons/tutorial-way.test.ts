// A learner who learnt Compose from another tutorial, in headless Chromium: on the lesson
// "Compose: Flask + Redis" they type a compose.yaml as most tutorials write it (environment as a
// list, no `--appendonly yes`, no `init: true`) and the commands they know, with the keyboard,
// and every one of the 9 steps turns green by itself, in order. Redis keeps its data across
// `down` / `up -d` without appendonly: it saves on shutdown.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, waitForScreen } from '../support/browser.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

const LESSON = 'compose-flask-redis';

const TUTORIAL_COMPOSE = [
  "cat > compose.yaml <<'EOF'",
  'services:',
  '  web:',
  '    build: .',
  '    ports:',
  '      - "8000:5000"',
  '    environment:',
  '      - REDIS_HOST=cache',
  '    depends_on:',
  '      - cache',
  '  cache:',
  '    image: "redis:8"',
  '    volumes:',
  '      - redis-data:/data',
  'volumes:',
  '  redis-data:',
  'EOF',
];

describe('lesson 4 done the way another tutorial teaches it', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  /** Types a line into the terminal as a person would, and presses Enter. */
  const type = async (line: string) => {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  };
  const done = (step: string, timeout = 30_000) => page.waitForSelector(`li.step[data-step="${step}"][data-status="done"]`, { timeout });

  before(async () => {
    server = await startTestServer({ SLIPWAY_LESSONS_DIR: path.resolve('lessons'), SLIPWAY_POOL_SIZE: '0' });
    browser = await launchBrowser(path.join('lessons', LESSON, 'index.html'));
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (err) => console.log(`  page error: ${err.message}`));
  });
  after(async () => {
    // What the learner saw, for a person to look at when a step did not turn green.
    if (page) await screenshot(page, 'lesson4-tutorial-way-last', { fullPage: true }).catch(() => undefined);
    await browser?.close();
    if (server) await stopAndClean(server);
  });

  it('reaches 9 of 9, each step green by itself', async () => {
    await page.goto(`${server.url}/lessons/${LESSON}/`);
    await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 60_000 });
    await waitForScreen(page, /#\s*$/, 60_000);
    await page.locator('slipway-terminal .terminal-screen').click();

    await type('cd ~/workshop/counter');
    for (const line of TUTORIAL_COMPOSE) await type(line);
    await done('write-compose');
    await page.waitForSelector('li.step[data-step="up"][data-status="current"]', { timeout: 10_000 });

    await type('docker compose up -d');
    await done('up', 180_000);

    // Changed the app, then rebuilt it as the tutorials say: up with --build.
    await type("sed -i 's/Hello from Compose/Hello from my own edit/' app.py");
    await type('docker compose up -d --build');
    await done('rebuild', 180_000);

    await type('docker compose ps');
    await type('docker compose logs');
    await done('look-around');

    await type('docker compose exec cache redis-cli set hits 100');
    await type('curl http://localhost:8000/');
    await done('exec-redis');

    await type('docker compose down');
    await done('down', 60_000);

    await type('docker compose up -d');
    await type('curl http://localhost:8000/');
    await done('up-again', 60_000);
    // The count went on from where it was: Redis saved its data when it was stopped.
    await type('clear');
    await type('curl -s http://localhost:8000/');
    await waitForScreen(page, /visited 1\d\d times/, 30_000);

    // "Start from zero", the way many tutorials do it: down, then remove the volume by name.
    await type('docker compose down');
    await type('docker volume rm counter_redis-data');
    await type('docker compose up -d');
    await type('curl http://localhost:8000/');
    await done('reset', 60_000);

    // Done for good, with the volume too, as many tutorials end.
    await type('docker compose down -v');
    await done('clean-up', 60_000);

    assert.equal(await page.locator('.step-count').innerText(), '9 of 9 done');
    await screenshot(page, 'lesson4-tutorial-way', { fullPage: false });
  });
});
