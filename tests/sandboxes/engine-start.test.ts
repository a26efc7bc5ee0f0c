// A sandbox's prompt comes before its Docker Engine: a learner gets a shell as soon as the
// sandbox runs, the engine starts after (a few at a time, or with the learner's first docker
// command), a `docker` command typed the instant the prompt appears waits for it instead of
// failing, and checks and the sandbox panel say "starting" rather than reporting an error. A
// class nobody pre-warmed for finds sandboxes on standby: started, their engines not.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Inventory } from '../../contract/session-api.js';
import { checkSchema } from '../../lessons/schema.js';
import { createContext } from '../../sandbox-server/checks/context.js';
import { ENGINE_STARTING, evaluateCheck } from '../../sandbox-server/checks/evaluate.js';
import { call, cookieOf, startedWorkshop } from '../classroom/support.js';
import { stopAndClean, startTestServer, type TestServer } from '../support/server.js';
import { learnerSession, plain, TermClient } from '../terminal/support/client.js';
import { eventually } from '../terminal/support/wait.js';

/** Where an engine is, as the lifecycle says it. */
type EngineState = ReturnType<TestServer['manager']['engines']['state']>;

const inventoryOf = async (server: TestServer, cookie: string): Promise<Inventory> => {
  const answer = await fetch(`${server.url}/api/session/sandbox/inventory`, { headers: { cookie } });
  assert.equal(answer.status, 200, await answer.clone().text());
  return (await answer.json()) as Inventory;
};

