// The trimmed capability set is the smallest that works: with it a nested engine runs
// containers and execs into them; without any one of its parts it cannot.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import type { DockerSandboxDriver } from '../../sandbox-server/sandboxes/docker/driver.js';
import { TRIMMED_CAPABILITIES } from '../../sandbox-server/sandboxes/docker/isolation.js';
import { startTestServer, stopAndClean, TEST_INSTANCE, type TestServer } from '../support/server.js';

const docker = new Docker();

/**
 * Starts the sandbox image with `hostConfig` and tries, inside it, `docker run hello-world` and
 * a `docker exec` into a container running as a non-root user (what health checks do).
 */
async function nestedRun(server: TestServer, hostConfig: Docker.HostConfig): Promise<{ ok: boolean; output: string }> {
  const { image, network } = (server.driver as DockerSandboxDriver).state;
  const container = await docker.createContainer({
    Image: image,
    Env: [`SLIPWAY_MIRROR=${network.gateway}:${server.config.mirrorPort + 1}`],
    Labels: { 'io.slipway.instance': TEST_INSTANCE, 'io.slipway.role': 'probe' },
    HostConfig: { ...hostConfig, Init: true, NetworkMode: network.name, Dns: [network.gateway] },
  });
  try {
    await container.start();
    // Bounded waits: a sandbox that cannot run the engine should fail the check quickly. The
    // real CLI, not the sandbox's `docker` (which waits up to minutes for an engine starting).
    const script =
      'd=/usr/bin/docker; for i in $(seq 1 25); do timeout 2 $d version >/dev/null 2>&1 && break; sleep 0.2; done; timeout 20 $d run --rm hello-world 2>&1 && timeout 20 $d run -d --name as-user --user 999 busybox sleep 60 >/dev/null && timeout 10 $d exec as-user true 2>&1; echo "exit=$?"';
    const exec = await container.exec({ Cmd: ['bash', '-c', script], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((resolve) => stream.on('end', resolve));
    const output = Buffer.concat(chunks).toString('utf8');
    return { ok: /Hello from Docker!/.test(output) && /exit=0/.test(output), output };
  } finally {
    // The image declares a volume for the nested engine's data: it goes with the container.
    await container.remove({ force: true, v: true });
  }
}

describe('the trimmed capability set', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server && stopAndClean(server));

  it('runs a nested container with the full trimmed set', async () => {
    const result = await nestedRun(server, TRIMMED_CAPABILITIES);
    assert.ok(result.ok, result.output);
  });

  for (const capability of TRIMMED_CAPABILITIES.CapAdd) {
    it(`cannot run one without ${capability}`, async () => {
      const result = await nestedRun(server, { ...TRIMMED_CAPABILITIES, CapAdd: TRIMMED_CAPABILITIES.CapAdd.filter((c) => c !== capability) });
      assert.equal(result.ok, false, `${capability} turned out unnecessary:\n${result.output}`);
    });
  }

  it('cannot run one under the default seccomp profile', async () => {
    const result = await nestedRun(server, { ...TRIMMED_CAPABILITIES, SecurityOpt: TRIMMED_CAPABILITIES.SecurityOpt.filter((o) => !o.startsWith('seccomp')) });
    assert.equal(result.ok, false, `seccomp=unconfined turned out unnecessary:\n${result.output}`);
  });
});
