// The workshop registry in a class: each learner pushes under a namespace of their own ($ME in
// their shell, given when their pre-warmed sandbox is assigned), nobody can push into another's,
// and everyone can pull everyone's images.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createContext } from '../../sandbox-server/checks/context.js';
import { evaluateStep } from '../../sandbox-server/checks/evaluate.js';
import { LessonLibrary } from '../../sandbox-server/lessons/library.js';
import { starterFilesTar } from '../../sandbox-server/lessons/starter-files.js';
import { learnerNamespace } from '../../sandbox-server/registry/namespace.js';
import { judge } from '../../sandbox-server/registry/policy.js';
import { SandboxStore } from '../../sandbox-server/store/sandboxes.js';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { TermClient } from '../terminal/support/client.js';

const REGISTRY = 'registry.workshop:5000';
const PROMPT = /# $/;

interface TestLearner {
  sessionId: string;
  cookie: string;
  sandboxId: string;
  terminal: TermClient;
  namespace: string;
}

/** A learner as the browser makes one: a session (named or not), a sandbox, the terminal. */
async function join(url: string, displayName?: string): Promise<Omit<TestLearner, 'namespace'>> {
  const created = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(displayName ? { displayName } : {}) });
  assert.equal(created.status, 201, await created.clone().text());
  const cookie = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { id: sessionId } = (await created.json()) as { id: string };
  const sandbox = await fetch(`${url}/api/session/sandbox`, { method: 'POST', headers: { cookie } });
  assert.equal(sandbox.status, 200, await sandbox.clone().text());
  const view = (await sandbox.json()) as { sandbox: { id: string } };
  const terminal = await TermClient.connect(url, { cookie, cols: 200, rows: 40 });
  await terminal.waitFor(PROMPT, 60_000);
  return { sessionId, cookie, sandboxId: view.sandbox.id, terminal };
}

