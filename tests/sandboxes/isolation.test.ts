// Sandboxes are contained: no path to each other or to host ports, and runaway processes or
// memory hurt only the sandbox that runs them.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { names } from '../../sandbox-server/sandboxes/docker/labels.js';
import type { DockerSandboxDriver } from '../../sandbox-server/sandboxes/docker/driver.js';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, TEST_INSTANCE, type TestServer } from '../support/server.js';

const docker = new Docker();

/** The nginx stand-in the image pack built on the host engine. */
async function standinNginx(): Promise<string | undefined> {
  const images = await docker.listImages({ filters: JSON.stringify({ reference: ['slipway/standin-nginx'] }) });
  return images[0]?.RepoTags?.[0];
}

/** Exit code of a TCP connect attempt from inside a sandbox (0 = connected). */
async function tryConnect(server: TestServer, id: string, host: string, port: number): Promise<number> {
  const result = await server.driver.exec(id, ['curl', '-sS', '-o', '/dev/null', '-m', '3', `http://${host}:${port}/`], { timeoutMs: 10_000 });
  return result.exitCode;
}

async function sandboxAddress(id: string): Promise<string> {
  const info = await docker.getContainer(names.sandboxContainer(TEST_INSTANCE, id)).inspect();
  return Object.values(info.NetworkSettings.Networks)[0]!.IPAddress;
}

describe('docker driver: isolation between sandboxes and from the host', () => {
  let server: TestServer;
  let a: string;
  let b: string;
  let gateway: string;

  before(async () => {
    server = await startTestServer({ SLIPWAY_SANDBOX_MEMORY: '512m', SLIPWAY_SANDBOX_PIDS: '512' });
    [a, b] = await Promise.all([newSandbox(server), newSandbox(server)]);
    gateway = (server.driver as DockerSandboxDriver).state.network.gateway;
  });
  after(async () => server && stopAndClean(server));

  it('uses a hardened runtime mode and says which', () => {
    const { isolation, network } = (server.driver as DockerSandboxDriver).state;
    assert.ok(['sysbox', 'privileged', 'capabilities'].includes(isolation));
    assert.equal(network.firewalled, true, 'host firewall rules for the sandbox bridge must be in place');
  });

  it('sandbox A cannot connect to a port published in sandbox B', async () => {
    await sh(server, b, 'docker run -d -p 8080:80 nginx:1.26 && for i in $(seq 1 50); do curl -fsS -o /dev/null localhost:8080 && exit 0; sleep 0.2; done; exit 1');
    const addressOfB = await sandboxAddress(b);
    assert.notEqual(await tryConnect(server, a, addressOfB, 8080), 0, 'A reached B');
    // The same request from B itself works, so the refusal above is isolation, not a dead server.
    assert.equal(await tryConnect(server, b, addressOfB, 8080), 0);
  });

  it("cannot reach the server's port or other host ports, only the image mirror", async () => {
    // A listener on the host address the sandboxes see (their gateway), like a server started
    // with HOST=0.0.0.0 would have.
    const listener = net.createServer((socket) => socket.end('HTTP/1.0 200 OK\r\n\r\nhost\n'));
    await new Promise<void>((resolve) => listener.listen(0, gateway, resolve));
    const { port } = listener.address() as net.AddressInfo;
    try {
      assert.notEqual(await tryConnect(server, a, gateway, port), 0, 'sandbox reached a host port');
      assert.equal(await tryConnect(server, a, gateway, server.config.mirrorPort), 0, 'sandbox cannot reach the workshop registry');
      assert.equal(await tryConnect(server, a, gateway, server.config.mirrorPort + 1), 0, 'sandbox cannot reach the mirror');
      // And the host itself can reach the listener, so the refusal is the firewall's doing.
      const fromHost = await fetch(`http://${gateway}:${port}/`).then((r) => r.text());
      assert.equal(fromHost, 'host\n');
    } finally {
      listener.close();
    }
  });

  it('cannot reach anything beyond its own network with egress off', async () => {
    // A stand-in for "the internet" that we own: a container on another network of this host.
    const outside = await docker.createNetwork({ Name: 'slipway-test-outside', Labels: { 'io.slipway.instance': TEST_INSTANCE } });
    const web = await docker.createContainer({ Image: (await standinNginx())!, HostConfig: { NetworkMode: 'slipway-test-outside' }, Labels: { 'io.slipway.instance': TEST_INSTANCE } });
    try {
      await web.start();
      const address = (await web.inspect()).NetworkSettings.Networks['slipway-test-outside']!.IPAddress;
      let fromHost = 0;
      for (let i = 0; i < 50 && fromHost !== 200; i++) {
        fromHost = await fetch(`http://${address}/`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
        if (fromHost !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(fromHost, 200, 'the outside web server should answer the host');
      assert.notEqual(await tryConnect(server, a, address, 80), 0, 'the sandbox reached another network');
      const inspected = await docker.getNetwork((server.driver as DockerSandboxDriver).state.network.name).inspect();
      assert.equal(inspected.Internal, true, 'the sandbox network must be internal when egress is off');
    } finally {
      await web.remove({ force: true });
      await outside.remove();
    }
  });

  it('a fork bomb hits the pids limit while the host and another sandbox stay responsive', async () => {
    const bomb = server.driver.exec(a, ['bash', '-c', 'bomb() { bomb | bomb & }; bomb; sleep 20'], { timeoutMs: 15_000 }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 4000));
    const stats = (await docker.getContainer(names.sandboxContainer(TEST_INSTANCE, a)).stats({ stream: false })) as { pids_stats?: { current?: number; limit?: number } };
    const current = stats.pids_stats?.current ?? 0;
    assert.ok(current > 100, `the bomb should have forked many processes, saw ${current}`);
    assert.ok(current <= 512, `pids in the sandbox exceeded its limit: ${current}`);
    const other = await server.driver.exec(b, ['echo', 'still here'], { timeoutMs: 10_000 });
    assert.equal(other.stdout, 'still here\n');
    assert.ok((await docker.ping()).toString().includes('OK'));
    await bomb;
    await server.manager.destroy(a, 'reset');
    a = await newSandbox(server);
  });

  it('a memory hog is killed inside its own sandbox; the sandbox and its engine live on', async () => {
    // tail keeps a line-less stream in memory until the cgroup limit stops it.
    const hog = await server.driver.exec(a, ['bash', '-c', 'head -c 2G /dev/zero | tail -n 1 > /dev/null'], { timeoutMs: 60_000 });
    assert.notEqual(hog.exitCode, 0, 'reading 2 GiB into memory should have been stopped');
    assert.equal(hog.timedOut, false);
    const engine = await server.driver.engine(a).ping();
    assert.ok(engine.toString().includes('OK'));
    const other = await server.driver.exec(b, ['echo', 'fine'], { timeoutMs: 10_000 });
    assert.equal(other.stdout, 'fine\n');
  });
});
