// A learner's sandbox really runs Docker: images from the mirror, publishing, builds, compose.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import tar from 'tar-fs';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

const COUNTER_APP = `import redis
from flask import Flask
app = Flask(__name__)
store = redis.Redis(host="cache", port=6379)
@app.route("/")
def hit():
    return f"visits={store.incr('hits')}"
`;

const COUNTER_COMPOSE = `services:
  web:
    image: python:3.13-slim
    working_dir: /app
    volumes: ["./app.py:/app/app.py:ro"]
    command: ["flask", "--app", "app", "run", "--host", "0.0.0.0", "--port", "5000"]
    ports: ["5000:5000"]
    depends_on: [cache]
  cache:
    image: redis:8
`;

const FLASK_DOCKERFILE = `FROM python:3.13-slim
RUN python -c "import flask; print('flask', flask.__version__)"
CMD ["python", "-c", "import flask; print('ok')"]
`;

/** Writes files into the sandbox workspace the way lessons will: a tar stream. */
async function writeFiles(server: TestServer, id: string, files: Record<string, string>): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-files-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    fs.writeFileSync(path.join(folder, name), content);
  }
  await server.driver.copyIn(id, tar.pack(folder) as unknown as Readable);
  fs.rmSync(folder, { recursive: true });
}

const retryCurl = (url: string) => `for i in $(seq 1 150); do curl -fsS ${url} && exit 0; sleep 0.2; done; exit 1`;

describe('docker driver: a sandbox runs real Docker workloads', () => {
  let server: TestServer;
  let id: string;

  before(async () => {
    server = await startTestServer();
    id = await newSandbox(server);
  });
  after(async () => server && stopAndClean(server));

  it('runs hello-world pulled from the mirror', async () => {
    const out = await sh(server, id, 'docker run --rm hello-world');
    assert.match(out, /Hello from Docker!/);
  });

  it('publishes nginx:1.26 on port 8080 inside the sandbox', async () => {
    await sh(server, id, 'docker run -d --name web -p 8080:80 nginx:1.26');
    const page = await sh(server, id, retryCurl('http://localhost:8080/'));
    assert.match(page, /Welcome to nginx/i);
  });

  it('lets the server read the inner engine directly', async () => {
    const containers = await server.driver.engine(id).listContainers();
    const web = containers.find((c) => c.Names.includes('/web'));
    assert.ok(web, `no container named web among ${containers.map((c) => c.Names.join()).join(', ')}`);
    assert.equal(web.State, 'running');
    assert.deepEqual([...new Set(web.Ports.map((p) => p.PublicPort).filter(Boolean))], [8080]);
  });

  it('copies files into the workspace as a tar stream', async () => {
    await writeFiles(server, id, { 'starter/notes.txt': 'bring a towel\n' });
    assert.equal(await sh(server, id, 'cat /root/workshop/starter/notes.txt'), 'bring a towel\n');
  });

  it('builds a Dockerfile FROM python:3.13-slim that imports flask', async () => {
    await writeFiles(server, id, { 'flasky/Dockerfile': FLASK_DOCKERFILE });
    const out = await sh(server, id, 'cd /root/workshop/flasky && docker build -t flasky . && docker run --rm flasky');
    assert.match(out, /ok\n$/);
    const images = await server.driver.engine(id).listImages({ filters: JSON.stringify({ reference: ['flasky'] }) });
    assert.equal(images.length, 1);
  });

  it('runs a compose project (redis:8 + a python app) and reads a value through it', async () => {
    await writeFiles(server, id, { 'counter/app.py': COUNTER_APP, 'counter/compose.yaml': COUNTER_COMPOSE });
    await sh(server, id, 'cd /root/workshop/counter && docker compose up -d');
    const first = await sh(server, id, retryCurl('http://localhost:5000/'));
    const second = await sh(server, id, 'curl -fsS http://localhost:5000/');
    assert.match(first, /^visits=\d+$/);
    assert.equal(Number(second.split('=')[1]), Number(first.split('=')[1]) + 1);
  });

  it('reports exit codes, stderr, piped stdin and timeouts of server-side commands', async () => {
    const failed = await server.driver.exec(id, ['bash', '-c', 'echo oops >&2; exit 3']);
    assert.equal(failed.exitCode, 3);
    assert.equal(failed.stderr, 'oops\n');
    const piped = await server.driver.exec(id, ['cat'], { stdin: 'from stdin' });
    assert.equal(piped.stdout, 'from stdin');
    const slow = await server.driver.exec(id, ['sleep', '30'], { timeoutMs: 1000 });
    assert.equal(slow.timedOut, true);
  });
});
