// `image` checks against images really built in a sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { checker, type Checker } from './support/checks.js';

const DOCKERFILE = `FROM busybox
ENV GREETING=hello
WORKDIR /app
COPY hello.txt ./
EXPOSE 5000
VOLUME /data
USER 1000
LABEL course=slipway
CMD ["cat", "hello.txt"]
`;

describe('image checks', () => {
  let server: TestServer;
  let sandbox: string;
  let c: Checker;
  const full = {
    kind: 'image',
    name: 'myapp:1.0',
    base: 'busybox',
    env: { GREETING: 'hello' },
    exposedPorts: [5000],
    volumes: ['/data'],
    workdir: '/app',
    user: '1000',
    cmd: ['cat', 'hello.txt'],
    labels: { course: 'slipway' },
    minLayers: 2,
    maxLayers: 4,
    maxSizeMB: 20,
  };
  before(async () => {
    server = await startTestServer();
    sandbox = await newSandbox(server);
    c = checker(server, sandbox);
  });
  after(async () => server && stopAndClean(server));

  it('fails before the image is built, naming the images there are', async () => {
    await c.fails(full, /^No image myapp:1\.0 — the sandbox has no images\.$/);
    await sh(server, sandbox, 'docker pull -q hello-world >/dev/null');
    await c.fails({ kind: 'image', name: 'myapp' }, /^No image myapp:latest — the images are hello-world:latest\.$/);
  });

  it('passes for the built image, with its base read from the mirror when BuildKit did not keep it', async () => {
    await sh(server, sandbox, `mkdir -p app && cd app && echo hi > hello.txt && cat > Dockerfile <<'EOF'\n${DOCKERFILE}EOF\ndocker build -q -t myapp:1.0 . >/dev/null`);
    const images = await sh(server, sandbox, 'docker images --format "{{.Repository}}"');
    assert.doesNotMatch(images, /busybox/, 'this test wants the base image absent from the engine');
    await c.passes(full, /^Image myapp:1\.0 \(\d layers?, [\d.]+ MB\) exists: .*built on busybox:latest\.$/);
  });

  it('names every difference from what is expected', async () => {
    const result = await c.fails(
      { kind: 'image', name: 'myapp:1.0', base: 'hello-world', env: { GREETING: 'bye', MISSING: 1 }, exposedPorts: ['5000/udp'], volumes: ['/srv'], workdir: '/', user: 'root', cmd: ['sh'], entrypoint: ['cat'], labels: { course: 'other' }, maxLayers: 1, maxSizeMB: 0.001 },
      /^Image myapp:1\.0 .* exists, but /,
    );
    for (const problem of [
      /its ENV GREETING is 'hello', expected 'bye'/,
      /it sets no ENV MISSING/,
      /it does not EXPOSE 5000\/udp \(it exposes 5000\/tcp\)/,
      /it declares no VOLUME \/srv \(it declares \/data\)/,
      /its WORKDIR is '\/app', expected '\/'/,
      /its USER is '1000', expected 'root'/,
      /its CMD is '\["cat","hello.txt"\]', expected '\["sh"\]'/,
      /its ENTRYPOINT is '\[\]', expected '\["cat"\]'/,
      /its label course is 'slipway', expected 'other'/,
      /it has \d layers, expected at most 1/,
      /it is [\d.]+ MB, expected at most 0.001 MB/,
      /it is not built on hello-world:latest/,
    ]) {
      assert.match(result.message, problem);
    }
    await c.fails({ kind: 'image', name: 'myapp:1.0', minLayers: 10 }, /expected at least 10/);
  });

  it('passes when an image is gone', async () => {
    const gone = { kind: 'image', name: 'myapp:1.0', exists: false };
    await c.fails(gone, /^Image myapp:1\.0 still exists/);
    await sh(server, sandbox, 'docker rmi myapp:1.0 >/dev/null');
    await c.passes(gone, /No image myapp:1\.0 — it is gone/);
  });
});
