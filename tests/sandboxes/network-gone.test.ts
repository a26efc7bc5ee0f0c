// The sandbox network removed under a running server (an operator's `docker network prune` while
// no sandbox is attached, a cleanup): the next sandbox still comes, on a network set up again
// with its firewall, and its engine reaches the image mirror through it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { names } from '../../sandbox-server/labels.js';
import type { DockerSandboxDriver } from '../../sandbox-server/sandboxes/docker/driver.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

describe('the sandbox network removed under a running server', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-network-gone' });
  });
  after(async () => server && stopAndClean(server));

  it('is set up again for the next sandbox, which pulls from the mirror', async () => {
    const docker = new Docker();
    const network = names.network(server.config.instance);
    const first = await docker.getNetwork(network).inspect();
    await docker.getNetwork(network).remove();

    const session = server.sessions.create();
    const { id } = await server.sessions.ensureSandbox(session);
    const again = await docker.getNetwork(network).inspect();
    assert.notEqual(again.Id, first.Id, 'a new network');
    assert.ok(again.Containers && Object.values(again.Containers).length === 1, 'the new sandbox is on it');
    assert.equal((server.driver as DockerSandboxDriver).state.network.gateway, again.IPAM?.Config?.[0]?.Gateway);
    const pulled = await server.driver.exec(id, ['docker', 'pull', '-q', 'busybox'], { timeoutMs: 120_000 });
    assert.equal(pulled.exitCode, 0, pulled.stdout + pulled.stderr);
  });
});
