// The Python package index, end to end against the real engine and a real sandbox, offline (PyPI
// is never asked): a wheel built here is added as an operator adds one (`npm run images --
// add-wheel`), and a learner's nested `docker build` FROM python:3.13-slim with `RUN pip
// install slipway-hello` installs it unchanged, through the python stand-in's pip.conf and the
// mirror's DNS. A project the index does not hold fails at once, saying so; what is not a
// distribution is refused; nothing in a sandbox can upload to the index or change it; and
// `remove-wheel` takes the wheel out again.
// Runs alone: it adds and removes wheels in the Python index every sandbox on the engine uses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type Docker from 'dockerode';
import { MIRROR_CONTAINER } from '../../sandbox-server/images/mirror.js';
import { requireEngine } from '../support/engine.js';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { pureWheel } from './wheel-file.js';

const INSTANCE = 'test-pyindex';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const GREETING = 'hello from a wheel the operator added';
const wheel = pureWheel('slipway-hello', '0.1.0', `GREETING = "${GREETING}"\n`);
const sha256 = crypto.createHash('sha256').update(wheel.content).digest('hex');

/** When the image mirror's container (which runs the index and its DNS) last started. */
const mirrorStart = async (docker: Docker) => (await docker.getContainer(MIRROR_CONTAINER).inspect().catch(() => undefined))?.State.StartedAt ?? 'not running';

/**
 * `npm run packages -- ARGS`, as an operator runs it. The mirror is the engine's: another
 * installation starting with other settings replaces it, and for a moment it is not running;
 * then the command is run again, as an operator would.
 */
