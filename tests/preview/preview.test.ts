// The web preview through the API and real HTTP, against real sandboxes: a link opens the app
// of the learner's own sandbox on a port of its own; the app never sees Slipway's cookies or
// another preview's, and what it sets cannot take a Slipway cookie's name; redirects, streams and
// WebSockets pass unchanged; a foreign, forged or missing grant, the engine's own port and a port
// where nothing listens get a clear answer; limits hold; an app silent too long is given up on;
// the preview ends with the sandbox; and Slipway's API and terminal refuse what a preview origin
// sends them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { PreviewLink } from '../../contract/preview-api.js';
import { OWNER_PATH } from '../../contract/terminal.js';
import { sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { echoOverWebSocket } from './support.js';

/** The preview's timeout here: an app silent this long is given up on. */
const SILENCE_S = 5;
const APP = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'app.py'), 'utf8');

interface Learner {
  cookie: string;
  sandbox: string;
}

describe('web preview', () => {
  let server: TestServer;
  let ada: Learner;
  let bob: Learner;

  const learner = async (): Promise<Learner> => {
    const created = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const cookie = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
    const sandbox = await fetch(`${server.url}/api/session/sandbox`, { method: 'POST', headers: { cookie } });
    const view = (await sandbox.json()) as { sandbox: { id: string } };
    return { cookie, sandbox: view.sandbox.id };
  };
  const link = async (who: Learner, port: number, expected = 200) => {
    const response = await fetch(`${server.url}/api/session/preview`, { method: 'POST', headers: { cookie: who.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ port }) });
    const body = (await response.json()) as PreviewLink & { error?: { code: string; message: string } };
    assert.equal(response.status, expected, JSON.stringify(body));
    return body;
  };
  /** Opens a link as a browser would: the capability traded for the grant cookie. */
  const open = async (url: string) => {
    const first = await fetch(url, { redirect: 'manual' });
    assert.equal(first.status, 303, await first.text());
    const grant = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
    const origin = new URL(url).origin;
    assert.equal(first.headers.get('location'), '/', 'the token is taken out of the address');
    return { origin, grant };
  };
  const startApp = async (who: Learner, port: number) => {
    await sh(server, who.sandbox, `mkdir -p /root/app && cat > /root/app/app.py <<'PY'\n${APP}\nPY\ndocker run -d --name app${port} -p ${port}:5000 -v /root/app:/app python:3.13-slim python3 /app/app.py >/dev/null && for i in $(seq 1 100); do curl -fs localhost:${port}/echo >/dev/null && exit 0; sleep 0.2; done; docker logs app${port}; exit 1`, 300_000);
  };

  before(async () => {
    server = await startTestServer({ SLIPWAY_PREVIEW_PORTS: '4470-4479', SLIPWAY_PREVIEW_MAX_BODY: '64k', SLIPWAY_PREVIEW_CONNECTIONS: '8', SLIPWAY_PREVIEW_TIMEOUT: `${SILENCE_S}s` });
    [ada, bob] = await Promise.all([learner(), learner()]);
    await Promise.all([startApp(ada, 8000), startApp(bob, 8000)]);
  });
  after(async () => {
    if (server) await stopAndClean(server);
  });

  it("opens the app of the learner's own sandbox on an origin of its own, and keeps Slipway's cookies from it", async () => {
    const preview = await link(ada, 8000);
    const { origin, grant } = await open(preview.url);
    assert.notEqual(origin, server.url, 'a preview is never on the site\'s own origin');
    assert.match(grant, /^slipway_preview_\d+=/);
    const home = await fetch(`${origin}/`, { headers: { cookie: grant } });
    assert.equal(home.status, 200);
    assert.equal(await home.text(), 'hello from the sandbox');
    const listener = new URL(origin).port;
    // Its cookie is stored under the preview's prefix, for this host only (no Domain).
    assert.equal(home.headers.get('set-cookie'), `pv${listener}_sid=abc; Path=/; HttpOnly`);
    // The browser sends every cookie of the host; the app gets back only its own.
    const all = [grant, ada.cookie, 'slipway_instructor=x.y', `pv${listener}_sid=abc`, 'pv4999_other=1', 'sid=not-mine'].join('; ');
    const echo = await fetch(`${origin}/echo`, { headers: { cookie: all } });
    assert.equal(await echo.text(), 'cookie=sid=abc');
    // Redirects to absolute paths pass unchanged; the browser resolves them on the preview's origin.
    const go = await fetch(`${origin}/go`, { headers: { cookie: grant }, redirect: 'manual' });
    assert.equal(go.status, 302);
    assert.equal(go.headers.get('location'), '/login');
  });

  it("never shows another learner's app: a foreign grant, a forged one, none", async () => {
    const mine = await open((await link(ada, 8000)).url);
    const theirs = await open((await link(bob, 8000)).url);
    assert.notEqual(mine.origin, theirs.origin);
    for (const cookie of [mine.grant.replace(/^slipway_preview_\d+/, `slipway_preview_${new URL(theirs.origin).port}`), `${theirs.grant.slice(0, -3)}abc`, '']) {
      const response = await fetch(`${theirs.origin}/echo`, { headers: { cookie } });
      assert.equal(response.status, 403, cookie);
      assert.match(await response.text(), /Open the preview from Slipway/);
    }
    // A link made for Bob's preview port does not open Ada's.
    const bobsLink = new URL((await link(bob, 8000)).url);
    const crossed = await fetch(`${mine.origin}/${bobsLink.search}`, { redirect: 'manual' });
    assert.equal(crossed.status, 403);
  });

  it("refuses the sandbox's own engine port, and says so when nothing listens", async () => {
    const refused = await link(ada, 2375, 400);
    assert.equal(refused.error?.code, 'reserved_port');
    const invalid = await link(ada, 70000, 400);
    assert.equal(invalid.error?.code, 'invalid_input');
    const { origin, grant } = await open((await link(ada, 9999)).url);
    // Two ports of one learner are two previews on two origins, open at once.
    const eightThousand = await open((await link(ada, 8000)).url);
    assert.notEqual(origin, eightThousand.origin);
    assert.equal((await fetch(`${eightThousand.origin}/echo`, { headers: { cookie: eightThousand.grant } })).status, 200);
    const nothing = await fetch(`${origin}/`, { headers: { cookie: grant } });
    assert.equal(nothing.status, 502);
    assert.match(await nothing.text(), /Nothing answers on port 9999 in your sandbox: is the container running and published\?/);
  });

  it('passes WebSockets, streams and bodies within the limits, and cuts off what exceeds them', async () => {
    const { origin, grant } = await open((await link(ada, 8000)).url);
    const { echoed, socket } = await echoOverWebSocket(origin, grant, 'ping through the preview');
    socket.close();
    assert.equal(echoed, 'ping through the preview');
    const big = await fetch(`${origin}/big/3000000`, { headers: { cookie: grant } });
    assert.equal((await big.arrayBuffer()).byteLength, 3_000_000);
    const small = await fetch(`${origin}/upload`, { method: 'POST', headers: { cookie: grant }, body: 'x'.repeat(1000) });
    assert.equal(await small.text(), 'got 1000 bytes');
    const large = await fetch(`${origin}/upload`, { method: 'POST', headers: { cookie: grant }, body: 'x'.repeat(200_000) });
    assert.equal(large.status, 413);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /slipway_preview_requests_total\{outcome="200"\} [1-9]/);
    assert.match(metrics, /slipway_preview_bytes_total\{direction="out"\} [1-9]/);
  });

  it('stops waiting for an app silent past the timeout, with a page that says so, and passes a slow one', async () => {
    const { origin, grant } = await open((await link(ada, 8000)).url);
    const silent = await fetch(`${origin}/silent/${SILENCE_S * 3}`, { headers: { cookie: grant } });
    assert.equal(silent.status, 504);
    assert.match(await silent.text(), /The app on port 8000 sent nothing for too long/);
    // An answer begun, then silence: cut off, never left open.
    const stalled = await fetch(`${origin}/stall/${SILENCE_S * 3}`, { headers: { cookie: grant } });
    assert.equal(stalled.status, 200);
    await assert.rejects(stalled.arrayBuffer());
    // Slow, but within the timeout: the app's answer.
    const slow = await fetch(`${origin}/silent/1`, { headers: { cookie: grant } });
    assert.deepEqual([slow.status, await slow.text()], [200, 'finally']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /slipway_preview_requests_total\{outcome="504"\} [1-9]/);
  });

  it("Slipway's API and terminal refuse what a preview origin sends them", async () => {
    const { origin } = await open((await link(ada, 8000)).url);
    const reset = await fetch(`${server.url}/api/session/sandbox/reset`, { method: 'POST', headers: { cookie: ada.cookie, origin, 'sec-fetch-site': 'same-site' } });
    assert.equal(reset.status, 403);
    assert.equal(((await reset.json()) as { error: { code: string } }).error.code, 'cross_origin');
    const terminal = new WebSocket(`${server.url.replace('http', 'ws')}${OWNER_PATH}`, { headers: { cookie: ada.cookie, origin } });
    const outcome = await new Promise<string>((resolve) => {
      terminal.once('open', () => resolve('opened'));
      terminal.once('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
      terminal.once('error', () => resolve('refused'));
    });
    terminal.close();
    assert.match(outcome, /^refused/);
  });

  it("recognises the learner when a preview plants a session cookie of the same name, and removes the planted one", async () => {
    const planted = bob.cookie.replace('slipway_session=', '');
    // The browser sends the planted copy (a longer path) before the learner's own.
    const shadowed = await fetch(`${server.url}/api/session`, { headers: { cookie: `slipway_session=${planted}; ${ada.cookie}` } });
    assert.equal(shadowed.status, 400);
    assert.equal(((await shadowed.json()) as { error: { code: string } }).error.code, 'conflicting_cookies');
    const removals = shadowed.headers.getSetCookie();
    assert.ok(removals.includes('slipway_session=; Max-Age=0; HttpOnly; SameSite=Lax; Path=/api/session'), removals.join('\n'));
    assert.ok(!removals.some((c) => /Path=\/(;|$)/.test(c) && !/Domain=/.test(c)), "the learner's own cookie (host-only, at /) is never removed");
    const forged = await fetch(`${server.url}/api/session`, { headers: { cookie: `slipway_session=s%3Aforged.abc; ${ada.cookie}` } });
    assert.equal(forged.status, 400, 'a second copy of any kind is refused, never taken for the learner');
    // A browser without a session of its own (the instructor's) holds the placeholder every
    // page gives it; a planted session beside it is a second copy too, never the only one.
    const page = await fetch(`${server.url}/`);
    const placeholder = page.headers.getSetCookie().find((c) => c.startsWith('slipway_session='));
    assert.equal(placeholder?.split(';')[0], 'slipway_session=none');
    assert.match(placeholder!, /HttpOnly/);
    const pushed = await fetch(`${server.url}/api/session`, { headers: { cookie: `slipway_session=${planted}; slipway_session=none` } });
    assert.equal(pushed.status, 400, "a planted session is never the instructor's");
    const nobody = await fetch(`${server.url}/api/session`, { headers: { cookie: 'slipway_session=none' } });
    assert.equal(nobody.status, 401, 'the placeholder names nobody');
    const own = await fetch(`${server.url}/api/session`, { headers: { cookie: ada.cookie } });
    assert.equal(((await own.json()) as { sandbox: { id: string } }).sandbox.id, ada.sandbox);
  });

  it('ends with the sandbox', async () => {
    const { origin, grant } = await open((await link(bob, 8000)).url);
    assert.equal((await fetch(`${origin}/echo`, { headers: { cookie: grant } })).status, 200);
    await fetch(`${server.url}/api/session/sandbox/reset`, { method: 'POST', headers: { cookie: bob.cookie } });
    const after = await fetch(`${origin}/echo`, { headers: { cookie: grant } }).then((r) => r.status, () => 'closed');
    assert.ok(after === 'closed' || after === 410, `the preview still answered ${after}`);
    assert.ok(!server.previews.listeners().some((l) => l.sandboxId === bob.sandbox), 'its preview port is still open');
  });
});
