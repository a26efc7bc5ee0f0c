// The swarm fixture (support/fixture.ts) on the real engine: three nodes, one manager, all Ready
// and labelled for sandboxes, each holding the sandbox image; a sandbox made as the swarm driver
// makes it (a service of one task, the trimmed rights through Privileges, limits, a labelled
// volume for its engine's data, dnsrr on the node's bridge, placed on a worker) runs its own
// Docker Engine three levels deep, reached through execs on the node it runs on; and the
// fixture leaves nothing on this machine's engine when it is removed. The sandbox is the swarm
// driver's service spec (sandboxes/swarm/service-spec.ts) and its engine is reached the way the
// driver reaches it (sandboxes/swarm/engine-tunnel.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { listInstallation } from '../../sandbox-server/clean/installation.js';
import { BASE_TAG } from '../../sandbox-server/images/base.js';
import { expectedTag } from '../../sandbox-server/images/build.js';
import { tunnelledEngine } from '../../sandbox-server/sandboxes/swarm/engine-tunnel.js';
import { SANDBOX_NODE_LABEL, sandboxServiceSpec } from '../../sandbox-server/sandboxes/swarm/service-spec.js';
import { testConfig } from '../support/server.js';
import { requireEngine } from '../support/engine.js';
import { recordTestInstance } from '../support/test-run.js';
import { startSwarmFixture, type SwarmFixture } from './support/fixture.js';

/** This file's own fixture: a name apart from the one a person may have up by hand. */
const INSTANCE = `sw${process.pid.toString(36)}`;

interface Task {
  NodeID: string;
  Status: { State: string; Err?: string; ContainerStatus?: { ContainerID?: string } };
}

describe('a swarm of three nodes on this machine', { timeout: 240_000 }, () => {
  let fixture: SwarmFixture;

  before(async () => {
    await requireEngine();
    recordTestInstance(INSTANCE);
    fixture = await startSwarmFixture({ instance: INSTANCE });
  });
  after(async () => {
    await fixture?.dispose();
  });

  it('has one manager and two workers, all Ready, labelled for sandboxes, holding the sandbox image', async () => {
    assert.deepEqual(fixture.nodes.map((n) => n.role), ['manager', 'worker', 'worker']);
    const nodes = (await fixture.manager.docker.listNodes()) as Array<{ ID: string; Spec: { Role: string; Labels?: Record<string, string> }; Status: { State: string } }>;
    assert.equal(nodes.length, 3);
    for (const node of nodes) {
      assert.equal(node.Status.State, 'ready', node.ID);
      assert.equal(node.Spec.Labels?.[SANDBOX_NODE_LABEL], 'true', node.ID);
    }
    for (const node of fixture.nodes) await node.docker.getImage(fixture.image).inspect();
  });

  it('runs a sandbox service on a worker, whose own engine is reached through a tunnel of the node it runs on', async () => {
    const worker = fixture.nodes.find((n) => n.role === 'worker')!;
    const config = testConfig({ SLIPWAY_SANDBOX_MEMORY: '768m' });
    const spec = sandboxServiceSpec({ ...config, instance: INSTANCE }, { id: 'probe', image: fixture.image, nodeId: worker.id });
    const service = await fixture.manager.docker.createService(spec);
    const serviceId = (service as unknown as { id: string }).id;
    const volume = `slipway-${INSTANCE}-probe-docker`;
    try {
      let task: Task | undefined;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        [task] = (await fixture.manager.docker.listTasks({ filters: JSON.stringify({ service: [serviceId] }) })) as Task[];
        if (task?.Status.State === 'running' || task?.Status.State === 'rejected' || task?.Status.State === 'failed') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(task?.Status.State, 'running', `the sandbox task: ${JSON.stringify(task?.Status)}`);
      assert.equal(task!.NodeID, worker.id, 'placed on the worker it was pinned to');
      const containerId = task!.Status.ContainerStatus!.ContainerID!;
      // The node's engine, not the manager's, holds the container: exec is local to a node.
      await assert.rejects(fixture.manager.docker.getContainer(containerId).inspect(), 'the manager does not hold the sandbox container');
      const limits = await worker.docker.getContainer(containerId).inspect();
      assert.equal(limits.HostConfig.Memory, 768 * 1024 ** 2, 'the memory limit applied');
      assert.equal(limits.HostConfig.PidsLimit, config.sandboxPids, 'the process limit applied');

      // The sandbox's own engine, three levels deep, through execs of dial-stdio on its node.
      const engine = tunnelledEngine(worker.docker, containerId);
      const engineDeadline = Date.now() + 60_000;
      let version: { Version?: string } | undefined;
      while (!version && Date.now() < engineDeadline) {
        version = await engine.version().catch(() => undefined);
        if (!version) await new Promise((r) => setTimeout(r, 250));
      }
      assert.match(version?.Version ?? '', /^\d+\.\d+/, 'the inner engine says its version');
      // An image streamed in, a container run, its output and its event read back: requests
      // and streams both ways through the tunnel.
      const host = new Docker();
      const hello = (await expectedTag(host, 'standins/hello-world', 'slipway/standin-hello-world', BASE_TAG))!;
      const loaded = await engine.loadImage(await host.getImage(hello).get());
      await new Promise<void>((resolve, reject) => engine.modem.followProgress(loaded, (err: Error | null) => (err ? reject(err) : resolve())));
      assert.ok((await engine.listImages()).some((i) => (i.RepoTags ?? []).includes(hello)), 'the image is in the sandbox');
      const since = Math.floor(Date.now() / 1000) - 1;
      const container = await engine.createContainer({ Image: hello, name: 'greeter' });
      await container.start();
      assert.equal((await container.wait()).StatusCode, 0);
      const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
      assert.match(logs, /Hello from Docker!/);
      const events = (await engine.getEvents({ since, until: Math.floor(Date.now() / 1000) + 1, filters: JSON.stringify({ container: ['greeter'], event: ['die'] }) })) as unknown as NodeJS.ReadableStream;
      let seen = '';
      for await (const chunk of events) seen += String(chunk);
      assert.match(seen, /"status":"die"/, 'the event stream tells the container ended');
      await container.remove();
    } finally {
      await fixture.manager.docker.getService(serviceId).remove();
    }
    // The service's volume stays on its node; it is removed there.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const removed = await worker.docker.getVolume(volume).remove().then(() => true, (err: { statusCode?: number }) => err.statusCode === 404);
      if (removed) break;
      if (Date.now() > deadline) assert.fail(`the sandbox's volume ${volume} could not be removed from its node`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  it('leaves nothing on this machine once removed', async () => {
    const folders = fixture.nodes.map((n) => n.socketPath);
    await fixture.dispose();
    assert.deepEqual(await listInstallation(new Docker(), INSTANCE), []);
    for (const socket of folders) assert.equal(fs.existsSync(socket), false, socket);
  });
});
