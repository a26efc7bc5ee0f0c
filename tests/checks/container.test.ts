// `container` checks against a real sandbox: each expectation fails without the thing, saying
// what it found, and passes with it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { checker, type Checker } from './support/checks.js';

describe('container checks', () => {
  let server: TestServer;
  let sandbox: string;
  let c: Checker;
  before(async () => {
    server = await startTestServer();
    sandbox = await newSandbox(server);
    c = checker(server, sandbox);
  });
  after(async () => server && stopAndClean(server));

  it('finds a container by name and tells a stopped one from a running one', async () => {
    const running = { kind: 'container', name: 'daemon', state: 'running' };
    await c.fails(running, /^No running container named 'daemon' — the sandbox has no containers at all\.$/);
    await sh(server, sandbox, `docker run -d --name daemon busybox sh -c 'echo started; sleep 600'`);
    await c.passes(running, /^Container 'daemon' is running/);
    await sh(server, sandbox, 'docker kill daemon');
    await c.fails(running, /^No running container named 'daemon' — one with that name exited (just now|\d+ seconds? ago) with code 137: it was killed .*; the last line it printed was 'started'\.$/);
    await c.passes({ kind: 'container', name: 'daemon', state: 'exited' });
    await c.fails({ kind: 'container', name: 'other' }, /No container named 'other' — there is daemon \(exited .* with code 137\)/);
  });

  it('checks exit code and output', async () => {
    await sh(server, sandbox, `docker run --name job busybox sh -c 'echo hello from job; exit 3' || true`);
    await c.fails({ kind: 'container', name: 'job', exitCode: 0 }, /exited with code 3, expected 0/);
    await c.passes({ kind: 'container', name: 'job', exitCode: 3, logs: { contains: 'hello from job' } }, /its output contains 'hello from job'/);
    await c.fails({ kind: 'container', name: 'job', label: 'job says goodbye', logs: { matches: '^goodbye' } }, /its output does not show what the step expects \(last line: 'hello from job'\)/);
    await c.passes({ kind: 'container', name: 'job', label: 'job says hello', logs: { matches: '/HELLO FROM/i' } });
  });

  it('checks ports, mounts, environment, networks and restart policy', async () => {
    await sh(server, sandbox, `
      docker network create appnet >/dev/null
      docker volume create data >/dev/null
      mkdir -p site
      docker run -d --name plain busybox sleep 600 >/dev/null
      docker run -d --name web -p 8080:80 -v "$PWD/site":/www:ro -v data:/data -e GREETING=hello --network appnet --restart unless-stopped busybox httpd -f -p 80 -h /www >/dev/null`);
    const expected = {
      ports: ['8080:80'],
      mounts: [
        { destination: '/www', type: 'bind', source: 'site', readOnly: true },
        { destination: '/data', type: 'volume', source: 'data', readOnly: false },
      ],
      env: { GREETING: 'hello' },
      networks: ['appnet'],
      restart: 'unless-stopped',
    };
    const result = await c.fails({ kind: 'container', name: 'plain', ...expected }, /^Container 'plain' is running \(up .*\), but /);
    for (const problem of [/it publishes no ports, not 8080→80/, /nothing is mounted at \/www \(it has no mounts\)/, /it has no variable GREETING/, /it is not on appnet \(it is on bridge\)/, /its restart policy is no, expected unless-stopped/]) {
      assert.match(result.message, problem);
    }
    await c.passes({ kind: 'container', name: 'web', ...expected }, /publishing 8080→80/);
    await c.fails({ kind: 'container', name: 'web', ports: [{ container: 80, host: 8081 }] }, /it publishes 8080→80, not 8081→80/);
    await c.passes({ kind: 'container', name: 'web', ports: ['80'] });
    await c.fails({ kind: 'container', name: 'web', mounts: [{ destination: '/www', readOnly: false }] }, /\/www is read-only, expected writable/);
    await c.fails({ kind: 'container', name: 'web', mounts: [{ destination: '/data', source: 'other' }] }, /\/data is mounted from volume 'data', expected other/);
    await c.fails({ kind: 'container', name: 'web', env: { GREETING: 'bye' } }, /GREETING is 'hello', expected 'bye'/);
  });

  it('checks health status', async () => {
    // Health checks run through `docker exec` in the sandbox's engine; say so plainly when that
    // is what is broken, rather than failing on a health status.
    const exec = await server.driver.exec(sandbox, ['bash', '-c', 'docker exec plain true 2>&1']);
    assert.equal(exec.exitCode, 0, `docker exec does not work inside the sandbox, so no health check can run there: ${exec.stdout.trim()}`);
    await sh(server, sandbox, `
      docker run -d --name healthy --health-cmd true --health-interval 1s busybox sleep 600 >/dev/null
      docker run -d --name sick --health-cmd false --health-interval 1s --health-retries 1 busybox sleep 600 >/dev/null`);
    await c.fails({ kind: 'container', name: 'plain', health: 'healthy' }, /it has no health check/);
    await c.passes({ kind: 'container', name: 'plain', health: 'none' });
    await c.eventuallyPasses({ kind: 'container', name: 'healthy', health: 'healthy' }, /health healthy/);
    await c.eventuallyPasses({ kind: 'container', name: 'sick', health: 'unhealthy' });
    await c.fails({ kind: 'container', name: 'sick', health: 'healthy' }, /its health is unhealthy, expected healthy/);
  });

  it('selects the newest container of an image, and passes when a container is gone', async () => {
    await c.fails({ kind: 'container', image: 'hello-world' }, /^No container from hello-world — there are /);
    await sh(server, sandbox, 'docker run --name first hello-world >/dev/null && sleep 1.1 && docker run --name second hello-world >/dev/null');
    await c.passes({ kind: 'container', image: 'hello-world', exitCode: 0, logs: { contains: 'Hello from Docker!' } }, /Container 'second' \(the newest container from hello-world\) exited/);
    const gone = { kind: 'container', name: 'first', exists: false };
    await c.fails(gone, /The container named 'first' still exists: first \(exited .* with code 0\)/);
    await sh(server, sandbox, 'docker rm first');
    await c.passes(gone, /No container named 'first' — it is gone/);
    await c.fails({ kind: 'container', exists: false }, /containers still exist/);
    await sh(server, sandbox, 'docker rm -f $(docker ps -aq)');
    await c.passes({ kind: 'container', exists: false }, /The sandbox has no containers/);
  });
});
