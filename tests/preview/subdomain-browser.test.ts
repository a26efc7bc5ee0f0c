// Subdomain mode in headless Chromium: the host names are mapped to 127.0.0.1 with
// --host-resolver-rules, standing in for wildcard DNS. The learner uses the site at
// learn.example.test and opens the preview of their app at <label>.preview.example.test, both on
// the site's port. The browser sends the preview host its grant and the app's cookies, never
// Slipway's (host-only on the site's host); from the preview page, Slipway's API cannot be read,
// a reset is refused, the terminal WebSocket does not open, and a session cookie its script
// plants for the shared parent domain (example.test) is refused once by the site and removed,
// after which the learner is recognised as before.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { OWNER_PATH } from '../../contract/terminal.js';
import { launchBrowser, screenshot } from '../support/browser.js';
import { sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

const APP = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'app.py'), 'utf8');
const DOMAIN = 'preview.example.test';

/** Slipway's session API as seen from a page of the site. */
const sessionFrom = (page: Page) =>
  page.evaluate(async () => {
    const response = await fetch('/api/session');
    const body = (await response.json().catch(() => ({}))) as { sandbox?: { id: string }; error?: { code: string } };
    return { status: response.status, sandbox: body.sandbox?.id, code: body.error?.code };
  });

describe('web preview in the browser, subdomain mode', () => {
  let server: TestServer;
  let browser: Browser;
  let site: string;

  before(async () => {
    server = await startTestServer({ SLIPWAY_PREVIEW_DOMAIN: DOMAIN });
    site = `http://learn.example.test:${new URL(server.url).port}`;
    browser = await launchBrowser('index.html', ['--host-resolver-rules=MAP *.example.test 127.0.0.1']);
  });
  after(async () => {
    await browser?.close();
    if (server) await stopAndClean(server);
  });

  it("shows the learner's app at its own host, and keeps it away from Slipway", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site}/`);
    const sandbox = await page.evaluate(async () => {
      await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const created = await fetch('/api/session/sandbox', { method: 'POST' });
      return ((await created.json()) as { sandbox: { id: string } }).sandbox.id;
    });
    await sh(server, sandbox, `mkdir -p /root/app && cat > /root/app/app.py <<'PY'\n${APP}\nPY\ndocker run -d --name app -p 8000:5000 -v /root/app:/app python:3.13-slim python3 /app/app.py >/dev/null && for i in $(seq 1 100); do curl -fs localhost:8000/echo >/dev/null && exit 0; sleep 0.2; done; docker logs app; exit 1`, 300_000);
    const link = await page.evaluate(async () => {
      const response = await fetch('/api/session/preview', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ port: 8000 }) });
      return ((await response.json()) as { url: string }).url;
    });
    const url = new URL(link);
    const label = url.hostname.slice(0, -(DOMAIN.length + 1));
    assert.match(label, /^p[a-z2-7]{16}$/, link);
    assert.equal(url.port, new URL(site).port, "on the site's own port");

    const tab = await context.newPage();
    await tab.goto(link);
    assert.equal(await tab.locator('body').innerText(), 'hello from the sandbox');
    assert.equal(tab.url(), `${url.origin}/`, "the link's capability is gone from the address bar");
    // What the browser itself sends the preview host: its grant and the app's cookie, no Slipway cookie.
    const [sent] = await Promise.all([tab.waitForRequest(/\/echo$/), tab.goto(`${url.origin}/echo`)]);
    const cookies = (await sent.allHeaders()).cookie ?? '';
    assert.match(cookies, new RegExp(`slipway_preview_${label}=`));
    assert.match(cookies, new RegExp(`pv${label}_sid=abc`));
    assert.doesNotMatch(cookies, /slipway_session|slipway_instructor/, cookies);
    assert.equal(await tab.locator('body').innerText(), 'cookie=sid=abc');
    await screenshot(tab, 'preview-subdomain-echo');

    const attempts = await tab.evaluate(
      async ({ site, ownerPath }) => {
        // (No named helper functions in here: the test runner's transform would name them with a
        // function the page does not have.)
        const own = await fetch('/api/session');
        const ownApi = `${own.status} ${await own.text()}`;
        const read = await fetch(`${site}/api/session`, { credentials: 'include' }).then((r) => `read ${r.status}`, () => 'blocked');
        await fetch(`${site}/api/session/sandbox/reset`, { method: 'POST', credentials: 'include', mode: 'no-cors' }).catch(() => undefined);
        const terminal = await new Promise<string>((resolve) => {
          const socket = new WebSocket(`${site.replace('http', 'ws')}${ownerPath}`);
          socket.onopen = () => resolve('opened');
          socket.onclose = (event) => resolve(`closed ${event.code}`);
          setTimeout(() => resolve('no answer'), 10_000);
        });
        document.cookie = 'slipway_session=planted; domain=example.test; path=/api';
        return { ownApi, read, terminal };
      },
      { site, ownerPath: OWNER_PATH },
    );
    assert.equal(attempts.ownApi, '404 no such page', "the preview host's /api is the app's");
    assert.equal(attempts.read, 'blocked', "Slipway's API cannot be read from the preview");
    assert.match(attempts.terminal, /^closed/, 'no terminal opens for a preview page');

    // The planted parent-domain cookie reaches the site once: refused and removed; then the
    // learner is the same learner with the same sandbox (the reset was refused too).
    const first = await sessionFrom(page);
    assert.deepEqual([first.status, first.code], [400, 'conflicting_cookies']);
    const healed = await sessionFrom(page);
    assert.deepEqual([healed.status, healed.sandbox], [200, sandbox]);
    await context.close();
  });
});
