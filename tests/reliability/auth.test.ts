// The HTTP surface's defences, walked over every endpoint the router stack holds (so a route
// added later cannot escape): security headers and a CSP the real site works under in
// Chromium, refusal of cross-site state-changing requests (CSRF), rate limits that stop
// guessing and never a real class, nothing reachable without the right cookie or token, and
// learners kept apart from each other.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { CLOSE, VIEWER_PATH } from '../../contract/terminal.js';
import { launchBrowser, screenshot, waitForScreen } from '../support/browser.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { learnerSession, TermClient } from '../terminal/support/client.js';
import { CspWatch } from './support/csp-watch.js';
import { endpoints, fill, label, STATE_CHANGING, type Endpoint } from './support/endpoints.js';
import { cookieFrom, describeAnswer, request, type Answer } from './support/http.js';

const INSTANCE = 'sec';
const LESSON = 'hello-containers';

/** Endpoints meant to answer without any cookie, and what they answer to an empty request. */
const PUBLIC: Record<string, number> = {
  'GET /healthz': 200,
  // Counts of sandboxes by state and process figures, for the operator's Prometheus.
  'GET /metrics': 200,
  // The lesson list (progress only for a session that has some).
  'GET /api/lessons': 200,
  'GET /api/instructor/status': 200,
  // The ways in: a learner session, a workshop join, an instructor login.
  'POST /api/session': 201,
  'POST /api/classroom/join': 400,
  // A learner's new browser, with the instructor's one-time link (the token is the credential).
  'POST /api/classroom/relink': 400,
  'POST /api/instructor/login': 400,
  'GET /api/classroom/me': 404,
};

