// The image mirror is one container per engine, shared by every installation on it. It finds
// each installation's sandbox network by itself, so one that starts leaves it running: replacing
// it would cut another installation's pulls short. One that starts with other package settings
// still replaces it, and that must not look like an engine restart to another installation
// running beside it: taking it for one made each set itself up again, and they kept replacing
// the mirror in turn. The same mirror container started again still means the engine restarted.
// Runs alone: it replaces and restarts the shared image mirror.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { MIRROR_CONTAINER, tcpAnswers } from '../../sandbox-server/images/mirror.js';
import type { DockerSandboxDriver } from '../../sandbox-server/sandboxes/docker/driver.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

describe('the mirror shared by installations on one engine', () => {
  let server: TestServer;
  const docker = new Docker();
  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-mshare' });
    // The liveness round asks the same question every few seconds: stopped, so only this test asks.
    await server.scheduler.stop();
  });
  after(async () => server && stopAndClean(server));

  it("serves a second installation's network without being replaced, and the first one's still", async () => {
    const before = await docker.getContainer(MIRROR_CONTAINER).inspect();
    const other = await startTestServer({ SLIPWAY_INSTANCE: 'test-mother' });
    try {
      const after = await docker.getContainer(MIRROR_CONTAINER).inspect();
      assert.equal(after.Id, before.Id, 'the second installation replaced the mirror');
      assert.equal(after.State.StartedAt, before.State.StartedAt, 'the second installation restarted the mirror');
      const readonlyPort = server.config.mirrorPort + 1;
      assert.ok(await tcpAnswers(gatewayOf(other), readonlyPort, 2000), "the mirror does not listen on the second installation's gateway");
    } finally {
      await stopAndClean(other);
    }
    assert.ok(await tcpAnswers(gatewayOf(server), server.config.mirrorPort + 1, 2000), "the mirror no longer listens on the first installation's gateway");
  });

  it('takes a mirror replaced by another installation for no restart, and the same mirror started again for one', async () => {
    const driver = server.driver as DockerSandboxDriver;
    assert.equal(await driver.recoverRestart(), false, 'nothing happened yet');

    const old = await docker.getContainer(MIRROR_CONTAINER).inspect();
    await docker.getContainer(MIRROR_CONTAINER).remove({ force: true });
    const replacement = await docker.createContainer({ name: MIRROR_CONTAINER, Image: old.Config.Image, Env: old.Config.Env, Labels: old.Config.Labels, HostConfig: old.HostConfig });
    await replacement.start();
    assert.equal(await driver.recoverRestart(), false, 'another container under the mirror name is another installation replacing it');

    await replacement.restart({ t: 1 });
    assert.equal(await driver.recoverRestart(), true, 'the same container started again is the engine restarting');
    assert.equal(await driver.recoverRestart(), false, 'and only once');
  });
});

function gatewayOf(server: TestServer): string {
  return (server.driver as DockerSandboxDriver).state.network.gateway;
}
