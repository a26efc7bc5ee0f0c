// Swarm figures, on the three-node fixture of tests/swarm (a real swarm of node containers on this
// machine): the three nodes made ready for sandboxes, the first time and again; a cold sandbox
// (service create → its own engine answering through the tunnel, over ten sandboxes made one
// after another), a keystroke's echo in a shell on a worker (through the node's API), a check's
// read of the sandbox's engine (a container listing through the tunnel), and how long a lost node
// takes to be noticed. A warm sandbox is the lifecycle's pool, on a whole
// server on the swarm driver: a learner asking → a command runs in the sandbox handed over. On that
// server too, the web preview of a small page served in a sandbox on a node, against the same
// request made inside the sandbox: requests one after another (curl, a new connection each; the
// server keeps its relay into the sandbox for a second between them, as it keeps connections to
// an app on one machine), and first requests after a pause, each opening a relay through the node.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createLogger } from '../sandbox-server/log.js';
import type { Shell } from '../sandbox-server/sandboxes/driver.js';
import { SwarmSandboxDriver } from '../sandbox-server/sandboxes/swarm/driver.js';
import Docker from 'dockerode';
import { testConfig } from '../tests/support/server.js';
import { startSwarmFixture } from '../tests/swarm/support/fixture.js';
import { curlLoop, numbers, openNginxPreview, sh } from './preview-app.js';
import { percentile, round, startBenchServer, waitUntil, type Bench } from './support.js';

const COLD_SAMPLES = 10;
const WARM_SAMPLES = 10;
const ECHO_SAMPLES = 200;
const CHECK_SAMPLES = 50;
const PREVIEW_SAMPLES = 100;
const PREVIEW_FIRST_SAMPLES = 10;
const run = promisify(execFile);

/** Keystroke → its echo on the shell's terminal, one key at a time. */
async function echoTimes(shell: Shell): Promise<number[]> {
  let screen = '';
  let waiting: { char: string; resolve: () => void } | undefined;
  shell.onData((chunk) => {
    screen += chunk.toString('utf8');
    if (waiting && screen.includes(waiting.char)) waiting.resolve();
  });
  shell.write(Buffer.from('echo ready-$((6*7))\r'));
  while (!screen.includes('ready-42')) await new Promise((r) => setTimeout(r, 20));
  const times: number[] = [];
  for (let i = 0; i < ECHO_SAMPLES; i++) {
    const char = String.fromCharCode(97 + (i % 26));
    screen = '';
    const echoed = new Promise<void>((resolve) => (waiting = { char, resolve }));
    const started = performance.now();
    shell.write(Buffer.from(char));
    await echoed;
    times.push(performance.now() - started);
    if (i % 26 === 25) shell.write(Buffer.from('\x15')); // Ctrl-U: keep the line short
  }
  return times;
}

