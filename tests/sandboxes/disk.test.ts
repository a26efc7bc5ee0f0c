// Disk: a host whose disk is nearly full refuses new sandboxes with the reason; the disk round
// notices a sandbox that vanished. (A sandbox warned near its disk allowance and removed past
// it, with the learner and the instructor told: tests/reliability/hostile.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { names } from '../../sandbox-server/labels.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

describe('a sandbox lost behind the server\'s back', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server && stopAndClean(server));

  it('is noticed on the next round and the learner is told', async () => {
    const session = server.sessions.create();
    const { id } = await server.sessions.ensureSandbox(session);
    await new Docker().getContainer(names.sandboxContainer(server.config.instance, id)).remove({ force: true });
    await server.manager.checkDisks();
    const view = server.sessions.view(server.sessions.get(session.id)!);
    assert.equal(view.sandbox, null);
    assert.match(view.notice ?? '', /stopped unexpectedly/);
  });
});

describe('host disk nearly full', () => {
  let server: TestServer;
  before(async () => {
    // A threshold no disk here meets stands in for a full disk: filling the real one would
    // hurt everything else on this machine.
    server = await startTestServer({ SLIPWAY_MIN_FREE_DISK: '1000000g' });
  });
  after(async () => server && stopAndClean(server));

  it('refuses a new sandbox with a clear reason', async () => {
    const created = await fetch(`${server.url}/api/session`, { method: 'POST' });
    const cookie = created.headers.get('set-cookie')!.split(';')[0]!;
    const refused = await fetch(`${server.url}/api/session/sandbox`, { method: 'POST', headers: { cookie } });
    assert.equal(refused.status, 507);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'disk_full');
    assert.match(body.error.message, /disk is nearly full \(.* free in .*, at least .* needed\)/);
  });
});
