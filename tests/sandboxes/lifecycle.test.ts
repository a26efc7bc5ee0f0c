// Lifecycle: warm pool, destroy leaves nothing, a restarted server re-adopts live sandboxes and
// removes orphans.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Docker from 'dockerode';
import { LABEL } from '../../sandbox-server/labels.js';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, TEST_INSTANCE, type TestServer } from '../support/server.js';

const docker = new Docker();

async function objectsOf(id: string): Promise<string[]> {
  const filters = JSON.stringify({ label: [`${LABEL.instance}=${TEST_INSTANCE}`, `${LABEL.sandbox}=${id}`] });
  const containers = await docker.listContainers({ all: true, filters });
  const { Volumes: volumes = [] } = await docker.listVolumes({ filters });
  const networks = await docker.listNetworks({ filters });
  return [...containers.map((c) => `container ${c.Names[0]}`), ...volumes.map((v) => `volume ${v.Name}`), ...networks.map((n) => `network ${n.Name}`)];
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('sandbox lifecycle', () => {
  const servers: TestServer[] = [];
  after(async () => {
    for (const server of servers.reverse()) await stopAndClean(server).catch(() => undefined);
  });

  it('keeps a warm pool and hands out pooled sandboxes without waiting for a new one', async () => {
    const server = await startTestServer({ SLIPWAY_POOL_SIZE: '2' });
    servers.push(server);
    await waitFor('two pooled sandboxes', () => (server.db.prepare(`SELECT COUNT(*) n FROM sandboxes WHERE state='pooled'`).get() as { n: number }).n === 2);
    const pooledIds = (server.db.prepare(`SELECT id FROM sandboxes WHERE state='pooled'`).all() as Array<{ id: string }>).map((r) => r.id);
    const session = server.sessions.create();
    const row = await server.sessions.ensureSandbox(session);
    assert.ok(pooledIds.includes(row.id), 'the sandbox should come from the pool');
    assert.equal(row.state, 'assigned');
    assert.equal(await sh(server, row.id, 'docker info --format "{{.ServerVersion}}" | grep -c .'), '1\n');
    // The pool refills behind the learner.
    await waitFor('the pool to refill', () => (server.db.prepare(`SELECT COUNT(*) n FROM sandboxes WHERE state='pooled'`).get() as { n: number }).n === 2);
    await stopAndClean(server);
    servers.pop();
  });

  it('destroy removes the container, its volume and its socket folder', async () => {
    const server = await startTestServer();
    servers.push(server);
    const id = await newSandbox(server);
    await sh(server, id, 'docker volume create learner-data >/dev/null && docker run --rm -v learner-data:/d busybox touch /d/x');
    assert.notDeepEqual(await objectsOf(id), [], 'the sandbox should have objects before destroy');
    await server.manager.destroy(id, 'released');
    assert.deepEqual(await objectsOf(id), []);
    assert.equal(fs.existsSync(path.join(server.dataDir, 'sandboxes', id)), false);
    assert.equal(server.db.prepare(`SELECT state FROM sandboxes WHERE id = ?`).pluck().get(id), 'destroyed');
    await stopAndClean(server);
    servers.pop();
  });

  it('a restarted server re-adopts a live sandbox and removes an orphan', async () => {
    const first = await startTestServer();
    const dataDir = first.dataDir;
    const session = first.sessions.create();
    const live = await first.sessions.ensureSandbox(session);
    await sh(first, live.id, 'echo remembered > /root/workshop/marker');
    // An orphan: a sandbox in the backend that the store does not know (e.g. a crash mid-create).
    await first.driver.create('sbx-orphan0001');
    await first.stop();

    const second = await startTestServer({}, dataDir);
    servers.push(second);
    assert.equal(second.sessions.liveSandbox(second.sessions.get(session.id)!)?.id, live.id, 'the session keeps its sandbox');
    assert.equal(await sh(second, live.id, 'cat /root/workshop/marker'), 'remembered\n');
    assert.ok((await second.driver.engine(live.id).ping()).toString().includes('OK'));
    assert.deepEqual(await objectsOf('sbx-orphan0001'), [], 'the orphan should be gone');
    assert.deepEqual((await second.driver.list()).map((b) => b.id), [live.id]);
  });
});
