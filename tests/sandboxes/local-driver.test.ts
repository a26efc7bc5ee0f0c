// The local driver: a folder and a shell on this machine, against this machine's engine, and
// everywhere labelled as not isolated.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import tar from 'tar-fs';
import type { LocalSandboxDriver } from '../../sandbox-server/sandboxes/local/driver.js';
import { newSandbox } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

describe('local driver', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ SLIPWAY_DRIVER: 'local' });
  });
  after(async () => server && stopAndClean(server));

  it('says it is not isolated', async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { driver: string; isolated: boolean };
    assert.deepEqual([health.driver, health.isolated], ['local', false]);
    const created = await fetch(`${server.url}/api/session`, { method: 'POST' });
    const cookie = created.headers.get('set-cookie')!.split(';')[0]!;
    const view = (await (await fetch(`${server.url}/api/session/sandbox`, { method: 'POST', headers: { cookie } })).json()) as { sandbox: { isolated: boolean } };
    assert.equal(view.sandbox.isolated, false);
  });

  it('runs commands in the workspace folder and copies files into it', async () => {
    const id = await newSandbox(server);
    const driver = server.driver as LocalSandboxDriver;
    const pwd = await driver.exec(id, ['pwd']);
    assert.equal(pwd.stdout.trim(), driver.workspaceOf(id));
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-local-'));
    fs.writeFileSync(path.join(folder, 'hello.txt'), 'hi\n');
    await driver.copyIn(id, tar.pack(folder) as unknown as Readable);
    assert.equal((await driver.exec(id, ['cat', 'hello.txt'])).stdout, 'hi\n');
    const timedOut = await driver.exec(id, ['sleep', '10'], { timeoutMs: 300 });
    assert.equal(timedOut.timedOut, true);
    assert.ok((await server.driver.engine(id).ping()).toString().includes('OK'), "the host's engine answers");
    await server.manager.destroy(id, 'released');
    assert.equal(fs.existsSync(driver.workspaceOf(id)), false);
    fs.rmSync(folder, { recursive: true });
  });
});
