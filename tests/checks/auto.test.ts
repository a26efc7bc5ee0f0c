// The check engine at work for a learner: opening a lesson, steps turning green by themselves
// (inner engine events, a prompt event, a command typed into the real terminal) as seen through
// the browser's event stream, "check now", and progress kept on the server.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { LessonProgressView as ProgressJson, StepView as StepJson } from '../../contract/progress.js';
import { sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { EventStream, stepEvent } from './support/events.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'lessons');

describe('automatic checks and progress', () => {
  let server: TestServer;
  let cookie: string;
  let sandbox: string;
  let events: EventStream | undefined;
  const api = async (method: string, url: string, expected = 200) => {
    const response = await fetch(`${server.url}${url}`, { method, headers: { cookie } });
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(response.status, expected, `${method} ${url}: ${JSON.stringify(body)}`);
    return body;
  };
  const step = (progress: unknown, id: string) => (progress as ProgressJson).steps.find((s) => s.id === id)!;

  before(async () => {
    server = await startTestServer({ SLIPWAY_LESSONS_DIR: FIXTURES });
    const created = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    cookie = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
  });
  after(async () => {
    events?.close();
    if (server) await stopAndClean(server);
  });

  it('lists the lessons and shows progress before a lesson is opened', async () => {
    const list = (await api('GET', '/api/lessons')) as { lessons: Array<{ slug: string; steps: number; done: number }>; problems: unknown[] };
    assert.deepEqual(list.lessons.map((l) => [l.slug, l.steps, l.done]), [['first-container', 5, 0], ['build-and-compose', 3, 0]]);
    assert.deepEqual(list.problems, []);
    const progress = await api('GET', '/api/lessons/first-container/progress');
    assert.equal(progress.openedAt, null);
    assert.deepEqual((progress as unknown as ProgressJson).steps.map((s) => s.status), ['pending', 'pending', 'pending', 'pending', 'pending']);
    assert.match(step(progress, 'serve-site').checks[0]!.label, /A running container named 'web' publishing 8080→80/);
    await api('POST', '/api/lessons/first-container/check', 409);
    await api('GET', '/api/lessons/no-such-lesson/progress', 404);
    const anonymous = await fetch(`${server.url}/api/session/events`);
    assert.equal(anonymous.status, 401);
  });

  it('opens a lesson: a sandbox, the starter files, the first step checked (again once its engine is up)', async () => {
    const progress = await api('POST', '/api/lessons/first-container/open');
    const first = step(progress, 'run-ticker');
    assert.equal(first.status, 'current');
    // The sandbox was made for this learner: its prompt comes before its engine, so the first
    // look may find the engine starting. The step is looked at again as soon as it is up.
    const looked = "No running container named 'ticker' — the sandbox has no containers at all.";
    let message = first.message;
    for (const deadline = Date.now() + 60_000; message !== looked && Date.now() < deadline; ) {
      assert.ok(message === null || /^Not checked yet: your sandbox's Docker Engine is still starting/.test(message), `run-ticker: ${message}`);
      await new Promise((r) => setTimeout(r, 100));
      message = step(await api('GET', '/api/lessons/first-container/progress'), 'run-ticker').message;
    }
    assert.equal(message, looked);
    assert.equal(step(progress, 'list-all').status, 'pending');
    const session = (await api('GET', '/api/session')) as { sandbox: { id: string } };
    sandbox = session.sandbox.id;
    assert.match(await sh(server, sandbox, 'cat site/index.html'), /Hello from Slipway/);
    // "Check now" counts as an attempt; nothing changed, so the step stays open.
    const checked = await api('POST', '/api/lessons/first-container/check');
    assert.equal(step(checked, 'run-ticker').status, 'current');
    assert.equal(step(checked, 'run-ticker').attempts, 1);
  });

  it('turns a step green on inner engine events alone, pushed to the event stream', async () => {
    events = await EventStream.open(`${server.url}/api/session/events`, cookie);
    const snapshot = await events.waitFor('a progress snapshot', (e) => e.event === 'progress');
    assert.equal((snapshot.data as ProgressJson).lesson, 'first-container');
    // Through exec, not the terminal: no prompt event, only what the engine reports.
    await sh(server, sandbox, `docker run -d --name ticker busybox sh -c 'while true; do echo tick; sleep 1; done'`);
    const done = await events.waitFor('run-ticker done', stepEvent('run-ticker', 'done'));
    assert.match((done.data as { step: StepJson }).step.message!, /Container 'ticker' is running/);
    // The next step is current at once, with what it is waiting for.
    const next = await events.waitFor('list-all current', stepEvent('list-all', 'current'));
    assert.match((next.data as { step: StepJson }).step.message!, /^Not yet: you listed all containers./);
  });

  it('turns a step green on the shell\'s prompt event, with no check request', async () => {
    const sent = performance.now();
    server.feed.prompts.emit('prompt', { sandboxId: sandbox, command: 'docker ps -a', exitCode: 0, at: Date.now() });
    const done = await events!.waitFor('list-all done', stepEvent('list-all', 'done'));
    assert.equal((done.data as { step: StepJson }).step.message, "You ran 'docker ps -a'.");
    console.log(`# prompt to event stream: ${(done.at - sent).toFixed(0)} ms`);
  });

  it('turns a step green when the command is typed into the real terminal', async () => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/session/terminal`, { headers: { cookie, origin: server.url }, perMessageDeflate: false });
    let output = '';
    ws.on('message', (data: Buffer, binary) => {
      if (binary) output += data.toString('utf8');
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`terminal answered HTTP ${res.statusCode}`)));
    });
    try {
      ws.send(JSON.stringify({ type: 'hello', cols: 120, rows: 30 }));
      const deadline = Date.now() + 30_000;
      // Wait for the shell's prompt ("~/workshop # ") before typing, as a person would.
      while (!/[#$] $/.test(output.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g, '')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      ws.send(Buffer.from('docker run -d --name web -p 8080:80 -v "$PWD/site":/www:ro busybox httpd -f -p 80 -h /www\r'), { binary: true });
      const done = await events!.waitFor('serve-site done', stepEvent('serve-site', 'done'));
      assert.match((done.data as { step: StepJson }).step.message!, /answered 200 with a body that contains 'Hello from Slipway'/);
      const progress = await api('GET', '/api/lessons/first-container/progress');
      assert.ok(step(progress, 'serve-site').attempts >= 1, 'the typed command counts as an attempt');
    } finally {
      ws.close();
    }
  });

  it('keeps progress on the server: done is final, and the browser cannot set it', async () => {
    // A learner's edits survive reopening the lesson: starter files are copied once per sandbox.
    await sh(server, sandbox, `echo '<p>Edited by me.</p>' >> site/index.html`);
    const reopened = await api('POST', '/api/lessons/first-container/open');
    assert.match(await sh(server, sandbox, 'cat site/index.html'), /Edited by me/);
    assert.equal(step(reopened, 'edit-page').status, 'done');
    const progress = (await api('GET', '/api/lessons/first-container/progress')) as unknown as ProgressJson;
    assert.deepEqual(progress.steps.map((s) => s.status), ['done', 'done', 'done', 'done', 'current']);
    assert.equal(progress.done, 4);
    for (const s of progress.steps.slice(0, 4)) {
      assert.ok(s.doneAt && s.firstSeenAt && s.doneAt >= s.firstSeenAt, `${s.id} has first-seen and done times`);
    }
    assert.equal(step(progress, 'run-ticker').attempts, 1, 'engine events are not attempts');
    // Stopping the ticker would have undone step 1; done stays done.
    await sh(server, sandbox, 'docker stop -t 0 ticker');
    await events!.waitFor('clean-up still current after the stop', (e) => stepEvent('clean-up', 'current')(e) && /still exists/.test((e.data as { step: StepJson }).step.message ?? ''));
    assert.equal(step(await api('GET', '/api/lessons/first-container/progress'), 'run-ticker').status, 'done');
    // No endpoint writes progress.
    for (const method of ['POST', 'PUT', 'PATCH']) {
      const response = await fetch(`${server.url}/api/lessons/first-container/progress`, { method, headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ steps: [{ id: 'clean-up', status: 'done' }] }) });
      assert.equal(response.status, 404, `${method} progress`);
    }
    assert.equal(step(await api('GET', '/api/lessons/first-container/progress'), 'clean-up').status, 'current');
    // The lessons list shows the counts too.
    const list = (await api('GET', '/api/lessons')) as { lessons: Array<{ slug: string; done: number }> };
    assert.equal(list.lessons.find((l) => l.slug === 'first-container')!.done, 4);
  });

  it('keeps progress across a sandbox reset and follows the new sandbox once reopened', async () => {
    await api('POST', '/api/session/sandbox/reset');
    const session = (await api('GET', '/api/session')) as { sandbox: { id: string } };
    assert.notEqual(session.sandbox.id, sandbox);
    sandbox = session.sandbox.id;
    let reopened = (await api('POST', '/api/lessons/first-container/open')) as unknown as ProgressJson;
    // The four done steps stay done; the new sandbox has no ticker, so opening the lesson in it
    // finds the last step done too: at once, or as soon as the new sandbox's engine is up (its
    // prompt comes first, and a step that could not be looked at yet is looked at again then).
    assert.equal(reopened.steps.filter((s) => s.status === 'done').length >= 4, true);
    for (const deadline = Date.now() + 60_000; reopened.done < 5 && Date.now() < deadline; ) {
      const said = step(reopened, 'clean-up').message;
      assert.ok(said === null || /^Not checked yet: your sandbox's Docker Engine is still starting/.test(said), `clean-up: ${said}`);
      await new Promise((r) => setTimeout(r, 100));
      reopened = (await api('GET', '/api/lessons/first-container/progress')) as unknown as ProgressJson;
    }
    assert.equal(reopened.done, 5);
    assert.match(await sh(server, sandbox, 'cat site/index.html'), /Hello from Slipway/);
    assert.deepEqual(server.checks.watching().map((w) => w.sandboxId), [sandbox]);
    assert.equal(step(reopened, 'clean-up').status, 'done');
  });
});