/** Types a command line and returns its output and exit code, as the learner's terminal shows them. */
async function typed(terminal: TermClient, command: string, timeoutMs = 120_000): Promise<{ output: string; code: number }> {
  const output = await terminal.run(`${command}; echo "exit=$?"`, /exit=(\d+)\s[\s\S]*# $/, timeoutMs);
  return { output, code: Number(/exit=(\d+)\s[\s\S]*# $/.exec(output)![1]) };
}

/** What the workshop registry itself (behind the gate) says `name:tag` is, read from the host. */
async function registryDigest(server: TestServer, name: string, tag: string): Promise<string | null> {
  const response = await fetch(`http://127.0.0.1:${server.config.mirrorPort + 2}/v2/${name}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
  });
  return response.ok ? response.headers.get('docker-content-digest') : null;
}

describe('workshop registry namespaces', () => {
  let server: TestServer;
  let ada: TestLearner;
  let bob: TestLearner;
  let sandboxes: SandboxStore;

  before(async () => {
    // Two pre-warmed sandboxes whose shells are open before anyone holds them, as in a class.
    // An installation of its own: a pooled sandbox of another test's server would not be ours.
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-registry', SLIPWAY_POOL_SIZE: '2' });
    sandboxes = new SandboxStore(server.db);
    await waitFor('two pooled sandboxes with open shells', () => sandboxes.countByState().pooled === 2 && server.terminals.hub.stats().length === 2, 180_000);
    const [a, b] = await Promise.all([join(server.url, 'Ada Lovelace'), join(server.url)]);
    ada = { ...a!, namespace: '' };
    bob = { ...b!, namespace: '' };
  });
  after(async () => {
    await Promise.allSettled([ada?.terminal.close(), bob?.terminal.close()]);
    if (server) await stopAndClean(server);
  });

  it("gives each learner's shell their namespace in $ME, from the very first command", async () => {
    for (const learner of [ada, bob]) {
      const { output } = await typed(learner.terminal, 'echo "namespace=[$ME]"');
      // The output line, not the command line echoed above it.
      learner.namespace = /namespace=\[([a-z0-9-]*)\]/.exec(output)?.[1] ?? '';
      const session = server.sessions.get(learner.sessionId)!;
      assert.equal(learner.namespace, learnerNamespace(session), 'the shell was opened before the sandbox was assigned, yet $ME is the learner\'s namespace');
    }
    assert.match(ada.namespace, /^ada-lovelace-[0-9a-f]{8}$/);
    assert.match(bob.namespace, /^learner-[0-9a-f]{8}$/);
    assert.notEqual(ada.namespace, bob.namespace);
  });

  it("refuses Bob's push into Ada's namespace with a clear message, leaves Ada's image as it was, and lets Bob pull it", async () => {
    const adaImage = `${REGISTRY}/${ada.namespace}/card:1.0`;
    const pushed = await typed(ada.terminal, `docker pull -q busybox >/dev/null && docker tag busybox ${REGISTRY}/$ME/card:1.0 && docker push ${REGISTRY}/$ME/card:1.0`);
    assert.equal(pushed.code, 0, pushed.output);
    const digest = await registryDigest(server, `${ada.namespace}/card`, '1.0');
    assert.ok(digest, "Ada's image is in the registry");

    // Bob builds an image of his own and names it as Ada's; then he sets ME to her namespace.
    const built = await typed(bob.terminal, `printf 'FROM busybox\\nRUN echo bob > /who\\n' | docker build -q -t ${adaImage} -`);
    assert.equal(built.code, 0, built.output);
    for (const push of [`docker push ${adaImage}`, `ME=${ada.namespace}; docker push ${REGISTRY}/$ME/card:1.0`]) {
      const refused = await typed(bob.terminal, push);
      assert.notEqual(refused.code, 0, `the push was accepted: ${refused.output}`);
      assert.match(refused.output, new RegExp(`denied: you can push only under ${REGISTRY}/${bob.namespace}/ .*not to ${REGISTRY}/${ada.namespace}/card`));
    }
    await typed(bob.terminal, 'unset ME');

    assert.equal(await registryDigest(server, `${ada.namespace}/card`, '1.0'), digest, "Ada's card:1.0 is the image she pushed");
    const pulled = await typed(bob.terminal, `docker rmi -f ${adaImage} >/dev/null; docker pull ${adaImage} && docker image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' ${adaImage}`);
    assert.equal(pulled.code, 0, pulled.output);
    assert.ok(pulled.output.includes(`${REGISTRY}/${ada.namespace}/card@${digest}`), `Bob pulled Ada's image: ${pulled.output}`);
    // And his own namespace takes his pushes ($ME is back after the unset).
    const own = await typed(bob.terminal, `docker tag ${adaImage} ${REGISTRY}/$ME/card:1.0 && docker push ${REGISTRY}/$ME/card:1.0`);
    assert.equal(own.code, 0, own.output);
  });

  it('refuses writes outside the namespace however the path is spelt, and accepts them inside', async () => {
    const upload = (path: string) => sh(server, bob.sandboxId, `curl -s --path-as-is -o /dev/null -w '%{http_code}' -X POST 'http://${REGISTRY}${path}'`);
    assert.equal(await upload(`/v2/${bob.namespace}/probe/blobs/uploads/`), '202');
    for (const path of [
      `/v2/${ada.namespace}/probe/blobs/uploads/`,
      `/v2/${bob.namespace}/../${ada.namespace}/probe/blobs/uploads/`,
      `/v2/${bob.namespace}%2F..%2F${ada.namespace}/probe/blobs/uploads/`,
      `/v2/${bob.namespace}/probe/../../${ada.namespace}/probe/blobs/uploads/`,
      '/v2/probe/blobs/uploads/',
    ]) {
      assert.equal(await upload(path), '403', `POST ${path}`);
    }
    const body = await sh(server, bob.sandboxId, `curl -s -X PUT 'http://${REGISTRY}/v2/${ada.namespace}/card/manifests/1.0'`);
    assert.equal((JSON.parse(body) as { errors: Array<{ code: string }> }).errors[0]!.code, 'DENIED');
  });

  it("lesson 7's pull-run step passes only once the image was deleted and pulled back, by either way of doing it", async () => {
    const lessons = new LessonLibrary(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'lessons'));
    const lesson = lessons.get('share-your-image')!;
    const step = (id: string) => lesson.lesson.steps.find((s) => s.id === id)!;
    const noHistory = { since: () => [] };
    for (const way of ['docker run', 'docker pull, then docker run --rm']) {
      const id = await newSandbox(server);
      await server.driver.copyIn(id, starterFilesTar(lesson.filesDir!));
      const evaluate = () => evaluateStep(step('pull-run'), createContext({ driver: server.driver, history: noHistory }, id, Date.now()));
      await sh(server, id, `cd card && docker build -q -t card . && docker tag card ${REGISTRY}/$ME/card:1.0 && docker push -q ${REGISTRY}/$ME/card:1.0`);
      // Removing only the short name leaves the full one, so running it pulls nothing.
      await sh(server, id, `docker rmi card && docker run ${REGISTRY}/$ME/card:1.0`);
      const loophole = await evaluate();
      assert.equal(loophole.passed, false, loophole.message);
      assert.match(loophole.message, /is still the copy made in this sandbox/);
      const run = way === 'docker run' ? `docker run ${REGISTRY}/$ME/card:1.0` : `docker pull ${REGISTRY}/$ME/card:1.0 && docker run --rm ${REGISTRY}/$ME/card:1.0`;
      await sh(server, id, `docker rm $(docker ps -aq) && docker rmi ${REGISTRY}/$ME/card:1.0 && ${run}`);
      // The check reads the engine's events, which may trail the command by a moment: as the
      // server does after an event, look again until it holds (or 10 s have passed).
      let pulled = await evaluate();
      for (const until = Date.now() + 10_000; !pulled.passed && Date.now() < until; pulled = await evaluate()) await new Promise((r) => setTimeout(r, 300));
      assert.equal(pulled.passed, true, `${way}: ${pulled.message}`);
      await server.manager.destroy(id, 'released');
    }
  });

  it("keeps the learner's namespace across a reset, and gives none to a pooled sandbox", async () => {
    const reset = await fetch(`${server.url}/api/session/sandbox/reset`, { method: 'POST', headers: { cookie: ada.cookie } });
    assert.equal(reset.status, 200);
    const { sandbox } = (await reset.json()) as { sandbox: { id: string } };
    assert.notEqual(sandbox.id, ada.sandboxId);
    assert.equal(await sh(server, sandbox.id, 'echo "$ME"'), `${ada.namespace}\n`);
    // Bob's image made in Ada's name never reached the registry; Ada's own is still hers to pull.
    assert.match(await sh(server, sandbox.id, `docker pull -q ${REGISTRY}/$ME/card:1.0`), new RegExp(`${ada.namespace}/card:1.0`));

    await waitFor('a pooled sandbox', () => sandboxes.live().some((row) => row.state === 'pooled'), 180_000);
    const pooled = sandboxes.live().find((row) => row.state === 'pooled')!;
    const answer = await sh(server, pooled.id, `echo "me=[$ME]"; curl -s -X POST 'http://${REGISTRY}/v2/someone/probe/blobs/uploads/'`);
    assert.match(answer, /^me=\[\]\n/);
    assert.match(answer, /does not belong to a learner right now/);
  });
});

