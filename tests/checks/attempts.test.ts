// Attempts mean attempts, and no lesson is stuck behind one step: a command counts against a
// step only when it relates to it (its command family, or it changed what the step's checks
// see); a learner may skip a step (recorded as skipped, the steps after it go on); and when
// the current step still differs while a later step already holds, the progress says so.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { LessonProgressView as ProgressJson } from '../../contract/progress.js';
import { commandFamily, matchesFamily, observation } from '../../sandbox-server/checks/attempts.js';
import { sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { EventStream, stepEvent } from './support/events.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'lessons');

describe('command families', () => {
  it('names the program, and for docker its subcommand, with synonyms folded', () => {
    assert.equal(commandFamily('docker container ls -a'), 'docker ps');
    assert.equal(commandFamily('docker ps --all'), 'docker ps');
    assert.equal(commandFamily('docker-compose up -d'), 'docker compose');
    assert.equal(commandFamily('timeout 3 docker logs -f clock'), 'docker logs');
    assert.equal(commandFamily('sudo docker container run --rm debian'), 'docker run');
    assert.equal(commandFamily('docker image build -t x .'), 'docker build');
    assert.equal(commandFamily('curl http://localhost:8000/'), 'curl');
    assert.equal(commandFamily("cat > compose.yaml <<'EOF'\nservices:"), 'cat', 'a cat that writes a file is not looking around');
    for (const looking of ['cd ~/workshop', 'ls -la', 'pwd', 'cat app.py', 'clear']) assert.equal(commandFamily(looking), undefined, looking);
  });

  it('relates a command to a step by the families of its solution and alternatives', () => {
    const step = { solution: ['cd ~/workshop/counter', 'docker compose up -d'], alternatives: [['docker-compose up --build -d']] };
    assert.ok(matchesFamily(step, ['docker compose ps']));
    assert.ok(!matchesFamily(step, ['curl http://localhost:8000/']));
    assert.ok(!matchesFamily(step, ['cd ~/workshop/counter', 'ls']), 'a cd in the solution does not make every cd an attempt');
    assert.ok(!matchesFamily(step, []));
  });

  it('sees a change in what checks observe, not in the time passing or the last command quoted', () => {
    const a = observation([{ kind: 'container', passed: false, message: "Container 'web' exited 2 seconds ago with code 1." }, { kind: 'command', passed: false, message: "Your last command was 'ls'." }]);
    const b = observation([{ kind: 'container', passed: false, message: "Container 'web' exited 14 seconds ago with code 1." }, { kind: 'command', passed: false, message: "Your last command was 'cd /'." }]);
    const justNow = observation([{ kind: 'any', passed: false, message: 'None holds: there is hello-world (exited just now with code 0).', checks: [{ kind: 'container', passed: false, message: 'there is hello-world (exited less than a second ago with code 0)' }, { kind: 'command', passed: false, message: "Your last command was 'docker run hello-world'." }] }]);
    const later = observation([{ kind: 'any', passed: false, message: 'None holds: there is hello-world (exited 2 seconds ago with code 0).', checks: [{ kind: 'container', passed: false, message: 'there is hello-world (exited about a minute ago with code 0)' }, { kind: 'command', passed: false, message: "Your last command was 'docker ps -a'." }] }]);
    assert.equal(justNow, later, 'time passing is no change');
    const c = observation([{ kind: 'container', passed: false, message: "No container named 'web'." }, { kind: 'command', passed: false, message: "Your last command was 'ls'." }]);
    assert.equal(a, b);
    assert.notEqual(a, c);
  });
});

describe('attempts, skipping and looking ahead in a real sandbox', () => {
  let server: TestServer;
  let cookie: string;
  let sandbox: string;
  let events: EventStream;
  const api = async (method: string, url: string, expected = 200) => {
    const response = await fetch(`${server.url}${url}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(response.status, expected, `${method} ${url}: ${JSON.stringify(body)}`);
    return body as unknown as ProgressJson;
  };
  const progress = () => api('GET', '/api/lessons/first-container/progress');
  const step = (p: ProgressJson, id: string) => p.steps.find((s) => s.id === id)!;
  /** What the learner's shell reports when a command ends, as the terminal's prompt hook does. */
  const typed = (command: string, exitCode = 0) => server.feed.prompts.emit('prompt', { sandboxId: sandbox, command, exitCode, at: Date.now() });
  const settled = () => new Promise((r) => setTimeout(r, 600));

  before(async () => {
    server = await startTestServer({ SLIPWAY_LESSONS_DIR: FIXTURES });
    const created = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    cookie = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
    await api('POST', '/api/lessons/first-container/open');
    sandbox = ((await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { sandbox: { id: string } }).sandbox.id;
    events = await EventStream.open(`${server.url}/api/session/events`, cookie);
  });
  after(async () => {
    events?.close();
    if (server) await stopAndClean(server);
  });

  it('says when a later step already holds while the current one still differs', async () => {
    // The learner serves the site (step 3) before running the ticker (step 1).
    await sh(server, sandbox, 'docker run -d --name web -p 8080:80 -v "$PWD/site":/www:ro busybox httpd -f -p 80 -h /www');
    typed('docker run -d --name web -p 8080:80 -v "$PWD/site":/www:ro busybox httpd -f -p 80 -h /www');
    const told = await events.waitFor('a progress event with serve-site ahead', (e) => e.event === 'progress' && ((e.data as ProgressJson).ahead ?? []).includes('serve-site'));
    const p = told.data as ProgressJson;
    assert.deepEqual(p.ahead, ['serve-site']);
    assert.equal(step(p, 'run-ticker').status, 'current');
    assert.equal(step(p, 'serve-site').status, 'pending', 'a step ahead is not done until the steps above it are');
    assert.equal(step(await progress(), 'run-ticker').attempts, 1, 'a docker run is an attempt at a step whose solution is a docker run');
  });

  it('counts a command against the next step only when it relates to it', async () => {
    await sh(server, sandbox, `docker run -d --name ticker busybox sh -c 'while true; do echo tick; sleep 1; done'`);
    typed(`docker run -d --name ticker busybox sh -c 'while true; do echo tick; sleep 1; done'`);
    await events.waitFor('run-ticker done', stepEvent('run-ticker', 'done'));
    await events.waitFor('list-all current', stepEvent('list-all', 'current'));
    // Aimed elsewhere: a curl, a cd, an ls. None is an attempt at "list every container".
    for (const command of ['curl -s http://localhost:8080/', 'cd /tmp', 'ls -la']) {
      typed(command);
      await settled();
    }
    let p = await progress();
    assert.equal(step(p, 'list-all').status, 'current');
    assert.equal(step(p, 'list-all').attempts, 0, 'commands aimed elsewhere are not attempts');
    assert.doesNotMatch(step(p, 'list-all').message ?? '', /[\\^$]|\(\?|\\[sbdw]/, 'no regular expression in the message');
    // A docker ps without -a is an attempt, and a near miss (told as soon as it is evaluated).
    typed('docker ps');
    await events.waitFor('the near miss of docker ps', (e) => stepEvent('list-all', 'current')(e) && /'docker ps'/.test((e.data as { step: { message?: string } }).step.message ?? ''));
    p = await progress();
    assert.equal(step(p, 'list-all').attempts, 1);
    assert.match(step(p, 'list-all').message ?? '', /^Not yet: you listed all containers\. Your last command was 'docker ps'\.$/);
  });

  it('lets the learner skip a step: skipped, not done, and the steps after it go on by themselves', async () => {
    const skipped = await api('POST', '/api/lessons/first-container/steps/list-all/skip');
    assert.equal(step(skipped, 'list-all').status, 'skipped');
    assert.ok(step(skipped, 'list-all').skippedAt);
    assert.equal(skipped.done, skipped.steps.filter((s) => s.status === 'done').length, 'a skipped step is not counted as done');
    // The site served earlier is there: serve-site turns done without another command.
    const served = await events.waitFor('serve-site done', stepEvent('serve-site', 'done'));
    assert.ok(served);
    const p = await progress();
    assert.equal(step(p, 'list-all').status, 'skipped');
    assert.deepEqual(p.ahead, []);
    // Done steps cannot be skipped; unknown steps are named.
    const doneAgain = await fetch(`${server.url}/api/lessons/first-container/steps/run-ticker/skip`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(doneAgain.status, 409);
    assert.match(((await doneAgain.json()) as { error: { message: string } }).error.message, /already done/);
    const unknown = await fetch(`${server.url}/api/lessons/first-container/steps/no-such-step/skip`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /has no step "no-such-step"/);
  });

  it('ticks a skipped step when its work is done later', async () => {
    typed('docker container ls -a');
    await events.waitFor('list-all done after all', stepEvent('list-all', 'done'));
    const p = await progress();
    assert.equal(step(p, 'list-all').status, 'done');
    assert.equal(step(p, 'list-all').skippedAt, null);
  });
});

describe('an independent step is ticked wherever it stands', () => {
  let server: TestServer;
  let cookie: string;
  let sandbox: string;
  const progress = async () => (await (await fetch(`${server.url}/api/lessons/order/progress`, { headers: { cookie } })).json()) as ProgressJson;
  const step = (p: ProgressJson, id: string) => p.steps.find((s) => s.id === id)!;

  before(async () => {
    server = await startTestServer({ SLIPWAY_LESSONS_DIR: path.join(FIXTURES, '..', 'lessons-independent') });
    const created = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    cookie = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
    await fetch(`${server.url}/api/lessons/order/open`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    sandbox = ((await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { sandbox: { id: string } }).sandbox.id;
  });
  after(async () => {
    if (server) await stopAndClean(server);
  });

  it('ticks the independent step before the step above it, and not the ordered one after it', async () => {
    await sh(server, sandbox, 'docker volume create notes && docker network create backstage');
    server.feed.prompts.emit('prompt', { sandboxId: sandbox, command: 'docker volume create notes', exitCode: 0, at: Date.now() });
    const deadline = Date.now() + 15_000;
    let p = await progress();
    while ((step(p, 'make-volume').status !== 'done' || p.ahead.length === 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      p = await progress();
    }
    assert.equal(step(p, 'make-volume').status, 'done', 'the independent step is done while step 1 is not');
    assert.equal(step(p, 'run-box').status, 'current');
    assert.equal(step(p, 'make-network').status, 'pending', 'an ordered step waits for the steps above it');
    assert.deepEqual(p.ahead, ['make-network'], 'but the page hears that its work is there');
    await sh(server, sandbox, 'docker run -d --name box busybox sleep 600');
    const until = Date.now() + 15_000;
    while (p.done < 3 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      p = await progress();
    }
    assert.deepEqual(p.steps.map((s) => s.status), ['done', 'done', 'done']);
    assert.deepEqual(p.ahead, []);
  });
});

