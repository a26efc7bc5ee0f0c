// `volume` and `network` checks against a real sandbox.
import { after, before, describe, it } from 'node:test';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { checker, type Checker } from './support/checks.js';

describe('volume and network checks', () => {
  let server: TestServer;
  let sandbox: string;
  let c: Checker;
  before(async () => {
    server = await startTestServer();
    sandbox = await newSandbox(server);
    c = checker(server, sandbox);
  });
  after(async () => server && stopAndClean(server));

  it('checks a volume exists and holds a file with some content', async () => {
    const holds = { kind: 'volume', name: 'data', file: 'greeting.txt', contains: 'hello' };
    await c.fails({ kind: 'volume', name: 'data' }, /^No volume named 'data' — the sandbox has no volumes\.$/);
    await sh(server, sandbox, 'docker volume create data >/dev/null');
    await c.passes({ kind: 'volume', name: 'data' }, /^Volume 'data' exists\.$/);
    await c.fails(holds, /^Volume 'data' exists but holds no greeting\.txt\.$/);
    await sh(server, sandbox, `docker run --rm -v data:/v busybox sh -c 'mkdir /v/sub && echo hello volume > /v/greeting.txt'`);
    await c.passes(holds, /holds greeting\.txt, which contains 'hello'/);
    await c.fails({ ...holds, label: 'The greeting says bye', contains: undefined, matches: '^bye' }, /holds greeting\.txt, but it does not show what the step expects/);
    await c.fails({ kind: 'volume', name: 'data', file: 'sub', contains: 'x' }, /sub is a folder, not a file/);
    // A path cannot climb out of the volume.
    await c.fails({ kind: 'volume', name: 'data', file: '../../../../etc/hostname' }, /holds no etc\/hostname/);
    await c.fails({ kind: 'volume', name: 'other' }, /No volume named 'other' — the volumes are data\./);
    const gone = { kind: 'volume', name: 'data', exists: false };
    await c.fails(gone, /^Volume 'data' still exists\.$/);
    await sh(server, sandbox, 'docker volume rm data >/dev/null');
    await c.passes(gone, /it is gone/);
  });

  it('checks a network, its driver and who is connected', async () => {
    await c.fails({ kind: 'network', name: 'appnet' }, /^No network named 'appnet' — the sandbox has only Docker's default networks/);
    await sh(server, sandbox, 'docker network create appnet >/dev/null');
    await c.passes({ kind: 'network', name: 'appnet', driver: 'bridge' }, /^Network 'appnet' exists, driver bridge\.$/);
    await c.fails({ kind: 'network', name: 'appnet', driver: 'macvlan' }, /its driver is bridge, expected macvlan/);
    const connected = { kind: 'network', name: 'appnet', containers: ['api', 'db'] };
    await sh(server, sandbox, 'docker run -d --name api --network appnet busybox sleep 600 >/dev/null');
    await c.fails(connected, /db is not connected to it \(connected: api\)/);
    await sh(server, sandbox, 'docker run -d --name db busybox sleep 600 >/dev/null && docker network connect appnet db');
    await c.passes(connected, /with api and db connected/);
    await c.fails({ kind: 'network', name: 'backend' }, /No network named 'backend' — the networks are appnet besides Docker's defaults/);
    const gone = { kind: 'network', name: 'appnet', exists: false };
    await c.fails(gone, /still exists/);
    await sh(server, sandbox, 'docker rm -f api db >/dev/null && docker network rm appnet >/dev/null');
    await c.passes(gone, /it is gone/);
  });
});
