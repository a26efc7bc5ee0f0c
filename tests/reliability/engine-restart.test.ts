// The host's Docker Engine restarts under a running server (an upgrade, a crash): every
// container stops with it. Sandboxes come back with the learner's files and images, the
// learner is told what happened, their terminal opens again, and new sandboxes still reach the
// image mirror. Restarting the engine is only done where the machine says it is ours to do
// (SLIPWAY_TEST_ENGINE_RESTART, which .ci/run sets for the engine it supervises).
// Runs alone: it restarts the Docker Engine.
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { engineRestartMethod, restartEngine } from '../support/engine.js';
import { sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { learnerSession, TermClient } from '../terminal/support/client.js';
import { eventually } from '../terminal/support/wait.js';

const method = engineRestartMethod();

describe('the Docker Engine restarts under a running server', { skip: method ? false : 'restarts the Docker Engine: set SLIPWAY_TEST_ENGINE_RESTART=supervised or systemctl to allow it (.ci/run does)' }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: 'engine-restart', SLIPWAY_POOL_SIZE: '1' });
  });
  after(async () => server && stopAndClean(server));

  it('brings sandboxes back with their files and images, tells the learner, and keeps serving', async () => {
    const learner = await learnerSession(server.url);
    const id = learner.sandboxId;
    await sh(server, id, 'echo kept > /root/workshop/notes.txt && docker run -d --name web busybox sleep 100000 >/dev/null');
    const term = await TermClient.connect(server.url, { cookie: learner.cookie });
    await term.waitFor(/# $/);
    await eventually('a warm sandbox in the pool', () => server.manager['store'].live().some((r) => r.state === 'pooled'), 120_000);

    await restartEngine();

    // The learner's shell went with the container.
    await term.waitControl((c) => c.type === 'exit', 'the exit frame', 60_000);
    type SessionView = { sandbox: { id: string } | null; notices: Array<{ kind: string; message: string }> };
    const session = async () => (await (await fetch(`${server.url}/api/session`, { headers: { cookie: learner.cookie } })).json()) as SessionView;
    let seen: SessionView | undefined;
    await eventually('the learner to be told the sandbox was started again', async () => (seen = await session()).notices.some((n) => n.kind === 'sandbox_restarted'), 120_000).catch((err: Error) => {
      throw new Error(`${err.message}; the session says ${JSON.stringify(seen)}`);
    });

    // Same sandbox, files and images kept; the container that ran is stopped, and the learner is told so.
    assert.equal(seen!.sandbox?.id, id);
    assert.match(seen!.notices.find((n) => n.kind === 'sandbox_restarted')!.message, /Docker Engine restarted.*containers that were running have stopped/);
    assert.equal((await sh(server, id, 'cat /root/workshop/notes.txt')).trim(), 'kept');
    assert.equal((await sh(server, id, "docker inspect -f '{{.State.Running}}' web")).trim(), 'false');

    // A new terminal opens on the same sandbox.
    await term.close();
    const again = await TermClient.connect(server.url, { cookie: learner.cookie });
    assert.equal(again.hello?.sandboxId, id);
    await again.run('docker start web >/dev/null && echo started-$((6*7))', /started-42/, 60_000);
    await again.close();

    // A new learner gets a sandbox that pulls through the mirror (network and firewall set up again).
    const newcomer = await learnerSession(server.url);
    assert.match(await sh(server, newcomer.sandboxId, 'docker pull -q busybox'), /busybox/);
    // The firewall is back too: a port open on every host address stays out of reach.
    const listener = net.createServer((socket) => socket.end('host port reached\n'));
    await new Promise<void>((resolve) => listener.listen(0, '0.0.0.0', resolve));
    try {
      const { port } = listener.address() as AddressInfo;
      const probe = await server.driver.exec(newcomer.sandboxId, ['sh', '-c', `curl -s --max-time 3 http://$(ip route | awk '/default/ {print $3}'):${port}/`]);
      assert.notEqual(probe.exitCode, 0, `a sandbox reached a host port after the restart: ${probe.stdout}`);
    } finally {
      listener.close();
    }
  });
});