describe('workshop registry policy', () => {
  const verdict = (method: string, url: string, namespace: string | null = 'ada-1') => judge({ method, url, namespace: namespace ?? undefined }, REGISTRY);

  it('lets everyone read everything', () => {
    for (const method of ['GET', 'HEAD']) {
      assert.ok(verdict(method, '/v2/bob-2/card/manifests/1.0', null).allowed);
      assert.ok(verdict(method, '/v2/_catalog').allowed);
    }
  });

  it('lets a learner write only under their own namespace, in clean registry paths', () => {
    assert.ok(verdict('POST', '/v2/ada-1/card/blobs/uploads/').allowed);
    assert.ok(verdict('POST', '/v2/ada-1/card/blobs/uploads/?mount=sha256:ab&from=bob-2/card').allowed);
    assert.ok(verdict('PATCH', '/v2/ada-1/tools/card/blobs/uploads/0b9c2f7e-1d3a-4c5b-9e8f-112233445566?_state=x').allowed);
    assert.ok(verdict('PUT', '/v2/ada-1/card/manifests/1.0').allowed);
    assert.ok(verdict('DELETE', '/v2/ada-1/card/manifests/sha256:0123abcd').allowed);
    for (const url of [
      '/v2/bob-2/card/blobs/uploads/',
      '/v2/ada-1/blobs/uploads/',
      '/v2/ada-10/card/manifests/1.0',
      '/v2/ada-1/../bob-2/card/manifests/1.0',
      '/v2/ada-1/./card/manifests/1.0',
      '/v2/ada-1%2Fcard/manifests/1.0',
      '/v2/ada-1//card/manifests/1.0',
      '/v2/ada-1/card/manifests/1.0/../../../bob-2/card/manifests/1.0',
      '/v2/',
      '/v2/ada-1/Card/manifests/1.0',
    ]) {
      const result = verdict('PUT', url);
      assert.equal(result.allowed, false, url);
    }
    assert.equal(verdict('PUT', '/v2/ada-1/card/manifests/1.0', null).allowed, false, 'a sandbox no learner holds writes nowhere');
    assert.equal(verdict('OPTIONS', '/v2/ada-1/card/manifests/1.0').allowed, false);
  });

  it('says in plain words where the learner can push, and which name to use', () => {
    const result = verdict('POST', '/v2/bob-2/card/blobs/uploads/');
    assert.ok(!result.allowed);
    const [error] = result.body.errors;
    assert.equal(error!.code, 'DENIED');
    assert.equal(result.status, 403);
    assert.match(error!.message, /^you can push only under registry\.workshop:5000\/ada-1\/ \(your own namespace in this workshop, also in \$ME\), not to registry\.workshop:5000\/bob-2\/card: tag the image registry\.workshop:5000\/ada-1\/card and push that$/);
  });

  it('makes namespaces that are valid image name parts and keep session ids secret', () => {
    const session = { id: 'c2VjcmV0LXNlc3Npb24taWQtMTIz', display_name: "Zoë O'Brien — Room 4!" };
    const namespace = learnerNamespace(session);
    assert.match(namespace, /^zoe-o-brien-room-4-[0-9a-f]{8}$/);
    assert.ok(!namespace.includes(session.id.slice(0, 8).toLowerCase()));
    assert.equal(learnerNamespace(session), namespace, 'the same session always has the same namespace');
    assert.match(learnerNamespace({ id: 'x', display_name: '李雷' }), /^learner-[0-9a-f]{8}$/);
    assert.match(learnerNamespace({ id: 'y', display_name: `${'-'.repeat(50)}${'a'.repeat(50)}` }), /^a{20}-[0-9a-f]{8}$/);
  });
});

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
