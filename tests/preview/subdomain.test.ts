// The web preview in subdomain mode (SLIPWAY_PREVIEW_DOMAIN), against real sandboxes, over real
// HTTP to the site's own port with the Host header a browser would send for a preview host
// (wildcard DNS is what makes those names reach this server; here every request goes to
// 127.0.0.1). A link opens the learner's app at <label>.preview.example.test on the site's port, traded
// for a host-only grant; another learner's host, an unknown label, the domain itself and no grant
// get the preview's refusal pages; a preview host asked for Slipway's API, pages, metrics or
// terminal WebSocket gets the preview's answer, never Slipway's; the app's Domain cookie is kept
// on its own host, and a session cookie planted for the parent domain the site shares with the
// previews is expired there; the site itself still answers on its own host; the preview ends
// with the sandbox.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { PreviewLink } from '../../contract/preview-api.js';
import { OWNER_PATH } from '../../contract/terminal.js';
import { sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

const APP = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'app.py'), 'utf8');
const DOMAIN = 'preview.example.test';
/** The site's own name, sharing a parent domain (example.test) with the previews. */
const SITE_HOST = 'learn.example.test';
const LABEL = /^p[a-z2-7]{16}$/;

interface Learner {
  cookie: string;
  sandbox: string;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

describe('web preview, subdomain mode', () => {
  let server: TestServer;
  let port: number;
  let ada: Learner;
  let bob: Learner;

  /** A request to the server with the Host header of `host` (what wildcard DNS would bring here). */
  const request = (host: string, pathname: string, headers: http.OutgoingHttpHeaders = {}, method = 'GET', body?: string) =>
    new Promise<Answer>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: pathname, method, agent: false, headers: { ...headers, host } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const learner = async (): Promise<Learner> => {
    const created = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const cookie = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
    const sandbox = await fetch(`${server.url}/api/session/sandbox`, { method: 'POST', headers: { cookie } });
    const view = (await sandbox.json()) as { sandbox: { id: string } };
    return { cookie, sandbox: view.sandbox.id };
  };
  const link = async (who: Learner, appPort: number) => {
    const response = await fetch(`${server.url}/api/session/preview`, { method: 'POST', headers: { cookie: who.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ port: appPort }) });
    const body = (await response.json()) as PreviewLink;
    assert.equal(response.status, 200, JSON.stringify(body));
    return new URL(body.url);
  };
  /** Opens a link as a browser would: the capability traded for the grant cookie of its host. */
  const open = async (url: URL) => {
    const first = await request(url.host, `${url.pathname}${url.search}`);
    assert.equal(first.status, 303, first.text);
    assert.equal(first.headers.location, '/', 'the token is taken out of the address');
    const setCookie = first.headers['set-cookie'] ?? [];
    assert.equal(setCookie.length, 1);
    return { host: url.host, label: url.hostname.split('.')[0]!, grant: setCookie[0]!.split(';')[0]!, setCookie: setCookie[0]! };
  };
  const startApp = async (who: Learner, appPort: number) => {
    await sh(server, who.sandbox, `mkdir -p /root/app && cat > /root/app/app.py <<'PY'\n${APP}\nPY\ndocker run -d --name app${appPort} -p ${appPort}:5000 -v /root/app:/app python:3.13-slim python3 /app/app.py >/dev/null && for i in $(seq 1 100); do curl -fs localhost:${appPort}/echo >/dev/null && exit 0; sleep 0.2; done; docker logs app${appPort}; exit 1`, 300_000);
  };
  /** A WebSocket handshake to the server for `host`: what answered it. */
  const handshake = (host: string, pathname: string, headers: Record<string, string>) =>
    new Promise<string>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}${pathname}`, { headers: { ...headers, host } });
      const done = (outcome: string) => {
        resolve(outcome);
        socket.terminate();
      };
      socket.once('open', () => socket.once('message', (data) => done(`opened: ${String(data)}`)).send('hello'));
      socket.once('unexpected-response', (_req, res) => done(`refused ${res.statusCode}`));
      socket.once('error', (err) => done(`error ${err.message}`));
      setTimeout(() => done('no answer'), 10_000).unref();
    });

  before(async () => {
    // No preview port is ever opened in this mode: the range is one port, to show it is unused.
    server = await startTestServer({ SLIPWAY_PREVIEW_DOMAIN: DOMAIN, SLIPWAY_PREVIEW_PORTS: '4496-4496', SLIPWAY_PREVIEW_CONNECTIONS: '8' });
    port = Number(new URL(server.url).port);
    [ada, bob] = await Promise.all([learner(), learner()]);
    await Promise.all([startApp(ada, 8000), startApp(bob, 8000)]);
  });
  after(async () => {
    if (server) await stopAndClean(server);
  });

  it("opens the learner's app at a host of its own on the site's port, with a host-only grant", async () => {
    const url = await link(ada, 8000);
    const [label, ...rest] = url.hostname.split('.');
    assert.match(label!, LABEL, url.href);
    assert.equal(rest.join('.'), DOMAIN);
    assert.equal(Number(url.port), port, "on the site's own port");
    assert.ok(!url.href.includes(ada.sandbox), 'the link never names the sandbox');
    const { host, grant, setCookie } = await open(url);
    assert.match(setCookie, new RegExp(`^slipway_preview_${label}=v2\\.[^;]+; Path=/; HttpOnly; SameSite=Lax$`), 'no Domain: the grant stays with this host');
    const home = await request(host, '/', { cookie: grant });
    assert.equal(home.status, 200);
    assert.equal(home.text, 'hello from the sandbox');
    // The app set `sid=abc; Domain=example.org`: kept on this host, under the preview's prefix.
    assert.deepEqual(home.headers['set-cookie'], [`pv${label}_sid=abc; Path=/; HttpOnly`]);
    const echo = await request(host, '/echo', { cookie: [grant, ada.cookie, 'slipway_instructor=x.y', `pv${label}_sid=abc`, 'pvpother_sid=1', 'sid=not-mine'].join('; ') });
    assert.equal(echo.text, 'cookie=sid=abc', 'the app gets its own cookies only');
    const socket = await handshake(host, '/socket', { cookie: grant });
    assert.equal(socket, 'opened: hello', 'WebSockets reach the app');
    assert.equal(server.previews.listeners().filter((l) => l.listener !== undefined).length, 0, 'no preview port was opened');
    assert.ok((await fetch('http://127.0.0.1:4496/').catch(() => 'closed')) === 'closed', 'the preview port range is unused');
  });

  it('behind an HTTPS reverse proxy on this host: the link names the proxy\'s scheme, host and port, and the grant is Secure', async () => {
    const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': `${SITE_HOST}:8443` };
    const response = await fetch(`${server.url}/api/session/preview`, { method: 'POST', headers: { cookie: ada.cookie, 'content-type': 'application/json', ...proxied }, body: JSON.stringify({ port: 8000 }) });
    const url = new URL(((await response.json()) as PreviewLink).url);
    assert.equal(url.protocol, 'https:', url.href);
    assert.equal(url.port, '8443', 'the port the browser reached the proxy on');
    assert.match(url.hostname, new RegExp(`^p[a-z2-7]{16}\\.${DOMAIN.replace(/\./g, '\\.')}$`));
    // The proxy passes the request on with the preview host as Host, and says it came over HTTPS.
    const traded = await request(url.hostname, `${url.pathname}${url.search}`, { 'x-forwarded-proto': 'https' });
    assert.equal(traded.status, 303, traded.text);
    assert.match(traded.headers['set-cookie']?.[0] ?? '', /; HttpOnly; SameSite=Lax; Secure$/, 'Secure: the grant never goes over plain HTTP');
    // Over plain HTTP (no proxy saying otherwise), a new link's grant is not Secure, or no browser would send it back.
    const plain = await open(await link(ada, 8000));
    assert.doesNotMatch(plain.setCookie, /Secure/);
  });

  it("never shows another learner's app: a foreign host, an unknown label, the domain itself, no grant", async () => {
    const mine = await open(await link(ada, 8000));
    const theirs = await open(await link(bob, 8000));
    assert.notEqual(mine.host, theirs.host);
    for (const cookie of [mine.grant.replace(`slipway_preview_${mine.label}`, `slipway_preview_${theirs.label}`), `${theirs.grant.slice(0, -3)}abc`, '']) {
      const refused = await request(theirs.host, '/echo', { cookie });
      assert.equal(refused.status, 403, cookie);
      assert.match(refused.text, /Open the preview from Slipway/);
    }
    for (const host of [`pzzzzzzzzzzzzzzzz.${DOMAIN}:${port}`, `${DOMAIN}:${port}`, `x.${theirs.label}.${DOMAIN}:${port}`, `${mine.label.slice(0, -1)}${mine.label.endsWith('a') ? 'b' : 'a'}.${DOMAIN}:${port}`]) {
      const none = await request(host, '/echo', { cookie: `${mine.grant}; ${theirs.grant}` });
      assert.equal(none.status, 404, host);
      assert.match(none.text, /No such preview/, host);
      assert.doesNotMatch(none.text, /cookie=/);
    }
    // A link made for Bob's preview does not open on Ada's host.
    const bobs = await link(bob, 8000);
    const crossed = await request(mine.host, `/${bobs.search}`);
    assert.equal(crossed.status, 403);
  });

  it("a preview host never serves Slipway's API, pages, metrics or terminal", async () => {
    const { host, grant } = await open(await link(ada, 8000));
    // Without the grant: the preview's refusal, even with the learner's Slipway session.
    for (const pathname of ['/api/session', '/healthz', '/metrics', '/lessons/', '/instructor/']) {
      const refused = await request(host, pathname, { cookie: ada.cookie });
      assert.equal(refused.status, 403, pathname);
      assert.match(refused.text, /Slipway preview/, pathname);
    }
    const post = await request(host, '/api/session/sandbox/reset', { cookie: ada.cookie, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' }, 'POST', '{}');
    assert.equal(post.status, 403);
    assert.match(post.text, /Open the preview from Slipway/);
    // With it: the app's own answers (its 404 page, its POST handler), never Slipway's JSON.
    const api = await request(host, '/api/session', { cookie: `${grant}; ${ada.cookie}` });
    assert.deepEqual([api.status, api.text], [404, 'no such page']);
    const reset = await request(host, '/api/session/sandbox/reset', { cookie: `${grant}; ${ada.cookie}`, 'content-length': '2' }, 'POST', '{}');
    assert.deepEqual([reset.status, reset.text], [200, 'got 2 bytes'], 'the POST went to the app');
    // The terminal's path on a preview host: Origin and Host agree (what Slipway's own check
    // asks), the learner's session goes along, and still no terminal opens.
    const origin = `http://${host}`;
    assert.equal(await handshake(host, OWNER_PATH, { cookie: ada.cookie, origin }), 'refused 403', 'no grant: the preview refuses');
    assert.equal(await handshake(host, OWNER_PATH, { cookie: `${grant}; ${ada.cookie}`, origin }), 'opened: hello', "with the grant: the app's WebSocket echo, not a shell");
    // The site itself still answers on its own host.
    const own = await fetch(`${server.url}/api/session`, { headers: { cookie: ada.cookie } });
    assert.equal(((await own.json()) as { sandbox: { id: string } }).sandbox.id, ada.sandbox);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /slipway_preview_requests_total\{outcome="403"\} [1-9]/);
    assert.match(metrics, /slipway_preview_requests_total\{outcome="404"\} [1-9]/);
  });

  it("removes a session cookie a preview's script planted for the parent domain it shares with the site", async () => {
    // A preview's script may set document.cookie with domain=example.test; the browser then sends
    // that copy to learn.example.test too, beside the learner's own (host-only) one.
    const planted = bob.cookie.replace('slipway_session=', '');
    const site = `${SITE_HOST}:${port}`;
    const shadowed = await request(site, '/api/session', { cookie: `slipway_session=${planted}; ${ada.cookie}` });
    assert.equal(shadowed.status, 400, shadowed.text);
    assert.match(shadowed.text, /conflicting_cookies/);
    const removals = ([] as string[]).concat(shadowed.headers['set-cookie'] ?? []);
    for (const domain of [SITE_HOST, 'example.test']) {
      assert.ok(removals.includes(`slipway_session=; Max-Age=0; HttpOnly; SameSite=Lax; Path=/; Domain=${domain}`), `${domain}:\n${removals.join('\n')}`);
    }
    assert.ok(!removals.some((c) => /Path=\/(;|$)/.test(c) && !/Domain=/.test(c)), "the learner's own cookie (host-only, at /) is never removed");
    const own = await request(site, '/api/session', { cookie: ada.cookie });
    assert.equal((JSON.parse(own.text) as { sandbox: { id: string } }).sandbox.id, ada.sandbox, 'the site answers on its own name');
  });

  it('ends with the sandbox: its host then names no preview', async () => {
    const { host, grant } = await open(await link(bob, 8000));
    assert.equal((await request(host, '/echo', { cookie: grant })).status, 200);
    await fetch(`${server.url}/api/session/sandbox/reset`, { method: 'POST', headers: { cookie: bob.cookie } });
    const after = await request(host, '/echo', { cookie: grant });
    assert.equal(after.status, 404);
    assert.match(after.text, /No such preview/);
    assert.ok(!server.previews.listeners().some((l) => l.sandboxId === bob.sandbox));
  });
});