/** `docker run hello-world` typed in the learner's terminal the instant its prompt appears: it must succeed, with no daemon error. */
async function helloWorldAtFirstPrompt(server: TestServer, cookie: string): Promise<void> {
  const term = await TermClient.connect(server.url, { cookie, cols: 120, rows: 30 });
  try {
    await term.waitFor(/workshop.*# $/);
    const out = plain(await term.run('docker run --rm hello-world; echo "exit=$?"', /exit=\d+/, 120_000));
    assert.doesNotMatch(out, /Cannot connect to the Docker daemon|Is the docker daemon running/);
    assert.match(out, /Hello from Docker!/);
    assert.match(out, /exit=0/);
  } finally {
    await term.close();
  }
}

/**
 * Waits until the learner's shell is idle at its prompt, blocked reading the next key. bash 5.2
 * acts on a Ctrl-C in full only when it interrupts that read: one that arrives while readline is
 * still busy (the completion just drawn) is echoed as ^C, but no new prompt comes until the next
 * key (seen twice in 90 tries, on a quiet machine too). A person is never that quick; a test
 * that types nothing more would wait forever. The login shell is the terminal's session leader
 * (parent 0).
 */
async function readingKeys(server: TestServer, sandboxId: string): Promise<void> {
  const look = `for pid in $(ps -eo pid=,ppid=,tty= | awk '$2 == 0 && $3 != "?" { print $1 }'); do cat /proc/$pid/wchan; echo; done`;
  let hidden = false;
  await eventually('the shell waiting for a key', async () => {
    const wchan = (await server.driver.exec(sandboxId, ['sh', '-c', look])).stdout.trim();
    // A kernel that hides where processes wait says 0: then a moment's pause is all there is.
    hidden = wchan === '0';
    return hidden || /select|poll/.test(wchan);
  }, 30_000, 100);
  if (hidden) await new Promise((r) => setTimeout(r, 500));
}

describe('a cold sandbox: the prompt first, its engine after', () => {
  describe('an engine that starts with the first docker command (SLIPWAY_ENGINE_START=on-use)', () => {
    let server: TestServer;
    let cookie: string;
    let sandboxId: string;

    before(async () => {
      server = await startTestServer({ SLIPWAY_ENGINE_START: 'on-use' });
      ({ cookie, sandboxId } = await learnerSession(server.url));
    });
    after(async () => {
      if (server) await stopAndClean(server);
    });

    it('hands the sandbox out with a working shell while its engine has not started', async () => {
      assert.equal(server.manager.engines.state(sandboxId), 'on-use');
      const shell = await server.driver.exec(sandboxId, ['bash', '-c', 'cat /run/slipway/engine-state; ls /var/run/docker.sock 2>&1 || true']);
      assert.equal(shell.exitCode, 0);
      assert.match(shell.stdout, /^waiting\n/, 'the entrypoint waits to start the engine');
      assert.match(shell.stdout, /No such file/, 'no engine socket yet');
      await assert.rejects(server.driver.engine(sandboxId).ping(), 'the engine does not answer yet');
    });

    it('has checks that say the engine is not started yet, not that the learner failed', async () => {
      const check = checkSchema.parse({ kind: 'container', name: 'web', state: 'running' });
      const noHistory = { since: () => [] };
      const onUse = await evaluateCheck(check, createContext({ driver: server.driver, history: noHistory, engineState: () => 'on-use' }, sandboxId, 0));
      assert.equal(onUse.passed, false);
      assert.equal(onUse.error, true, 'a state, flagged as "could not look", not a failure of the learner');
      assert.match(onUse.message, /starts with your first docker command/);
      const starting = await evaluateCheck(check, createContext({ driver: server.driver, history: noHistory, engineState: () => 'starting' }, sandboxId, 0));
      assert.equal(starting.message, ENGINE_STARTING);
    });

    it('has a sandbox panel that shows the engine as a state, with empty lists', async () => {
      const inventory = await inventoryOf(server, cookie);
      assert.equal(inventory.engine, 'on-use');
      assert.deepEqual([inventory.containers, inventory.images], [[], []]);
    });

    it('completes `docker vers` with Tab and answers help at once, with no wait shown, and takes them as the wish for the engine', async () => {
      // What bash completion asks the CLI (its plugins), and help: answered with no engine.
      // The engine's state read right after them: had they waited for the engine, it would be ready.
      const client = await server.driver.exec(sandboxId, ['bash', '-c', "docker info --format '{{range .ClientInfo.Plugins}}{{.Name}} {{end}}'; docker run --help | head -n 2; cat /run/slipway/engine-state"]);
      assert.equal(client.exitCode, 0, client.stderr);
      assert.match(client.stdout, /compose/);
      assert.match(client.stdout, /Usage:\s+docker run/);
      assert.match(client.stdout, /\n(waiting|starting)\n$/, 'they answered before the engine was up');
      assert.doesNotMatch(client.stderr, /Waiting|Cannot connect/);

      const term = await TermClient.connect(server.url, { cookie, cols: 120, rows: 30 });
      try {
        await term.waitFor(/workshop.*# $/);
        term.mark();
        term.type('docker vers\t');
        await term.waitFor(/docker version /);
        assert.doesNotMatch(plain(term.output), /Waiting for your Docker engine/);
        await readingKeys(server, sandboxId);
        term.mark();
        term.type('\x03'); // Ctrl-C: the line is dropped, not run, and a new prompt follows
        await term.waitFor(/\^C.*# $/s);
      } finally {
        await term.close();
      }
      // A learner pressing Tab after `docker` is about to use it: the engine starts.
      await eventually('the engine asked for by the completion', () => server.manager.engines.state(sandboxId) !== 'on-use', 30_000);
    });

    it('runs `docker run hello-world` typed the instant the prompt appears, with no daemon error', async () => {
      await helloWorldAtFirstPrompt(server, cookie);
      // The engine is up now: the panel lists what it holds.
      const inventory = await inventoryOf(server, cookie);
      assert.equal(inventory.engine, undefined);
      assert.ok(inventory.images.some((i) => i.tags.some((t) => t.startsWith('hello-world'))), JSON.stringify(inventory.images));
    });
  });

  describe('a burst of learners (SLIPWAY_ENGINE_STARTS=2)', () => {
    let server: TestServer;
    const seen: Array<[string, EngineState]> = [];

    before(async () => {
      server = await startTestServer({ SLIPWAY_ENGINE_STARTS: '2' });
      server.feed.sandboxes.on('engine', (id, state) => seen.push([id, state]));
    });
    after(async () => {
      if (server) await stopAndClean(server);
    });

    it('gives five learners their prompts, then starts their engines two at a time, every one', async () => {
      const learners = await Promise.all(Array.from({ length: 5 }, () => learnerSession(server.url)));
      const ids = learners.map((l) => l.sandboxId);
      // The instructor's dashboard shows the burst: five engines take a few seconds at two at a time.
      const during = server.classroom.warmProgress().engines;
      assert.ok(during.queued + during.starting > 0, `engines starting or queued just after the joins: ${JSON.stringify(during)}`);
      assert.ok(during.starting <= 2, JSON.stringify(during));
      await eventually('every engine answers', () => ids.every((id) => server.manager.engines.state(id) === 'ready'), 120_000, 100);
      assert.deepEqual(server.classroom.warmProgress().engines, { queued: 0, starting: 0 });
      for (const id of ids) assert.ok((await server.driver.engine(id).ping()).toString().includes('OK'));
      // Each went queued → starting → ready, and never more than two were starting at once.
      let starting = 0;
      let most = 0;
      for (const [id, state] of seen) {
        if (!ids.includes(id)) continue;
        if (state === 'starting') most = Math.max(most, ++starting);
        if (state === 'ready' || state === 'failed') starting--;
      }
      for (const id of ids) assert.deepEqual(seen.filter(([s]) => s === id).map(([, state]) => state), ['queued', 'starting', 'ready'], id);
      assert.ok(most <= 2, `${most} engines were starting at once`);
      assert.equal(most, 2, 'two at a time, not one after the other');
    });
  });

  describe('a learner who types docker while others wait (SLIPWAY_ENGINE_STARTS=1)', () => {
    let server: TestServer;
    const starting: string[] = [];

    before(async () => {
      server = await startTestServer({ SLIPWAY_ENGINE_STARTS: '1' });
      server.feed.sandboxes.on('engine', (id, state) => state === 'starting' && starting.push(id));
    });
    after(async () => {
      if (server) await stopAndClean(server);
    });

    it('has their engine started next, ahead of those who wait without needing it yet', async () => {
      const learners = await Promise.all(Array.from({ length: 5 }, () => learnerSession(server.url)));
      const ids = learners.map((l) => l.sandboxId);
      // The one whose engine would come last, by the order they queued in.
      const queued = ids.filter((id) => server.manager.engines.state(id) === 'queued');
      assert.ok(queued.length >= 3, `at least three wait their turn: ${ids.map((id) => server.manager.engines.state(id)).join(', ')}`);
      const eager = queued[queued.length - 1]!;
      const typed = await server.driver.exec(eager, ['docker', 'version', '--format', '{{.Server.Version}}'], { timeoutMs: 120_000 });
      assert.equal(typed.exitCode, 0, typed.stderr);
      const before = ids.filter((id) => id !== eager && starting.includes(id) && starting.indexOf(id) < starting.indexOf(eager));
      // In the order they queued, every other one would have gone first. Asked for, it jumps the
      // queue: only those already starting and those whose turn came while the command was on
      // its way (an exec takes a moment on a busy machine) go before it.
      assert.ok(before.length < ids.length - 1, `started before the eager learner: ${before.length} of ${ids.length - 1} (${starting.join(', ')})`);
      await eventually('every engine answers', () => ids.every((id) => server.manager.engines.state(id) === 'ready'), 120_000, 100);
    });
  });

  describe('a class nobody pre-warmed for (SLIPWAY_STANDBY=3)', () => {
    let server: TestServer;
    let workshop: { id: string; code: string };
    let instructor: string;
    const standbyIds = () => server.manager.store.live().filter((r) => r.state === 'pooled' && r.standby).map((r) => r.id);

    before(async () => {
      server = await startTestServer({ SLIPWAY_STANDBY: '3' });
      ({ instructor, workshop } = await startedWorkshop(server, { title: 'standby', lessons: ['hello-containers'], expectedSize: 1, sessionMinutes: 60 }));
    });
    after(async () => {
      if (server) await stopAndClean(server);
    });

    it('keeps sandboxes on standby while the workshop runs, their shells able to run and their engines not started', async () => {
      await eventually('one warm sandbox and three on standby', () => {
        const warm = server.classroom.warmProgress();
        return warm.pooled === 1 && warm.standby.ready === 3;
      }, 120_000, 200);
      for (const id of standbyIds()) {
        const shell = await server.driver.exec(id, ['bash', '-c', 'cat /run/slipway/engine-state; pgrep -x dockerd || echo no-dockerd']);
        assert.equal(shell.stdout, 'waiting\nno-dockerd\n', id);
      }
    });

    it('gives learners beyond the warm-up a standby sandbox whose docker works from the first command', async () => {
      const onStandby = standbyIds();
      const learners = [];
      for (const name of ['Ada', 'Grace']) {
        const joined = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name } });
        assert.equal(joined.status, 200, joined.text);
        const cookie = cookieOf(joined, 'slipway_session');
        const view = await call(server, 'POST', '/api/session/sandbox', { cookie });
        learners.push({ cookie, sandboxId: view.body.sandbox.id as string });
      }
      const [, second] = learners as [unknown, { cookie: string; sandboxId: string }];
      assert.ok(onStandby.includes(second.sandboxId), `the second learner got a standby sandbox (${second.sandboxId} of ${onStandby.join(', ')})`);
      assert.equal(server.manager.store.get(second.sandboxId)?.standby, 0, 'it is no longer on standby');
      await helloWorldAtFirstPrompt(server, second.cookie);
    });

    it('removes the standby sandboxes when the workshop ends', async () => {
      await eventually('the standby refilled', () => standbyIds().length > 0, 120_000, 200);
      const left = standbyIds();
      const ended = await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/end`, { cookie: instructor, body: { confirm: true } });
      assert.equal(ended.status, 200, ended.text);
      assert.deepEqual(standbyIds(), []);
      const backend = new Set((await server.driver.list()).map((b) => b.id));
      for (const id of left) assert.ok(!backend.has(id), `${id} was removed`);
      assert.equal(server.classroom.warmProgress().standby.target, 0);
    });
  });
});
