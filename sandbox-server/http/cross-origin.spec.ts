// Cross-origin protection through real HTTP on loopback, against a whole server on the fake
// driver: a state-changing request a browser marks as coming from another site (Sec-Fetch-Site,
// or an Origin that is not this host) is refused with 403 cross_origin before any route runs, so
// it creates no session and no sandbox; pages of this site, typed addresses, safe methods and
// clients that are no browser page go through.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startFakeServer, type FakeServer } from '../sandboxes/fake/harness.js';
import { crossOriginRefusal } from './cross-origin.js';

interface Answer {
  status: number;
  /** The refusal, as contract/errors.ts shapes every one. */
  error: { code?: string; message?: string };
  cookie: string | undefined;
}

describe('cross-origin protection', () => {
  let fake: FakeServer;
  let host: string;
  before(async () => {
    fake = await startFakeServer();
    host = new URL(fake.url).host;
  });
  after(() => fake.stop());

  /** One request with exactly these headers (fetch would add or refuse some of them). */
  const send = (method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const body = method === 'POST' ? '{}' : undefined;
      const request = http.request(`${fake.url}${path}`, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers } }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          let parsed: { error?: Answer['error'] } = {};
          try {
            parsed = JSON.parse(text) as { error?: Answer['error'] };
          } catch {
            // HEAD, or an empty answer.
          }
          resolve({ status: response.statusCode ?? 0, error: parsed.error ?? {}, cookie: response.headers['set-cookie']?.[0]?.split(';')[0] });
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  const sessionCount = () => (fake.server.db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;

  it('refuses a POST from a page of another site, by Sec-Fetch-Site, before the route creates anything', async () => {
    const before = sessionCount();
    for (const site of ['cross-site', 'same-site']) {
      const answer = await send('POST', '/api/session', { 'sec-fetch-site': site, origin: 'http://127.0.0.1:1' });
      assert.equal(answer.status, 403, site);
      assert.equal(answer.error.code, 'cross_origin');
      assert.match(answer.error.message ?? '', new RegExp(`Sec-Fetch-Site: ${site}`));
      assert.equal(answer.cookie, undefined, 'no session cookie');
    }
    assert.equal(sessionCount(), before, 'no session was created');
  });

  it('lets through pages of this site and addresses typed by the person', async () => {
    for (const site of ['same-origin', 'none']) {
      const answer = await send('POST', '/api/session', { 'sec-fetch-site': site });
      assert.equal(answer.status, 201, site);
      assert.ok(answer.cookie?.startsWith('slipway'), `a session cookie (${answer.cookie})`);
    }
  });

  it('judges by Origin when the browser sends no Sec-Fetch-Site', async () => {
    assert.equal((await send('POST', '/api/session', { origin: 'http://attacker.example' })).status, 403);
    assert.equal((await send('POST', '/api/session', { origin: 'null' })).status, 403, 'a sandboxed frame or a file');
    assert.equal((await send('POST', '/api/session', { origin: `https://${host}.attacker.example` })).status, 403);
    assert.equal((await send('POST', '/api/session', { origin: `http://${host}` })).status, 201);
  });

  it('lets through a client that is no browser page (no Sec-Fetch-Site, no Origin): it carries no victim cookies', async () => {
    assert.equal((await send('POST', '/api/session')).status, 201);
  });

  it('never refuses safe methods, whatever the site', async () => {
    const get = await send('GET', '/api/session', { 'sec-fetch-site': 'cross-site' });
    assert.equal(get.status, 401, 'the route answered (no session), not the cross-origin refusal');
    assert.equal(get.error.code, 'no_session');
    assert.notEqual((await send('HEAD', '/healthz', { 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.notEqual((await send('OPTIONS', '/api/session', { 'sec-fetch-site': 'cross-site' })).status, 403);
  });

  it("keeps another site from starting a sandbox with the learner's own cookie", async () => {
    const { cookie } = await send('POST', '/api/session', { 'sec-fetch-site': 'same-origin' });
    assert.ok(cookie);
    const creates = fake.driver.count('create');
    const refused = await send('POST', '/api/session/sandbox', { cookie, 'sec-fetch-site': 'cross-site' });
    assert.deepEqual([refused.status, refused.error.code], [403, 'cross_origin']);
    assert.equal(fake.driver.count('create'), creates, 'no sandbox was created');
    const allowed = await send('POST', '/api/session/sandbox', { cookie, 'sec-fetch-site': 'same-origin' });
    assert.equal(allowed.status, 200);
    assert.equal(fake.driver.count('create'), creates + 1);
  });

  it('words its refusal for the person, quoting at most a bounded part of what the browser sent', () => {
    assert.equal(crossOriginRefusal('get', { 'sec-fetch-site': 'cross-site' }), undefined, 'methods in any case');
    const long = `http://${'x'.repeat(500)}.example`;
    const refusal = crossOriginRefusal('DELETE', { origin: long, host: 'localhost:4321' }) ?? '';
    assert.match(refusal, /^Refused: this DELETE comes from a page of another site \(Origin http:\/\/x+ is not localhost:4321\)/);
    assert.ok(refusal.length < 300, `${refusal.length} characters`);
    assert.match(crossOriginRefusal('PUT', { origin: 'http://a.example' }) ?? '', /is not this host/);
  });
});
