// The driver contract: what every sandbox driver that isolates learners must do, as the server
// uses a driver, run against each real backend (the docker driver on this machine's engine, the
// swarm driver on the three-node fixture) by calling `driverContract` inside its test file. A
// sandbox is created and its engine answers; commands give their output, exit code and standard
// input; a shell echoes; files go in and come out; the inner engine lists what it holds and tells
// its events (what checks listen to); a restarted server adopts the sandbox; a server that does
// not know it (reconcile removing an orphan) destroys it leaving nothing on the backend.
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import tarStream from 'tar-stream';
import type { SlipwayServer } from '../../sandbox-server/server.js';
import { eventually } from '../terminal/support/wait.js';

type Driver = SlipwayServer['driver'];

export interface ContractSubject {
  /** The driver, prepared. */
  driver: Driver;
  /** Another driver on the same backend, unprepared, as a server started again makes. */
  restarted(): Driver;
  /** What the backend still holds of a sandbox (containers, services, volumes), by name. */
  leftovers(id: string): Promise<string[]>;
}

export function driverContract(name: string, subject: () => ContractSubject): void {
  describe(`the driver contract: ${name}`, () => {
    const id = `contract-${process.pid.toString(36)}`;
    let made = false;
    after(async () => {
      if (made) await subject().driver.destroy(id).catch(() => undefined);
    });

    it('creates a sandbox whose own engine answers', async () => {
      const { driver } = subject();
      made = true;
      await driver.create(id);
      await driver.capabilities.deferredEngine?.start(id);
      assert.equal((await driver.engine(id).ping()).toString(), 'OK');
      assert.ok((await driver.list()).some((s) => s.id === id && s.running), 'listed as running');
    });

    it('runs commands: their output, exit code and standard input', async () => {
      const { driver } = subject();
      const ran = await driver.exec(id, ['sh', '-c', 'read line; echo "got $line"; echo oops >&2; exit 3'], { stdin: 'piped\n' });
      assert.deepEqual([ran.stdout, ran.stderr, ran.exitCode, ran.timedOut], ['got piped\n', 'oops\n', 3, false]);
      const slow = await driver.exec(id, ['sleep', '30'], { timeoutMs: 500 });
      assert.equal(slow.timedOut, true);
    });

    it("opens the learner's shell in the workspace, which echoes what is typed", async () => {
      const { driver } = subject();
      const shell = await driver.openShell(id, { cols: 100, rows: 30 });
      let screen = '';
      shell.onData((chunk) => (screen += chunk.toString('utf8')));
      try {
        shell.write(Buffer.from('echo contract-$((6*7)) in $PWD\r'));
        await eventually('the shell to answer', () => screen.includes('contract-42 in'), 30_000).catch(() => undefined);
        assert.match(screen, new RegExp(`contract-42 in ${driver.workspaceOf(id)}`));
      } finally {
        await shell.kill();
      }
    });

    it('copies files into the workspace and out of the sandbox', async () => {
      const { driver } = subject();
      const pack = tarStream.pack();
      pack.entry({ name: 'notes/hello.txt', mode: 0o644 }, 'copied in\n');
      pack.finalize();
      await driver.copyIn(id, pack as unknown as Readable);
      assert.equal((await driver.exec(id, ['cat', `${driver.workspaceOf(id)}/notes/hello.txt`])).stdout, 'copied in\n');
      const out = await driver.copyOut(id, `${driver.workspaceOf(id)}/notes/hello.txt`);
      const extract = tarStream.extract();
      const files: Array<[string, string]> = [];
      extract.on('entry', (header, stream, next) => {
        let body = '';
        stream.on('data', (chunk: unknown) => (body += String(chunk)));
        stream.on('end', () => {
          files.push([header.name, body]);
          next();
        });
      });
      await new Promise<void>((resolve, reject) => {
        extract.on('finish', () => resolve());
        extract.on('error', reject);
        out.pipe(extract);
      });
      assert.deepEqual(files, [['hello.txt', 'copied in\n']]);
    });

    it('lets the server read the inner engine and its events', async () => {
      const { driver } = subject();
      const engine = driver.engine(id);
      const events = (await engine.getEvents({ filters: JSON.stringify({ type: ['volume'] }) })) as unknown as Readable;
      let seen = '';
      events.on('data', (chunk: Buffer) => (seen += chunk.toString('utf8')));
      try {
        const made = await driver.exec(id, ['docker', 'volume', 'create', 'contract-data']);
        assert.equal(made.exitCode, 0, made.stderr);
        const { Volumes: volumes = [] } = await engine.listVolumes();
        assert.ok(volumes.some((v) => v.Name === 'contract-data'), 'the volume made inside is listed');
        await eventually('the volume event', () => /"Action":"create"/.test(seen) && seen.includes('contract-data'), 20_000);
      } finally {
        events.destroy();
      }
    });

    it('is adopted by a server started again, whose commands reach it', async () => {
      const again = subject().restarted();
      await again.adopt(id);
      assert.equal((await again.exec(id, ['hostname'])).stdout.trim(), 'sandbox');
      assert.equal((await again.engine(id).ping()).toString(), 'OK');
    });

    it('is destroyed by a server started again, as it removes a sandbox it does not know, leaving nothing; a second destroy is no error', async () => {
      const { driver, restarted, leftovers } = subject();
      // A driver that never made nor adopted it: what the backend holds must be enough to find all of it.
      await restarted().destroy(id);
      made = false;
      assert.ok(!(await driver.list()).some((s) => s.id === id), 'still listed');
      await eventually('nothing left of it', async () => (await leftovers(id)).length === 0, 30_000).catch(() => undefined);
      assert.deepEqual(await leftovers(id), []);
      await driver.destroy(id);
    });
  });
}
