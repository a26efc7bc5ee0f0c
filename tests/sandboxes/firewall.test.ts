// The sandbox firewall, written by a helper container on the engine's host network (never by
// the server's own process): it holds (a listener on the host's side of the sandbox network is
// out of reach, the image mirror answers), it is what holds (with its chain emptied the same
// listener answers), the server applies it again when it sets the network up anew (as after an
// engine restart), and when it cannot be applied sandboxes are refused with the cause and the
// fix, unless the operator turned it off knowingly.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { instanceFilter, names } from '../../sandbox-server/labels.js';
import type { DockerSandboxDriver } from '../../sandbox-server/sandboxes/docker/driver.js';
import { newSandbox } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

const MISSING_IMAGE = 'slipway/no-such-helper:none';

async function curlFrom(server: TestServer, id: string, url: string): Promise<{ code: number; said: string }> {
  const result = await server.driver.exec(id, ['curl', '-sS', '-o', '/dev/null', '--max-time', '3', url], { timeoutMs: 15_000 });
  return { code: result.exitCode, said: result.stderr.trim() };
}

/** Runs `command` in a throwaway container of `image` on the engine's host network with NET_ADMIN. */
async function runOnHost(docker: Docker, image: string, command: string[]): Promise<{ code: number; out: string }> {
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: command,
    Tty: true,
    Labels: { 'io.slipway.instance': 'test-fw', 'io.slipway.role': 'probe' },
    HostConfig: { NetworkMode: 'host', CapAdd: ['NET_ADMIN'], Mounts: [{ Type: 'tmpfs', Source: '', Target: '/var/lib/docker' }] },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    return { code: StatusCode, out: ((await container.logs({ stdout: true, stderr: true })) as Buffer).toString() };
  } finally {
    await container.remove({ force: true, v: true });
  }
}

/** A listener of our own on the address sandboxes see as their gateway (the host's side of their bridge). */
async function listenOn(host: string): Promise<{ port: number; close: () => void }> {
  const listener = net.createServer((socket) => socket.end('HTTP/1.0 200 OK\r\n\r\nhost\n'));
  await new Promise<void>((resolve) => listener.listen(0, host, resolve));
  return { port: (listener.address() as net.AddressInfo).port, close: () => listener.close() };
}

describe('the sandbox firewall, applied by a helper container', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-fw' });
  });
  after(async () => server && stopAndClean(server));

  it('holds: the gateway listener is out of reach, the mirror answers; with its chain emptied it is reached; set up anew it holds', async () => {
    const driver = server.driver as DockerSandboxDriver;
    const { network, image } = driver.state;
    assert.equal(network.firewall.status, 'applied', JSON.stringify(network.firewall));
    assert.match(network.firewall.backend ?? '', /^iptables(-nft|-legacy)?$/);
    assert.equal(network.firewalled, true);
    const docker = new Docker();
    let id = await newSandbox(server);
    const listener = await listenOn(network.gateway);
    const url = `http://${network.gateway}:${listener.port}/`;
    try {
      assert.equal(await fetch(url).then((r) => r.text()), 'host\n', 'our listener answers the host');
      const blocked = await curlFrom(server, id, url);
      assert.notEqual(blocked.code, 0, 'the sandbox reached a host port on its gateway');
      assert.match(blocked.said, /Connection refused|Failed to connect/);
      const mirror = await curlFrom(server, id, `http://${network.gateway}:${server.config.mirrorPort + 1}/v2/`);
      assert.equal(mirror.code, 0, `the mirror should answer: ${mirror.said}`);

      // The rules are what blocks it: with the chain emptied (as root on the host could), the
      // same listener answers the sandbox.
      const chain = `SLIPWAY-${network.bridge}`.toUpperCase();
      const flushed = await runOnHost(docker, image, [network.firewall.backend!, '-w', '-F', chain]);
      assert.equal(flushed.code, 0, flushed.out);
      assert.equal((await curlFrom(server, id, url)).code, 0, 'with the chain emptied the listener should answer (else the check above proves nothing)');

      // Set up anew, as after an engine restart or a removed network: the next sandbox is
      // behind the rules again.
      await server.driver.destroy(id);
      await docker.getNetwork(names.network(server.config.instance)).remove();
      id = await newSandbox(server);
      const again = driver.state.network;
      assert.equal(again.firewall.status, 'applied', JSON.stringify(again.firewall));
      const listenerAgain = await listenOn(again.gateway);
      try {
        assert.notEqual((await curlFrom(server, id, `http://${again.gateway}:${listenerAgain.port}/`)).code, 0, 'the sandbox reached the host port after the rules were applied again');
        assert.equal((await curlFrom(server, id, `http://${again.gateway}:${server.config.mirrorPort}/v2/`)).code, 0, 'the workshop registry should answer');
      } finally {
        listenerAgain.close();
      }
    } finally {
      listener.close();
    }
  });
});

describe('when the firewall cannot be applied', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-fw-fail', SLIPWAY_FIREWALL_IMAGE: MISSING_IMAGE });
  });
  after(async () => server && stopAndClean(server));

  it('sandboxes are refused, with the cause and the fix, and none is made', async () => {
    const { firewall } = (server.driver as DockerSandboxDriver).state.network;
    assert.equal(firewall.status, 'failed');
    const refused = await newSandbox(server).then(
      () => undefined,
      (err: unknown) => err,
    );
    // A SandboxError: the API answers it with its code and words.
    assert.ok(refused instanceof Error && (refused as Error & { code?: string }).code === 'create_failed', `a SandboxError, got ${String(refused)}`);
    assert.match(refused.message, /not started without their firewall/);
    assert.match(refused.message, new RegExp(`helper image ${MISSING_IMAGE} is not on the engine`));
    assert.match(refused.message, /SLIPWAY_NO_FIREWALL=1/);
    const containers = await new Docker().listContainers({ all: true, filters: instanceFilter(server.config.instance) });
    assert.deepEqual(containers.filter((c) => c.Labels['io.slipway.role'] === 'sandbox'), [], 'no sandbox container was made');
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as Record<string, unknown>;
    assert.equal(health.firewall, 'failed', 'the operator sees it on /healthz');
    assert.match(String(health.firewallReason), new RegExp(`helper image ${MISSING_IMAGE} is not on the engine`));
  });
});

describe('with SLIPWAY_NO_FIREWALL=1', () => {
  let server: TestServer;
  before(async () => {
    // The helper would fail; turned off, it is not even tried.
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-fw-off', SLIPWAY_FIREWALL_IMAGE: MISSING_IMAGE, SLIPWAY_NO_FIREWALL: '1' });
  });
  after(async () => server && stopAndClean(server));

  it('sandboxes start, and the state says the firewall is off', async () => {
    const { network } = (server.driver as DockerSandboxDriver).state;
    assert.deepEqual(network.firewall, { status: 'off' });
    assert.equal(network.firewalled, false);
    const id = await newSandbox(server);
    assert.equal((await server.driver.exec(id, ['true'])).exitCode, 0);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as Record<string, unknown>;
    assert.equal(health.firewall, 'off', 'the operator sees it on /healthz');
  });
});
