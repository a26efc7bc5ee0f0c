// The workshop registry: learners push their images by name (under their own namespace, $ME:
// see registry-namespace.test.ts) and pull everyone's; the mirror every sandbox pulls through
// stays read-only to them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DockerSandboxDriver } from '../../sandbox-server/sandboxes/docker/driver.js';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

describe('workshop registry and read-only mirror', () => {
  let server: TestServer;
  let a: string;
  let b: string;
  // $ME is expanded in A, where it is A's namespace; B pulls by the name A pushed.
  const tag = `registry.workshop:5000/$ME/box-${Date.now().toString(36)}:1.0`;

  before(async () => {
    server = await startTestServer();
    [a, b] = await Promise.all([newSandbox(server), newSandbox(server)]);
  });
  after(async () => server && stopAndClean(server));

  it('one sandbox pushes an image by name and another pulls and runs it', async () => {
    const pushed = (await sh(server, a, `docker pull -q busybox >/dev/null && docker tag busybox ${tag} && docker push -q ${tag} >/dev/null && echo ${tag}`)).trim();
    const out = await sh(server, b, `docker run --rm ${pushed} echo pulled-from-the-workshop-registry`);
    assert.match(out, /pulled-from-the-workshop-registry/);
  });

  it('a learner cannot replace an image in the mirror', async () => {
    const gateway = (server.driver as DockerSandboxDriver).state.network.gateway;
    const mirror = `${gateway}:${server.config.mirrorPort + 1}`;
    // The first request of any push: start a blob upload. A read-only registry refuses it.
    const upload = await sh(server, a, `curl -s -o /dev/null -w '%{http_code}' -X POST http://${mirror}/v2/library/hello-world/blobs/uploads/`);
    assert.ok(['405', '503'].includes(upload), `the mirror accepted an upload (HTTP ${upload})`);
    const workshop = await sh(server, a, `curl -s -o /dev/null -w '%{http_code}' -X POST http://registry.workshop:5000/v2/$ME/probe/blobs/uploads/`);
    assert.equal(workshop, '202', 'the same request to the workshop registry is accepted, so the refusal above is the read-only mirror');
    // And hello-world is still the real stand-in for everyone.
    assert.match(await sh(server, b, 'docker run --rm hello-world'), /Hello from Docker!/);
  });
});