async function packagesCli(...args: string[]): Promise<{ status: number | null; output: string }> {
  for (let attempt = 1; ; attempt++) {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'sandbox-server/packages/main.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    const output = `${result.stdout}${result.stderr}`;
    if (attempt === 5 || !/is not running|failed in slipway-mirror/.test(output)) return { status: result.status, output };
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** fetch from the host, waiting out a moment when the mirror is being replaced (see above). */
async function get(url: string): Promise<Response> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

// The learner's Dockerfile, as tutorials write it for the official image.
const DOCKERFILE = `FROM python:3.13-slim
RUN pip install slipway-hello
CMD ["python", "-c", "import slipway_hello; print(slipway_hello.GREETING)"]
`;

describe('the Python package index in sandboxes', () => {
  let server: TestServer;
  let dir: string;
  let index: string;
  before(async () => {
    await requireEngine();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-wheels-'));
    server = await startTestServer({ SLIPWAY_INSTANCE: INSTANCE, SLIPWAY_PACKAGES: 'offline' });
    index = `http://127.0.0.1:${server.config.mirrorPort + 4}`;
  });
  after(async () => {
    if (server) await stopAndClean(server);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to add what is not a wheel or an sdist, saying why, and adds nothing', async () => {
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a package\n');
    fs.writeFileSync(path.join(dir, 'slipway_fake-0.1.0-py3-none-any.whl'), 'not a zip\n');
    fs.writeFileSync(path.join(dir, 'slipway-fake-0.1.0-py3-none-any.whl'), wheel.content);
    const text = await packagesCli('add-wheel', path.join(dir, 'notes.txt'));
    assert.equal(text.status, 1, text.output);
    assert.match(text.output, /notes\.txt: refused, it is neither a wheel \(\.whl\) nor a source distribution/);
    const fake = await packagesCli('add-wheel', path.join(dir, 'slipway_fake-0.1.0-py3-none-any.whl'));
    assert.equal(fake.status, 1, fake.output);
    assert.match(fake.output, /refused, its name says a wheel but it is not a zip archive/);
    const badName = await packagesCli('add-wheel', path.join(dir, 'slipway-fake-0.1.0-py3-none-any.whl'));
    assert.equal(badName.status, 1, badName.output);
    assert.match(badName.output, /refused, .*(not a version|NAME-VERSION-PYTHON-ABI-PLATFORM)/);
    const page = await get(`${index}/simple/slipway-fake/`);
    assert.equal(page.status, 404, 'nothing refused is listed');
    assert.equal((await get(`${index}/files/slipway_fake-0.1.0-py3-none-any.whl`)).status, 404, 'nothing refused is held');
  });

  it('adds a wheel as an operator does, and lists it under its normalized name with its SHA-256', async () => {
    const file = path.join(dir, wheel.filename);
    fs.writeFileSync(file, wheel.content);
    const added = await packagesCli('add-wheel', file);
    assert.equal(added.status, 0, added.output);
    assert.match(added.output, /added slipway_hello-0\.1\.0-py3-none-any\.whl \(slipway_hello 0\.1\.0\)/);
    const page = await get(`${index}/simple/slipway-hello/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(`href="/files/slipway_hello-0\\.1\\.0-py3-none-any\\.whl#sha256=${sha256}"`));
    const served = Buffer.from(await (await get(`${index}/files/${wheel.filename}`)).arrayBuffer());
    assert.ok(served.equals(wheel.content), 'the index serves the very bytes added');
  });

  it('lets a learner\'s nested docker build pip install it, unchanged, with egress off', async () => {
    const docker = await requireEngine();
    assert.equal(server.config.egress, false, 'sandboxes have no egress');
    const id = await newSandbox(server);
    const out = await sh(server, id, `set -e
mkdir -p ~/hello && cd ~/hello
cat > Dockerfile <<'EOF'
${DOCKERFILE}EOF
docker build -q -t hello:wheel . >/dev/null
docker run --rm hello:wheel`, 600_000);
    assert.equal(out.trim(), GREETING);

    // A project it does not hold: pip says so at once (a 404), instead of retrying for long.
    // The image is there first, so the time is pip's. The mirror is the engine's: another
    // installation starting with other settings replaces it, and its DNS is away for a moment;
    // then the attempt is made again.
    await sh(server, id, 'docker pull -q python:3.13-slim >/dev/null');
    let missing: { exitCode: number; stdout: string };
    let seconds: number;
    for (let attempt = 1; ; attempt++) {
      const mirrorBefore = await mirrorStart(docker);
      const started = Date.now();
      missing = await server.driver.exec(id, ['bash', '-c', 'docker run --rm python:3.13-slim pip install slipway-not-held 2>&1'], { timeoutMs: 120_000 });
      seconds = (Date.now() - started) / 1000;
      if (attempt === 3 || (await mirrorStart(docker)) === mirrorBefore) break;
    }
    assert.notEqual(missing.exitCode, 0, 'installing a project the index lacks fails');
    assert.match(missing.stdout, /No matching distribution found for slipway-not-held/, missing.stdout);
    assert.doesNotMatch(missing.stdout, /Retrying|NewConnectionError|Name or service not known/, 'the index answered, at once');
    assert.ok(seconds < 20, `it failed within ${seconds.toFixed(1)} s (a container start included)`);

    // Nothing in a sandbox uploads or changes what the index holds.
    const status = (args: string) => sh(server, id, `curl -s -o /dev/null -w '%{http_code}' --max-time 10 ${args} || true`);
    const host = `http://pypi.workshop:${server.config.mirrorPort + 4}`;
    assert.equal(await status(`-X PUT --data-binary poison ${host}/files/slipway_evil-1.0-py3-none-any.whl`), '403', 'no PUT of a file');
    assert.equal(await status(`-X PUT --data-binary poison ${host}/simple/slipway-hello/index.html`), '403', 'no PUT of a page');
    assert.equal(await status(`-F ':action=file_upload' -F name=slipway-evil -F version=1.0 -F content=@/etc/hostname ${host}/`), '403', 'no upload as twine sends one');
    assert.equal(await status(`-X POST --data x ${host}/simple/`), '403', 'no POST');
    assert.equal(await status(`-X DELETE ${host}/files/${wheel.filename}`), '403', 'no DELETE');
    assert.equal(await status(`${host}/simple/slipway-hello/`), '200', 'the index itself answers, so the refusals are its own');
    assert.equal((await get(`${index}/files/slipway_evil-1.0-py3-none-any.whl`)).status, 404, 'nothing uploaded is held');
    assert.match(await (await get(`${index}/simple/slipway-hello/`)).text(), new RegExp(`#sha256=${sha256}"`), 'the page is as the host wrote it');
    assert.ok(Buffer.from(await (await get(`${index}/files/${wheel.filename}`)).arrayBuffer()).equals(wheel.content), 'the wheel is as the host added it');
  });

  it('is listed by doctor', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'sandbox-server/doctor/main.ts'], { cwd: root, encoding: 'utf8', timeout: 180_000, env: { ...process.env, SLIPWAY_INSTANCE: INSTANCE, SLIPWAY_PACKAGES: 'offline' } });
    const line = result.stdout.split('\n').find((l) => /Python index/.test(l))?.replace(/\s+/g, ' ');
    assert.ok(line, `doctor has a line about the Python index:\n${result.stdout}${result.stderr}`);
    assert.match(line, /^ok Python index offline \(serves only what it holds\), pypi\.workshop:\d+ in sandboxes; added .*slipway_hello-0\.1\.0-py3-none-any\.whl/);
  });

  it('takes a wheel out again with remove-wheel, and refuses a name it does not hold', async () => {
    const absent = await packagesCli('remove-wheel', 'slipway_absent-1.0-py3-none-any.whl');
    assert.equal(absent.status, 1, absent.output);
    assert.match(absent.output, /slipway_absent-1\.0-py3-none-any\.whl is not in the Python index \(it holds .*slipway_hello-0\.1\.0-py3-none-any\.whl/);
    const outside = await packagesCli('remove-wheel', '../local/simple');
    assert.equal(outside.status, 1, outside.output);
    assert.match(outside.output, /not a file name the index holds/);
    const removed = await packagesCli('remove-wheel', wheel.filename);
    assert.equal(removed.status, 0, removed.output);
    assert.match(removed.output, /removed slipway_hello-0\.1\.0-py3-none-any\.whl/);
    assert.equal((await get(`${index}/simple/slipway-hello/`)).status, 404, 'its page is gone');
    assert.equal((await get(`${index}/files/${wheel.filename}`)).status, 404, 'its file is gone');
  });
});
