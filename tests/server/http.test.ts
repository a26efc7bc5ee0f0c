// The HTTP surface: health, metrics, sessions, and clear errors for bad requests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

describe('http api', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server && stopAndClean(server));

  it('answers /healthz with the driver and isolation mode', async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as Record<string, unknown>;
    assert.equal(health.status, 'ok');
    assert.equal(health.driver, 'docker');
    assert.equal(health.isolated, true);
    assert.ok(['sysbox', 'privileged', 'capabilities'].includes(health.isolation as string));
    assert.equal(health.firewall, 'applied');
  });

  it('gives a browser a session and a sandbox, bound by an HttpOnly signed cookie', async () => {
    const created = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(created.status, 201);
    const cookie = created.headers.get('set-cookie') ?? '';
    assert.match(cookie, /slipway_session=s%3A/);
    assert.match(cookie, /HttpOnly/i);
    const sandbox = await fetch(`${server.url}/api/session/sandbox`, { method: 'POST', headers: { cookie: cookie.split(';')[0]! } });
    assert.equal(sandbox.status, 200);
    const view = (await sandbox.json()) as { sandbox: { id: string; state: string } };
    assert.match(view.sandbox.id, /^sbx-/);
    // The same cookie gets the same sandbox back.
    const again = (await (await fetch(`${server.url}/api/session`, { headers: { cookie: cookie.split(';')[0]! } })).json()) as { sandbox: { id: string } };
    assert.equal(again.sandbox.id, view.sandbox.id);
    // A forged cookie is no session.
    const forged = await fetch(`${server.url}/api/session`, { headers: { cookie: 'slipway_session=s%3Aabc.def' } });
    assert.equal(forged.status, 401);
  });

  it('exports sandbox metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    for (const name of ['slipway_sandboxes{state="assigned"} 1', 'slipway_pool_ready', 'slipway_sandbox_creates_total{result="ok"}', 'slipway_sandbox_create_seconds_bucket']) {
      assert.ok(text.includes(name), `metrics lack ${name}`);
    }
  });

  it('rejects bad input with a 4xx naming the problem', async () => {
    const malformed = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"displayName":' });
    assert.equal(malformed.status, 400);
    assert.ok(((await malformed.json()) as { error: { message: string } }).error.message.length > 0);
    const wrongType = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"displayName":42}' });
    assert.equal(wrongType.status, 400);
    assert.match(((await wrongType.json()) as { error: { message: string } }).error.message, /displayName/);
    const unknown = await fetch(`${server.url}/api/nope`);
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /GET \/api\/nope/);
    const noSession = await fetch(`${server.url}/api/session/sandbox`, { method: 'POST' });
    assert.equal(noSession.status, 401);
  });
});