const bench: Bench = {
  name: 'swarm: a three-node swarm on this machine',
  async run() {
    const fixture = await startSwarmFixture({ instance: 'benchswarm' });
    const config = { ...testConfig({ SLIPWAY_SANDBOX_MEMORY: '512m' }), instance: 'benchswarm' };
    const driver = new SwarmSandboxDriver({ config, endpoints: { manager: fixture.manager.docker, node: ({ hostname }) => fixture.nodes.find((n) => n.hostname === hostname)?.docker }, builder: new Docker(), log: createLogger('silent') });
    try {
      // Made ready the first time (each node holds the sandbox image only, as the fixture leaves
      // it), then again as at a later start (everything already there).
      const firstFrom = performance.now();
      await driver.prepare(() => undefined);
      const prepareFirstS = (performance.now() - firstFrom) / 1000;
      const againFrom = performance.now();
      await driver.prepare(() => undefined);
      const prepareAgainS = (performance.now() - againFrom) / 1000;
      const cold: number[] = [];
      for (let i = 0; i < COLD_SAMPLES; i++) {
        const started = performance.now();
        await driver.create(`cold-${i}`);
        cold.push(performance.now() - started);
        await driver.destroy(`cold-${i}`);
      }

      // Warm: a server on the same swarm keeps two sandboxes in its pool (the driver above holds none now).
      const warm: number[] = [];
      const server = await startBenchServer({
        SLIPWAY_INSTANCE: 'benchswarm',
        SLIPWAY_DRIVER: 'swarm',
        SLIPWAY_SWARM_MANAGER: `unix://${fixture.manager.socketPath}`,
        SLIPWAY_SWARM_NODES: fixture.nodes.map((n) => `${n.hostname}=unix://${n.socketPath}`).join(','),
        SLIPWAY_SANDBOX_MEMORY: '512m',
        SLIPWAY_POOL_SIZE: '2',
        SLIPWAY_PREVIEW_PORTS: '4524-4527',
      });
      let previewInside: number[] = [];
      let previewThrough: number[] = [];
      let previewFirst: number[] = [];
      try {
        const pooled = () => server.db.prepare(`SELECT COUNT(*) FROM sandboxes WHERE state = 'pooled'`).pluck().get() as number;
        for (let i = 0; i < WARM_SAMPLES; i++) {
          await waitUntil('a pooled sandbox', () => pooled() >= 1);
          const started = performance.now();
          const row = await server.sessions.ensureSandbox(server.sessions.create());
          const ran = await server.driver.exec(row.id, ['true']);
          if (ran.exitCode !== 0) throw new Error(`a command in the handed-over sandbox failed: ${ran.stderr}`);
          warm.push(performance.now() - started);
          await server.manager.destroy(row.id, 'released');
        }
        const { sandbox, origin, grant } = await openNginxPreview(server, `echo '<!doctype html><title>bench</title>' > /root/site/index.html`);
        await sh(server, sandbox, curlLoop(5, 'http://localhost:8080/', '%{time_total}'));
        await run('bash', ['-c', curlLoop(5, `${origin}/`, '%{time_total}', grant)]);
        previewInside = numbers(await sh(server, sandbox, curlLoop(PREVIEW_SAMPLES, 'http://localhost:8080/', '%{time_total}'))).map((s) => s * 1000);
        previewThrough = numbers((await run('bash', ['-c', curlLoop(PREVIEW_SAMPLES, `${origin}/`, '%{http_code} %{time_total}', grant)])).stdout.replace(/^200 /gm, '')).map((s) => s * 1000);
        const afterPause = `for i in $(seq ${PREVIEW_FIRST_SAMPLES}); do sleep 1.5; curl -sS -o /dev/null -b '${grant}' -w '%{http_code} %{time_total}\\n' '${origin}/' || exit 1; done`;
        previewFirst = numbers((await run('bash', ['-c', afterPause])).stdout.replace(/^200 /gm, '')).map((s) => s * 1000);
        if ([...previewThrough, ...previewFirst].some((ms) => Number.isNaN(ms))) throw new Error('a request through the preview did not answer 200');
      } finally {
        await server.dispose();
      }

      // The swarm filled (two sandboxes a node): one on a worker for the shell and the checks,
      // and node3's to be lost.
      const kept = ['a', 'b', 'c', 'd', 'e', 'f'];
      await Promise.all(kept.map((id) => driver.create(id)));
      const onWorker = kept.find((id) => driver.nodeOf(id) === 'node2')!;
      const shell = await driver.openShell(onWorker, { cols: 120, rows: 30 });
      const echo = await echoTimes(shell);
      await shell.kill();
      const engine = driver.engine(onWorker);
      const checks: number[] = [];
      for (let i = 0; i < CHECK_SAMPLES; i++) {
        const started = performance.now();
        await engine.listContainers({ all: true });
        checks.push(performance.now() - started);
      }

      const doomed = kept.filter((id) => driver.nodeOf(id) === 'node3');
      const node3 = fixture.nodes.find((n) => n.hostname === 'node3')!;
      const lostAt = performance.now();
      await new Docker().getContainer(node3.container).kill();
      let detectSeconds = Number.NaN;
      while (performance.now() - lostAt < 120_000) {
        const running = (await driver.list()).filter((s) => s.running).map((s) => s.id);
        if (doomed.length && doomed.every((id) => !running.includes(id))) {
          detectSeconds = (performance.now() - lostAt) / 1000;
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      return {
        'swarm.prepare_3_nodes_first_s': round(prepareFirstS, 1),
        'swarm.prepare_3_nodes_again_s': round(prepareAgainS, 1),
        'swarm.cold_ready_ms.p50': round(percentile(cold, 50)),
        'swarm.cold_ready_ms.p95': round(percentile(cold, 95)),
        'swarm.warm_ready_ms.p50': round(percentile(warm, 50)),
        'swarm.warm_ready_ms.p95': round(percentile(warm, 95)),
        'swarm.terminal_echo_ms.p50': round(percentile(echo, 50), 2),
        'swarm.terminal_echo_ms.p99': round(percentile(echo, 99), 2),
        'swarm.check_ms.p95': round(percentile(checks, 95), 2),
        'swarm.node_loss_detect_s': round(detectSeconds),
        'swarm.preview_ms.p50': round(percentile(previewThrough, 50), 2),
        'swarm.preview_ms.p95': round(percentile(previewThrough, 95), 2),
        'swarm.preview_overhead_ms.p50': round(percentile(previewThrough, 50) - percentile(previewInside, 50), 2),
        'swarm.preview_first_ms.p50': round(percentile(previewFirst, 50), 2),
      };
    } finally {
      await fixture.dispose();
    }
  },
};

export default bench;
