// The swarm fixture (support/fixture.ts) on the real engine: three nodes, one manager, all Ready
// and labelled for sandboxes, each holding the sandbox image; a sandbox made as the swarm driver
// will make it (a service of one task, the trimmed rights through Privileges, a labelled volume
// for its engine's data, dnsrr on the node's bridge, placed on a worker) runs its own Docker
// Engine three levels deep, reached by an exec through the API of the node it runs on; and the
// fixture leaves nothing on this machine's engine when it is removed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { listInstallation } from '../../sandbox-server/clean/installation.js';
import { labels } from '../../sandbox-server/labels.js';
import { requireEngine } from '../support/engine.js';
import { recordTestInstance } from '../support/test-run.js';
import { SANDBOX_NODE_LABEL, startSwarmFixture, type SwarmFixture, type SwarmNode } from './support/fixture.js';

/** This file's own fixture: a name apart from the one a person may have up by hand. */
const INSTANCE = `sw${process.pid.toString(36)}`;

interface Task {
  NodeID: string;
  Status: { State: string; Err?: string; ContainerStatus?: { ContainerID?: string } };
}

/** Runs a command in a container of a node and returns its output and exit code. */
async function execIn(node: SwarmNode, containerId: string, command: string[]): Promise<{ exitCode: number; output: string }> {
  const exec = await node.docker.getContainer(containerId).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  node.docker.modem.demuxStream(stream, sink, sink);
  await new Promise((resolve) => stream.on('end', resolve));
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8') };
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

  it('runs a sandbox service on a worker whose own Docker Engine answers through the node it runs on', async () => {
    const worker = fixture.nodes.find((n) => n.role === 'worker')!;
    const volume = `${INSTANCE}-probe-docker`;
    const service = await fixture.manager.docker.createService({
      Name: `${INSTANCE}-probe`,
      Labels: labels(INSTANCE, 'sandbox', 'probe'),
      TaskTemplate: {
        ContainerSpec: {
          Image: fixture.image,
          Hostname: 'sandbox',
          CapabilityAdd: ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN', 'CAP_SYS_PTRACE'],
          Privileges: { Seccomp: { Mode: 'unconfined' }, AppArmor: { Mode: 'disabled' } },
          Init: true,
          Mounts: [{ Type: 'volume', Source: volume, Target: '/var/lib/docker', VolumeOptions: { NoCopy: false, Labels: labels(INSTANCE, 'sandbox', 'probe'), DriverConfig: { Name: 'local', Options: {} } } }],
        },
        Resources: { Limits: { MemoryBytes: 768 * 1024 ** 2, Pids: 1024 } },
        RestartPolicy: { Condition: 'none' },
        Placement: { Constraints: [`node.id==${worker.id}`, `node.labels.${SANDBOX_NODE_LABEL}==true`] },
        Networks: [{ Target: 'bridge' }],
      },
      EndpointSpec: { Mode: 'dnsrr' },
      // dockerode's types predate API 1.44, where Privileges gained Seccomp and AppArmor.
    } as Docker.CreateServiceOptions);
    const serviceId = (service as unknown as { id: string }).id;
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
      let answer = { exitCode: -1, output: '' };
      const engineDeadline = Date.now() + 60_000;
      while (Date.now() < engineDeadline) {
        answer = await execIn(worker, containerId, ['/usr/bin/docker', 'version', '--format', '{{.Server.Version}}']);
        if (answer.exitCode === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(answer.exitCode, 0, answer.output);
      assert.match(answer.output.trim(), /^\d+\.\d+/, 'the sandbox engine, three levels deep, says its version');
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
