// The Python index's pass-through, exercised without PyPI (unreachable here): a server in this
// test, on loopback, stands in for pypi.org and files.pythonhosted.org, and a second container
// of the image mirror's own image is pointed at it (PYPI_UPSTREAM, PYPI_FILES_UPSTREAM; every
// other part of the configuration is the one sandboxes get). Online, a project's page comes
// through with its file links rewritten to the index, pip installs from it, and what was
// fetched is kept; started again offline on the same volume, the index serves what it kept
// without asking upstream once, and a project it never fetched is a 404 at once. What is not
// exercised: PyPI itself (TLS to pypi.org, its real pages).
// Runs alone: it starts the shared image mirror with another upstream, which replaces it.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type Docker from 'dockerode';
import { labels } from '../../sandbox-server/labels.js';
import { MIRROR_CONTAINER } from '../../sandbox-server/images/mirror.js';
import { requireEngine } from '../support/engine.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { pureWheel } from './wheel-file.js';

const INSTANCE = 'test-pyupstream';
const NAME = `slipway-${INSTANCE}-index`;
const VOLUME = `slipway-${INSTANCE}-index-data`;
const GREETING = 'hello from the stand-in for PyPI';
const wheel = pureWheel('slipway-far', '1.0.0', `GREETING = "${GREETING}"\n`);
const sha256 = crypto.createHash('sha256').update(wheel.content).digest('hex');
const FILE_PATH = `/packages/ab/cd/${sha256}/${wheel.filename}`;

