// The image mirror is one container per engine, shared by every installation on it; one that
// starts replaces it to add its network's gateway. That must not look like an engine restart to
// another installation running beside it: taking it for one made each set itself up again, and
// with test networks coming and going they kept replacing the mirror in turn. The same mirror
// container started again still means the engine restarted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { MIRROR_CONTAINER } from '../../sandbox-server/images/mirror.js';
import type { DockerSandboxDriver } from '../../sandbox-server/sandboxes/docker/driver.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

describe('the mirror shared by installations on one engine', () => {
  let server: TestServer;
  const docker = new Docker();
  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-mirror-share' });
    // The liveness round asks the same question every few seconds: stopped, so only this test asks.
    await server.scheduler.stop();
  });
  after(async () => server && stopAndClean(server));

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
