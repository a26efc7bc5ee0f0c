// The server as an instructor's laptop runs it: a user who is not root, a member of the docker
// group, with neither iptables nor debootstrap on its PATH. Sandboxes start, the learner's
// engine answers, and the firewall holds (a listener on the host's side of the sandbox network
// is out of reach; the image mirror answers). The user is named by SLIPWAY_TEST_USER, which
// .ci/run creates; under CI a missing or unusable user fails the test, it never skips.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { PassThrough } from 'node:stream';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { names } from '../../sandbox-server/labels.js';
import { requireEngine } from '../support/engine.js';
import { removeTestInstallation } from '../support/server.js';
import { recordTestInstance } from '../support/test-run.js';

const INSTANCE = 'test-nonroot';
const USER = process.env.SLIPWAY_TEST_USER ?? '';
const UNDER_CI = Boolean(process.env.CI || process.env.SLIPWAY_CI);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Node's own folder and the ordinary ones, without the sbin folders where iptables and debootstrap live. */
const PATH = [...new Set([path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'])].join(':');

/** Runs `command` as USER with the reduced PATH; returns its exit code and output. */
function asUser(command: string): { code: number; out: string } {
  const result = spawnSync('runuser', ['-u', USER, '--', 'env', '-i', `PATH=${PATH}`, 'sh', '-c', command], { encoding: 'utf8' });
  return { code: result.status ?? -1, out: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** Why the test cannot run here, or undefined when it can. */
function setUpProblem(): string | undefined {
  if (!USER) return 'SLIPWAY_TEST_USER is not set (.ci/run creates such a user and sets it)';
  if (process.getuid?.() !== 0) return 'the test runner must be root to start the server as another user';
  const id = spawnSync('id', ['-u', USER], { encoding: 'utf8' });
  if (id.status !== 0) return `there is no user ${USER}`;
  if (id.stdout.trim() === '0') return `${USER} is root`;
  const groups = spawnSync('id', ['-nG', USER], { encoding: 'utf8' }).stdout.split(/\s+/);
  if (!groups.includes('docker')) return `${USER} is not in the docker group`;
  return undefined;
}

async function listenOn(host: string): Promise<{ port: number; close: () => void }> {
  const listener = net.createServer((socket) => socket.end('HTTP/1.0 200 OK\r\n\r\nhost\n'));
  await new Promise<void>((resolve) => listener.listen(0, host, resolve));
  return { port: (listener.address() as net.AddressInfo).port, close: () => listener.close() };
}

async function execIn(docker: Docker, container: string, command: string[]): Promise<{ code: number; out: string }> {
  const exec = await docker.getContainer(container).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c));
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise((resolve) => stream.on('end', resolve));
  // The stream may end a moment before the engine has noted the exit code.
  for (let i = 0; i < 50; i++) {
    const { Running, ExitCode } = await exec.inspect();
    if (!Running && ExitCode !== null) return { code: ExitCode, out: Buffer.concat(chunks).toString() };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${command.join(' ')} did not finish`);
}

describe('the server as a non-root member of the docker group, without iptables or debootstrap', () => {
  const problem = setUpProblem();
  let server: ChildProcess | undefined;
  let output = '';
  let url = '';
  let dataDir = '';

  before(async () => {
    if (problem) return;
    await requireEngine();
    recordTestInstance(INSTANCE);
    await removeTestInstallation(INSTANCE);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-nonroot-'));
    assert.equal(spawnSync('chown', [USER, dataDir]).status, 0, `chown ${USER} ${dataDir}`);
    const env = {
      PATH,
      HOME: dataDir,
      SLIPWAY_INSTANCE: INSTANCE,
      SLIPWAY_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      SLIPWAY_IMAGES: 'offline',
      SLIPWAY_POOL_SIZE: '0',
      SLIPWAY_SANDBOX_MEMORY: '768m',
      LOG_LEVEL: 'warn',
    };
    server = spawn('runuser', ['-u', USER, '--', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), process.execPath, '--import', 'tsx', 'sandbox-server/main.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    server.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start within 180 s:\n${output}`)), 180_000);
      const look = () => {
        const found = /Slipway is running at (http:\/\/\S+)/.exec(output);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      };
      server!.stdout!.on('data', look);
      server!.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited with code ${code}:\n${output}`));
      });
    });
  });

  after(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    if (problem) return;
    await removeTestInstallation(INSTANCE);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is set up: the user is not root, is in the docker group, and has neither tool on its PATH', { skip: problem && !UNDER_CI ? problem : false }, () => {
    assert.equal(problem, undefined, `cannot run the non-root test: ${problem}`);
    const whoami = asUser('id -u; id -nG');
    assert.notEqual(whoami.out.split('\n')[0], '0');
    assert.match(whoami.out, /\bdocker\b/);
    for (const tool of ['iptables', 'debootstrap']) {
      const found = asUser(`command -v ${tool}`);
      assert.notEqual(found.code, 0, `${tool} is on the user's PATH (${PATH}): ${found.out}`);
    }
    assert.equal(asUser(`test -r ${root}/sandbox-server/main.ts`).code, 0, `${USER} cannot read the checkout at ${root} (.ci/run makes it readable)`);
  });

  it('starts sandboxes whose engine answers, with the firewall applied and holding', { skip: problem && !UNDER_CI ? problem : false }, async () => {
    assert.equal(problem, undefined, `cannot run the non-root test: ${problem}`);
    assert.doesNotMatch(output, /FIREWALL (NOT APPLIED|OFF)/, output);
    // The server's own process runs as the user.
    const child = fs.readFileSync(`/proc/${server!.pid}/task/${server!.pid}/children`, 'utf8').trim().split(/\s+/)[0];
    const uid = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${child}/status`, 'utf8'))?.[1];
    assert.ok(uid && uid !== '0', `the server runs as uid ${uid}`);

    const created = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(created.status, 201, await created.text());
    const cookie = created.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const got = await fetch(`${url}/api/session/sandbox`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    const body = (await got.json()) as { sandbox?: { id: string } };
    assert.equal(got.status, 200, `${JSON.stringify(body)}\n${output}`);
    const id = body.sandbox?.id;
    assert.ok(id, JSON.stringify(body));

    const docker = new Docker();
    const container = names.sandboxContainer(INSTANCE, id);
    const inner = await execIn(docker, container, ['docker', 'version', '--format', '{{.Server.Version}}']);
    assert.equal(inner.code, 0, `the sandbox's engine answers: ${inner.out}`);
    const gateway = (await docker.getNetwork(names.network(INSTANCE)).inspect()).IPAM?.Config?.[0]?.Gateway;
    assert.ok(gateway);
    const listener = await listenOn(gateway);
    try {
      const curl = (target: string) => execIn(docker, container, ['curl', '-sS', '-o', '/dev/null', '--max-time', '3', target]);
      const blocked = await curl(`http://${gateway}:${listener.port}/`);
      // 7: curl could not connect (the firewall's reset), not a time-out or another failure.
      assert.equal(blocked.code, 7, `the sandbox should be refused at once; curl exited ${blocked.code}: ${blocked.out}`);
      const mirror = await curl(`http://${gateway}:5001/v2/`);
      assert.equal(mirror.code, 0, `the mirror should answer: ${mirror.out}`);
    } finally {
      listener.close();
    }
  });
});
