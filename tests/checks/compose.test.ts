// `compose` checks against a real Compose project in a sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { checker, type Checker } from './support/checks.js';

const COMPOSE = `name: shop
services:
  web:
    image: busybox
    command: ["httpd", "-f", "-p", "80", "-h", "/"]
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/etc/hostname"]
      interval: 1s
      retries: 30
  worker:
    image: busybox
    command: ["sleep", "600"]
`;

describe('compose checks', () => {
  let server: TestServer;
  let sandbox: string;
  let c: Checker;
  before(async () => {
    server = await startTestServer();
    sandbox = await newSandbox(server);
    c = checker(server, sandbox);
    await sh(server, sandbox, `mkdir -p shop && cat > shop/compose.yaml <<'EOF'\n${COMPOSE}EOF`);
  });
  after(async () => server && stopAndClean(server));

  it('fails before the project is up, passes once its services run', async () => {
    const runs = { kind: 'compose', project: 'shop', services: ['web', 'worker'] };
    await c.fails(runs, /^No Compose project 'shop' has containers — nothing was started with docker compose\.$/);
    await sh(server, sandbox, 'cd shop && docker compose up -d --quiet-pull 2>/dev/null');
    await c.passes(runs, /^Compose project 'shop' runs web \(running.*\) and worker \(running\)\.$/);
    await c.passes({ kind: 'compose', services: ['worker'] }, /Compose project 'shop'/);
    await c.fails({ kind: 'compose', project: 'shop', services: ['web', 'db'] }, /but it has no service db/);
    await c.fails({ kind: 'compose', project: 'other', services: ['web'] }, /No Compose project 'other' has containers — there is project 'shop' \(started in \/\S+\/shop\) with web and worker: Compose names a project after the folder/);
  });

  it('checks that a service is healthy', async () => {
    const exec = await server.driver.exec(sandbox, ['bash', '-c', 'docker exec shop-worker-1 true 2>&1']);
    assert.equal(exec.exitCode, 0, `docker exec does not work inside the sandbox, so no health check can run there: ${exec.stdout.trim()}`);
    await c.fails({ kind: 'compose', project: 'shop', healthy: ['worker'] }, /worker has no health check/);
    await c.eventuallyPasses({ kind: 'compose', project: 'shop', healthy: ['web'] }, /web \(running, healthy\)/);
  });

  it('says which service stopped, and passes once the project is down', async () => {
    await sh(server, sandbox, 'cd shop && docker compose stop -t 1 worker 2>/dev/null');
    await c.fails({ kind: 'compose', project: 'shop', services: ['web', 'worker'] }, /worker is not running \(exited .* with code 137\)/);
    const down = { kind: 'compose', project: 'shop', down: true };
    await c.fails(down, /^Compose project 'shop' still has containers: web \(running.*\) and worker \(exited/);
    await sh(server, sandbox, 'cd shop && docker compose down -t 1 2>/dev/null');
    await c.passes(down, /^Compose project 'shop' is down: no containers or networks left\.$/);
  });
});