/** Five free ports in a row on loopback (the mirror lays its parts out from the first). */
async function freePorts(): Promise<number> {
  const free = (port: number) => new Promise<boolean>((resolve) => {
    const probe = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  for (let tries = 0; tries < 50; tries++) {
    const first = 20_000 + crypto.randomInt(0, 20_000);
    let all = true;
    for (let i = 0; i < 5 && all; i++) all = await free(first + i);
    if (all) return first;
  }
  throw new Error('no five free ports in a row on 127.0.0.1');
}

describe('the Python index passes PyPI through and keeps it (a local stand-in for PyPI)', () => {
  let server: TestServer;
  let docker: Docker;
  let upstream: http.Server;
  const asked: string[] = [];
  let base: number;
  let index: string;

  /** The image the engine's mirror runs (another installation may be replacing it this moment: then wait). */
  async function mirrorImage(): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const inspected = await docker.getContainer(MIRROR_CONTAINER).inspect().catch(() => undefined);
      if (inspected) return inspected.Config.Image;
      assert.ok(attempt < 40, `${MIRROR_CONTAINER} runs`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Starts the index container online (through the stand-in) or offline, on the same volume. */
  async function startIndex(online: boolean): Promise<void> {
    await docker.getContainer(NAME).remove({ force: true, v: true }).catch(() => undefined);
    const image = await mirrorImage();
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
    const container = await docker.createContainer({
      name: NAME,
      Image: image,
      Env: [`MIRROR_PORT=${base}`, 'PACKAGES_OFFLINE=1', `PYPI_OFFLINE=${online ? 0 : 1}`, `PYPI_UPSTREAM=${upstreamUrl}`, `PYPI_FILES_UPSTREAM=${upstreamUrl}`],
      Labels: labels(INSTANCE, 'probe'),
      HostConfig: { NetworkMode: 'host', Init: true, Mounts: [{ Type: 'volume', Source: VOLUME, Target: '/srv/pypi' }] },
    });
    await container.start();
    const deadline = Date.now() + 20_000;
    while (!(await fetch(`${index}/`).then((r) => r.ok, () => false))) {
      assert.ok(Date.now() < deadline, 'the index container answers');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  before(async () => {
    docker = await requireEngine();
    // Starting a server makes sure the mirror's image is the current one, and runs it.
    server = await startTestServer({ SLIPWAY_INSTANCE: INSTANCE, SLIPWAY_PACKAGES: 'offline' });
    upstream = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      if (req.url === '/simple/slipway-far/') {
        // As PyPI writes its pages: absolute links to files.pythonhosted.org.
        res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'max-age=0' });
        res.end(`<!DOCTYPE html><html><body><h1>Links for slipway-far</h1><a href="https://files.pythonhosted.org${FILE_PATH}#sha256=${sha256}">${wheel.filename}</a><br></body></html>\n`);
      } else if (req.url === FILE_PATH) {
        res.writeHead(200, { 'Content-Type': 'binary/octet-stream' });
        res.end(wheel.content);
      } else {
        res.writeHead(404).end('Not Found');
      }
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    base = await freePorts();
    index = `http://127.0.0.1:${base + 4}`;
    await docker.createVolume({ Name: VOLUME, Labels: labels(INSTANCE, 'probe') });
  });
  after(async () => {
    await docker?.getContainer(NAME).remove({ force: true, v: true }).catch(() => undefined);
    await docker?.getVolume(VOLUME).remove().catch(() => undefined);
    upstream?.close();
    if (server) await stopAndClean(server);
  });

  it('online: passes a page through with its links rewritten, pip installs from it, and the file is kept', async () => {
    await startIndex(true);
    const page = await (await fetch(`${index}/simple/slipway-far/`)).text();
    assert.match(page, new RegExp(`href="${FILE_PATH}#sha256=${sha256}"`), `the file link leads to the index:\n${page}`);
    assert.doesNotMatch(page, /files\.pythonhosted\.org/);
    const file = Buffer.from(await (await fetch(`${index}${FILE_PATH}`)).arrayBuffer());
    assert.ok(file.equals(wheel.content), 'the file comes through unchanged');
    const fileAsks = asked.filter((u) => u === FILE_PATH).length;
    await fetch(`${index}${FILE_PATH}`).then((r) => r.arrayBuffer());
    assert.equal(asked.filter((u) => u === FILE_PATH).length, fileAsks, 'a file fetched once is served from what the index keeps');

    // pip itself, in the python stand-in, reads the rewritten page and checks the hash.
    const standin = (await docker.listImages({ filters: JSON.stringify({ reference: ['slipway/standin-python'] }) })).sort((a, b) => b.Created - a.Created)[0]?.RepoTags?.[0];
    assert.ok(standin, 'the python stand-in is built');
    const pip = await docker.createContainer({
      Image: standin,
      Cmd: ['sh', '-c', `pip install -q --index-url ${index}/simple/ --trusted-host 127.0.0.1 slipway-far 2>&1 && python -c 'import slipway_far; print(slipway_far.GREETING)'`],
      Labels: labels(INSTANCE, 'probe'),
      HostConfig: { NetworkMode: 'host' },
    });
    try {
      await pip.start();
      const { StatusCode } = (await pip.wait()) as { StatusCode: number };
      const output = ((await pip.logs({ stdout: true, stderr: true })) as Buffer).toString();
      assert.equal(StatusCode, 0, output);
      assert.match(output, new RegExp(GREETING));
    } finally {
      await pip.remove({ force: true, v: true }).catch(() => undefined);
    }
  });

  it('offline: serves what it kept without asking upstream, and a project it never fetched is a 404 at once', async () => {
    await startIndex(false);
    const before = asked.length;
    const page = await fetch(`${index}/simple/slipway-far/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(`href="${FILE_PATH}#sha256=${sha256}"`));
    assert.ok(Buffer.from(await (await fetch(`${index}${FILE_PATH}`)).arrayBuffer()).equals(wheel.content), 'the kept file is served');
    const started = Date.now();
    const missing = await fetch(`${index}/simple/slipway-never-fetched/`);
    assert.equal(missing.status, 404);
    assert.ok(Date.now() - started < 2000, 'a miss is answered at once');
    assert.equal(asked.length, before, `offline, upstream is never asked (asked: ${asked.slice(before).join(', ')})`);
  });
});