/** Requests a browser sends from a page of another site (or another origin of this one). */
const CROSS_SITE: Array<{ name: string; headers: Record<string, string> }> = [
  { name: 'Sec-Fetch-Site: cross-site', headers: { 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' } },
  { name: 'Sec-Fetch-Site: same-site (another port)', headers: { 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:1' } },
  { name: 'an old browser: Origin of another site, no Sec-Fetch-Site', headers: { origin: 'http://evil.example' } },
  { name: 'an old browser in a sandboxed frame: Origin null', headers: { origin: 'null' } },
];

async function instructorLogin(server: TestServer): Promise<string> {
  const token = new URL(server.instructorLink(server.url)).searchParams.get('token')!;
  const answer = await request(server.url, 'POST', '/api/instructor/login', { body: { token } });
  assert.equal(answer.status, 200, describeAnswer(answer));
  return cookieFrom(answer, 'slipway_instructor');
}

async function startWorkshop(server: TestServer, instructor: string, expectedSize: number): Promise<{ id: string; code: string }> {
  const created = await request(server.url, 'POST', '/api/instructor/workshops', { cookie: instructor, body: { title: 'Security walk', lessons: [LESSON], expectedSize, sessionMinutes: 60 } });
  assert.equal(created.status, 201, describeAnswer(created));
  const { id, code } = created.json as { id: string; code: string };
  const started = await request(server.url, 'POST', `/api/instructor/workshops/${id}/start`, { cookie: instructor });
  assert.equal(started.status, 200, describeAnswer(started));
  return { id, code };
}

describe('HTTP security: headers, CSRF, access and isolation', () => {
  let server: TestServer;
  let browser: Browser;
  let all: Endpoint[];
  // Two learners with a sandbox each; the server holds no more (joins then queue).
  let a: { cookie: string; sandboxId: string };
  let b: { cookie: string; sandboxId: string };

  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: INSTANCE, SLIPWAY_MAX_SANDBOXES: '2' });
    all = endpoints(server.app);
    [a, b] = await Promise.all([learnerSession(server.url), learnerSession(server.url)]);
    browser = await launchBrowser('playground/index.html');
  });
  after(async () => {
    await browser?.close();
    if (!server) return;
    await stopAndClean(server);
  });

  describe('security headers', () => {
    it('sends them on pages and API answers: a CSP without inline scripts, no framing, no sniffing', async () => {
      for (const path of ['/', `/lessons/${LESSON}/`, '/api/lessons', '/api/nope', '/healthz']) {
        const answer = await request(server.url, 'GET', path);
        const csp = answer.headers.get('content-security-policy') ?? '';
        const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
        assert.deepEqual(directives.get('default-src'), ["'self'"], `${path}: ${csp}`);
        assert.ok(directives.get('script-src')?.includes("'self'"), csp);
        for (const value of directives.get('script-src')!) assert.match(value, /^'self'$|^'sha256-[A-Za-z0-9+/]+=*'$/, `script-src allows ${value}`);
        assert.deepEqual(directives.get('script-src-attr'), ["'none'"]);
        assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
        assert.deepEqual(directives.get('object-src'), ["'none'"]);
        assert.deepEqual(directives.get('connect-src'), ["'self'"]);
        // Plain HTTP on a classroom LAN: upgrading would break every asset.
        assert.ok(!directives.has('upgrade-insecure-requests'), csp);
        assert.equal(answer.headers.get('strict-transport-security'), null);
        assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(answer.headers.get('x-frame-options'), 'DENY');
        assert.equal(answer.headers.get('referrer-policy'), 'same-origin');
        assert.equal(answer.headers.get('x-powered-by'), null);
      }
    });

    it("names every inline script of every page by its hash, and nothing else inline", async () => {
      const csp = (await request(server.url, 'GET', '/')).headers.get('content-security-policy')!;
      const pages = ['/', `/lessons/${LESSON}/`, '/playground/', '/instructor/', '/instructor/workshop/', '/join/'];
      let inline = 0;
      for (const path of pages) {
        const html = (await request(server.url, 'GET', path)).text;
        for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
          if (/\bsrc=/.test(match[1]!)) continue;
          inline++;
          const hash = `'sha256-${crypto.createHash('sha256').update(match[2]!).digest('base64')}'`;
          assert.ok(csp.includes(hash), `${path}: inline script ${JSON.stringify(match[2]!.slice(0, 60))} is not in the CSP`);
        }
        assert.doesNotMatch(html, /\son[a-z]+="/, `${path} has an inline event handler, which script-src-attr 'none' blocks`);
      }
      assert.ok(inline >= 2, 'the layout has inline scripts (the theme): the walk found none');
    });

    it('lets the built site work under its CSP in Chromium: no violation, the terminal connects, the theme toggles', async () => {
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      const watch = await CspWatch.on(context);
      try {
        await context.addCookies([{ name: 'slipway_session', value: decodeURIComponent(a.cookie.split('=')[1]!), url: server.url, httpOnly: true, sameSite: 'Lax' }]);
        const page = watch.follow(await context.newPage());

        // The home page: its inline module script fetches the lesson list.
        const lessonsFetched = page.waitForRequest((req) => req.url().endsWith('/api/lessons'));
        await page.goto(`${server.url}/`);
        await lessonsFetched;
        // The theme toggle (an inline module script) and the is:inline script that applies the
        // choice before first paint, after a reload.
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme ?? 'system'), 'system');
        await page.click('.theme-toggle');
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
        await page.reload();
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light', 'the inline theme script did not run');
        await page.click('.theme-toggle');
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');

        // The playground: the terminal's WebSocket to this same origin, typed into.
        await page.goto(`${server.url}/playground/`);
        await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 60_000 });
        await page.locator('slipway-terminal .terminal-screen').click();
        await page.keyboard.type('echo under-csp-$((6*7))');
        await page.keyboard.press('Enter');
        await waitForScreen(page, /under-csp-42\n/);
        await screenshot(page, 'csp-playground');

        // A lesson page: text, steps, sandbox panel and terminal beside it.
        await page.goto(`${server.url}/lessons/${LESSON}/`);
        await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 60_000 });
        await waitForScreen(page, /#\s*$/);

        // Control: the policy is enforced and the watch sees it: an injected script never runs.
        assert.deepEqual(watch.take(), [], 'CSP violations on the learner pages');
        await page.evaluate(() => {
          const script = document.createElement('script');
          script.textContent = 'window.__injected = true';
          document.body.append(script);
        });
        await page.waitForTimeout(200);
        assert.equal(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected), undefined, 'an injected inline script ran');
        assert.ok(watch.take().some((v) => /script-src/.test(v)), 'the injected script was blocked without a violation report: the watch is blind');

        // The instructor: the one-time link logs in (a same-origin POST through the CSRF guard).
        await page.goto(server.instructorLink(server.url));
        await page.waitForSelector('#create input[name="title"]');
        const instructor = (await context.cookies(server.url)).find((c) => c.name === 'slipway_instructor');
        assert.ok(instructor, 'the browser got no instructor cookie');
        const workshop = await startWorkshop(server, `slipway_instructor=${instructor.value}`, 1);
        // The dashboard: event stream, QR code (an SVG from this origin).
        await page.goto(`${server.url}/instructor/workshop/?id=${workshop.id}`);
        await page.waitForFunction((code) => document.getElementById('ws-code')?.textContent?.includes(code), workshop.code);
        await page.waitForFunction(() => ((document.getElementById('ws-qr') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0);

        // A new learner joins in the browser (a POST through the CSRF guard); the server is full,
        // so they are queued and told their place.
        const learnerContext = await browser.newContext();
        const learnerWatch = await CspWatch.on(learnerContext);
        const learner = learnerWatch.follow(await learnerContext.newPage());
        await learner.goto(`${server.url}/join/?code=${workshop.code}`);
        await learner.fill('#name', 'Browser learner');
        await learner.click('#submit');
        await learner.waitForFunction(() => /number \d+ in the queue/.test(document.getElementById('status')?.textContent ?? ''));
        await learnerContext.close();
        assert.deepEqual([...learnerWatch.take(), ...learnerWatch.pageErrors], [], 'CSP violations or errors on the join page');

        assert.deepEqual(watch.take(), [], 'CSP violations on the instructor or join pages');
        assert.deepEqual(watch.pageErrors, [], 'page errors');
      } finally {
        await context.close();
      }
    });
  });

  describe('cross-site requests (CSRF)', () => {
    it('keeps cookies SameSite: Lax for the learner session, Strict for the instructor', async () => {
      const session = (await request(server.url, 'POST', '/api/session', { body: {} })).headers.getSetCookie().find((c) => c.startsWith('slipway_session='))!;
      assert.match(session, /;\s*SameSite=Lax/i);
      assert.match(session, /;\s*HttpOnly/i);
      const token = new URL(server.instructorLink(server.url)).searchParams.get('token')!;
      const login = (await request(server.url, 'POST', '/api/instructor/login', { body: { token } })).headers.getSetCookie().find((c) => c.startsWith('slipway_instructor='))!;
      assert.match(login, /;\s*SameSite=Strict/i);
      assert.match(login, /;\s*HttpOnly/i);
    });

    it('refuses every state-changing request from another site with 403, and none from this one', async () => {
      const mutating = all.filter((e) => STATE_CHANGING.has(e.method));
      assert.ok(mutating.length >= 12, `only ${mutating.length} state-changing endpoints found`);
      const instructor = await instructorLogin(server);
      for (const endpoint of mutating) {
        // Made-up ids: a same-origin request that got through must still change nothing real.
        const path = fill(endpoint, {});
        for (const attack of CROSS_SITE) {
          // With the victim's cookies: the browser would send them.
          const answer = await request(server.url, endpoint.method, path, { cookie: `${a.cookie}; ${instructor}`, headers: attack.headers, body: {} });
          assert.equal(answer.status, 403, `${label(endpoint)} from ${attack.name}: ${describeAnswer(answer)}`);
          assert.equal(answer.code, 'cross_origin');
          assert.match(answer.message!, /another site/);
        }
        const sameOrigin: Array<Record<string, string>> = [{ 'sec-fetch-site': 'same-origin', origin: server.url }, { origin: server.url }, {}];
        for (const headers of sameOrigin) {
          const answer = await request(server.url, endpoint.method, path, { headers, body: {} });
          assert.notEqual(answer.code, 'cross_origin', `${label(endpoint)} same-origin (${JSON.stringify(headers)}) refused: ${describeAnswer(answer)}`);
        }
      }
    });

    it('changes nothing when refused: a cross-site reset leaves the sandbox as it was', async () => {
      const refused = await request(server.url, 'POST', '/api/session/sandbox/reset', { cookie: a.cookie, headers: CROSS_SITE[0]!.headers, body: {} });
      assert.equal(refused.status, 403);
      const view = await request(server.url, 'GET', '/api/session', { cookie: a.cookie });
      assert.equal(view.json.sandbox.id, a.sandboxId);
    });

    it('never refuses reading (GET) for coming from another site', async () => {
      for (const endpoint of all.filter((e) => e.method === 'GET' && !e.path.endsWith('/events'))) {
        const answer = await request(server.url, 'GET', fill(endpoint, { slug: LESSON }), { headers: CROSS_SITE[0]!.headers });
        assert.notEqual(answer.code, 'cross_origin', label(endpoint));
      }
    });
  });

  describe('access without credentials', () => {
    it('answers every endpoint without a cookie: instructor ones 401, learner ones 401 or 404, only the ways in are open', async () => {
      const instructor = await instructorLogin(server);
      const workshop = await startWorkshop(server, instructor, 1);
      for (const name of Object.keys(PUBLIC)) assert.ok(all.some((e) => label(e) === name), `PUBLIC lists ${name}, which no longer exists`);
      for (const endpoint of all) {
        // Real ids where there are some, so that a 404 cannot stand in for a 401.
        const answer = await request(server.url, endpoint.method, fill(endpoint, { slug: LESSON, id: workshop.id }), { body: {} });
        const name = label(endpoint);
        if (name in PUBLIC) assert.equal(answer.status, PUBLIC[name], `${name}: ${describeAnswer(answer)}`);
        else if (endpoint.path.startsWith('/api/instructor/')) {
          assert.equal(answer.status, 401, `${name}: ${describeAnswer(answer)}`);
          assert.equal(answer.code, 'not_instructor');
        } else assert.ok([401, 404].includes(answer.status), `${name} answered ${describeAnswer(answer)} without a session`);
      }
    });

    it('answers OPTIONS on no endpoint: nothing about a route leaks before its guard runs', async () => {
      const instructor = await instructorLogin(server);
      const workshop = await startWorkshop(server, instructor, 1);
      for (const endpoint of all) {
        const answer = await request(server.url, 'OPTIONS', fill(endpoint, { slug: LESSON, id: workshop.id }));
        assert.equal(answer.status, 404, `OPTIONS ${label(endpoint)}: ${describeAnswer(answer)}`);
        assert.equal(answer.code, 'not_found');
        assert.equal(answer.headers.get('allow'), null, `OPTIONS ${label(endpoint)} named its methods`);
      }
    });

    it('answers no instructor endpoint to a learner cookie or a forged instructor cookie', async () => {
      const real = await instructorLogin(server);
      const value = real.split('=')[1]!;
      const [nonce, signature] = value.split('.') as [string, string];
      const flip = (text: string) => text.slice(0, -1) + (text.endsWith('A') ? 'B' : 'A');
      const otherKey = crypto.randomBytes(32).toString('hex');
      const forgeries = {
        'a learner session cookie': a.cookie,
        "a learner's signed session as the instructor cookie": `slipway_instructor=${decodeURIComponent(a.cookie.split('=')[1]!)}`,
        'made up': 'slipway_instructor=abc.def',
        'a changed signature': `slipway_instructor=${nonce}.${flip(signature)}`,
        'another nonce under the same signature': `slipway_instructor=${flip(nonce)}.${signature}`,
        'signed with another key': `slipway_instructor=${nonce}.${crypto.createHmac('sha256', otherKey).update(`instructor:${nonce}`).digest('base64url')}`,
        'no signature': `slipway_instructor=${nonce}`,
      };
      const guarded = all.filter((e) => e.path.startsWith('/api/instructor/') && !(label(e) in PUBLIC));
      for (const endpoint of guarded) {
        for (const [name, cookie] of Object.entries(forgeries)) {
          const answer = await request(server.url, endpoint.method, fill(endpoint, {}), { cookie, body: {} });
          assert.equal(answer.status, 401, `${label(endpoint)} with ${name}: ${describeAnswer(answer)}`);
        }
      }
      // Control: the real cookie is one.
      assert.equal((await request(server.url, 'GET', '/api/instructor/workshops', { cookie: real })).status, 200);
    });
  });

  describe('learners kept apart', () => {
    it('has no learner endpoint that names a session: each acts on the cookie\'s own', () => {
      for (const endpoint of all.filter((e) => !e.path.startsWith('/api/instructor/'))) {
        // A lesson's slug and a step's id name lesson content, the same for everyone, never a
        // learner's; a tab (1 to 4) is one of the terminals of the cookie's own sandbox.
        assert.deepEqual(endpoint.params.filter((p) => p !== 'slug' && p !== 'step' && p !== 'tab'), [], `${label(endpoint)} takes an id: could one learner name another's?`);
      }
    });

    it("never shows a learner another learner's sandbox, containers or progress", async () => {
      const sessionA = await request(server.url, 'GET', '/api/session', { cookie: a.cookie });
      const sessionB = await request(server.url, 'GET', '/api/session', { cookie: b.cookie });
      assert.equal(sessionA.json.sandbox.id, a.sandboxId);
      assert.equal(sessionB.json.sandbox.id, b.sandboxId);
      assert.notEqual(a.sandboxId, b.sandboxId);

      // B completes the lesson's first step in their own terminal.
      for (const learner of [a, b]) assert.equal((await request(server.url, 'POST', `/api/lessons/${LESSON}/open`, { cookie: learner.cookie })).status, 200);
      const terminal = await TermClient.connect(server.url, { cookie: b.cookie });
      try {
        await terminal.run('docker run hello-world >/dev/null && echo ran-$((3*3))', /ran-9\r\n/, 120_000);
      } finally {
        await terminal.close();
      }
      const stepDone = (answer: Answer) => answer.json.steps.find((s: { id: string }) => s.id === 'hello-world')?.status === 'done';
      const deadline = Date.now() + 60_000;
      let progressB = await request(server.url, 'POST', `/api/lessons/${LESSON}/check`, { cookie: b.cookie });
      while (!stepDone(progressB) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        progressB = await request(server.url, 'POST', `/api/lessons/${LESSON}/check`, { cookie: b.cookie });
      }
      assert.ok(stepDone(progressB), `B's step never turned done: ${describeAnswer(progressB)}`);

      const progressA = await request(server.url, 'GET', `/api/lessons/${LESSON}/progress`, { cookie: a.cookie });
      assert.ok(!stepDone(progressA), "B's step shows as done for A");
      const lessonsA = await request(server.url, 'GET', '/api/lessons', { cookie: a.cookie });
      assert.equal(lessonsA.json.lessons.find((l: { slug: string }) => l.slug === LESSON).done, 0);
      const inventoryA = await request(server.url, 'GET', '/api/session/sandbox/inventory', { cookie: a.cookie });
      const inventoryB = await request(server.url, 'GET', '/api/session/sandbox/inventory', { cookie: b.cookie });
      assert.match(inventoryB.text, /hello-world/);
      assert.doesNotMatch(inventoryA.text, /hello-world/, "A's sandbox panel lists B's container");
    });

    it("attaches a learner's cookie to their own terminal only; viewer tokens are the one other way in", async () => {
      const own = await TermClient.connect(server.url, { cookie: a.cookie });
      assert.equal(own.hello!.sandboxId, a.sandboxId);
      assert.equal(own.hello!.mode, 'rw');
      await own.close();

      // A token for B's sandbox means nothing on the owner path: the cookie decides.
      const token = server.terminals.viewerTokens.issue(b.sandboxId);
      const withToken = await TermClient.connect(server.url, { cookie: a.cookie, path: `/api/session/terminal?token=${token}` });
      assert.equal(withToken.hello!.sandboxId, a.sandboxId);
      await withToken.close();
      const tokenOnly = await TermClient.connect(server.url, { path: `/api/session/terminal?token=${token}`, noHello: true });
      assert.equal((await tokenOnly.waitClosed()).code, CLOSE.unauthorized);

      // On the viewer path a valid token shows B's terminal read-only...
      const viewer = await TermClient.connect(server.url, { path: `${VIEWER_PATH}?token=${token}` });
      assert.deepEqual([viewer.hello!.sandboxId, viewer.hello!.mode], [b.sandboxId, 'ro']);
      await viewer.close();
      // ...and an expired, altered, revoked or cookie-only one nothing.
      const expired = server.terminals.viewerTokens.issue(b.sandboxId, { ttlMs: 1 });
      await new Promise((r) => setTimeout(r, 20));
      const revoked = server.terminals.viewerTokens.issue(b.sandboxId);
      server.terminals.viewerTokens.revoke(revoked);
      const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
      for (const [name, options] of Object.entries({
        expired: { path: `${VIEWER_PATH}?token=${expired}` },
        altered: { path: `${VIEWER_PATH}?token=${altered}` },
        revoked: { path: `${VIEWER_PATH}?token=${revoked}` },
        "B's cookie without a token": { path: VIEWER_PATH, cookie: b.cookie },
      })) {
        const client = await TermClient.connect(server.url, { ...options, noHello: true });
        assert.equal((await client.waitClosed()).code, CLOSE.unauthorized, name);
        assert.equal(client.errors()[0]?.code, 'unauthorized', name);
      }
    });
  });

  describe('rate limits with the default settings', () => {
    it('never meets a class of 40 joining from one NAT address, nor their queue polling', async () => {
      const instructor = await instructorLogin(server);
      const workshop = await startWorkshop(server, instructor, 40);
      // One public address for the whole room, as behind a venue's NAT.
      const nat = { 'x-forwarded-for': '203.0.113.40' };
      const cookies: string[] = [];
      for (let i = 0; i < 40; i++) {
        const joined = await request(server.url, 'POST', '/api/classroom/join', { headers: nat, body: { code: workshop.code, name: `Learner ${i + 1}` } });
        // The machine is full (two sandboxes): everyone waits in the queue.
        assert.equal(joined.status, 202, `join ${i + 1}: ${describeAnswer(joined)}`);
        cookies.push(cookieFrom(joined, 'slipway_session'));
      }
      // The join page asks again every 3 s while queued, with the name typed: 3 rounds of 40.
      for (let round = 0; round < 3; round++) {
        for (const [i, cookie] of cookies.entries()) {
          const again = await request(server.url, 'POST', '/api/classroom/join', { cookie, headers: nat, body: { code: workshop.code.toLowerCase(), name: `Learner ${i + 1}` } });
          assert.equal(again.status, 202, describeAnswer(again));
        }
      }
      // Only the 40 new learners counted: the next newcomer's allowance shows it.
      const next = await request(server.url, 'POST', '/api/classroom/join', { headers: nat, body: { code: workshop.code, name: 'Learner 41' } });
      assert.equal(next.status, 202);
      assert.match(next.headers.get('ratelimit') ?? '', new RegExp(`r=${server.config.rateJoin.limit - 41}\\b`), `RateLimit: ${next.headers.get('ratelimit')}`);
    });
  });
});

describe('rate limits when exceeded', () => {
  let server: TestServer;
  const PASSWORD = 'correct horse battery';

  before(async () => {
    server = await startTestServer({
      SLIPWAY_INSTANCE: INSTANCE,
      SLIPWAY_MAX_SANDBOXES: '1',
      SLIPWAY_INSTRUCTOR_PASSWORD: PASSWORD,
      SLIPWAY_RATE_JOIN: '5/10m',
      SLIPWAY_RATE_LOGIN: '3/15m',
      SLIPWAY_RATE_SANDBOX: '1/10m',
    });
  });
  after(async () => server && stopAndClean(server));

  const assertLimited = (answer: Answer, what: RegExp) => {
    assert.equal(answer.status, 429, describeAnswer(answer));
    assert.equal(answer.code, 'rate_limited');
    assert.match(answer.message!, what);
    assert.match(answer.message!, /Try again in \d+ s/);
    const retryAfter = Number(answer.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 15 * 60, `Retry-After: ${answer.headers.get('retry-after')}`);
  };

  it('stops guessing join codes from one address, not from the next', async () => {
    const guesser = { 'x-forwarded-for': '198.51.100.7' };
    for (let i = 0; i < 5; i++) {
      const answer = await request(server.url, 'POST', '/api/classroom/join', { headers: guesser, body: { code: 'AAAAA' + '34679'[i], name: 'Guesser' } });
      assert.equal(answer.code, 'no_workshop', describeAnswer(answer));
    }
    assertLimited(await request(server.url, 'POST', '/api/classroom/join', { headers: guesser, body: { code: 'AAAAAA', name: 'Guesser' } }), /workshop joins/);
    const neighbour = await request(server.url, 'POST', '/api/classroom/join', { headers: { 'x-forwarded-for': '198.51.100.8' }, body: { code: 'AAAAAA', name: 'Neighbour' } });
    assert.equal(neighbour.code, 'no_workshop');
  });

  it('stops password guessing: past the limit even the right password waits; right passwords never count', async () => {
    const guesser = { 'x-forwarded-for': '198.51.100.9' };
    for (let i = 0; i < 3; i++) {
      assert.equal((await request(server.url, 'POST', '/api/instructor/login', { headers: guesser, body: { password: `guess ${i}` } })).status, 401);
    }
    assertLimited(await request(server.url, 'POST', '/api/instructor/login', { headers: guesser, body: { password: PASSWORD } }), /failed instructor logins/);
    const instructor = { 'x-forwarded-for': '198.51.100.10' };
    for (let i = 0; i < 6; i++) {
      assert.equal((await request(server.url, 'POST', '/api/instructor/login', { headers: instructor, body: { password: PASSWORD } })).status, 200);
    }
  });

  it('limits sandboxes per session: the live one is free to ask for, a reset past the limit waits', async () => {
    const learner = await learnerSession(server.url);
    const again = await request(server.url, 'POST', '/api/session/sandbox', { cookie: learner.cookie });
    assert.equal(again.status, 200, 'asking for the live sandbox counted');
    assert.equal(again.json.sandbox.id, learner.sandboxId);
    assertLimited(await request(server.url, 'POST', '/api/session/sandbox/reset', { cookie: learner.cookie }), /new sandboxes/);
    assert.equal((await request(server.url, 'GET', '/api/session', { cookie: learner.cookie })).json.sandbox.id, learner.sandboxId, 'the refused reset still reset');
    // Another session has its own allowance (here it meets the full machine instead).
    const other = cookieFrom(await request(server.url, 'POST', '/api/session', { body: {} }), 'slipway_session');
    const refused = await request(server.url, 'POST', '/api/session/sandbox', { cookie: other });
    assert.equal(refused.code, 'capacity', describeAnswer(refused));
    // No session: 401 every time, never 429.
    for (let i = 0; i < 3; i++) assert.equal((await request(server.url, 'POST', '/api/session/sandbox/reset')).status, 401);
  });
});
