// Setup (`setup:` on a lesson and on a step) in real sandboxes: the lesson's runs after its
// starter files when it is opened, a step's before the step becomes current; neither shows as
// the learner's (terminal, shell history, prompts feed, command store); each runs once per
// sandbox across reopening; a failing one is an error in the log and a notice naming the step
// while the lesson goes on; a workshop's pooled sandboxes run its first lesson's setup ahead;
// and lessons:verify runs setups before the checks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { LessonProgressView } from '../../contract/progress.js';
import type { SandboxNotice } from '../../contract/notices.js';
import { CommandStore } from '../../sandbox-server/store/commands.js';
import { call, startedWorkshop } from '../classroom/support.js';
import { startLoggedServer as startServer, type LogLine } from '../support/logged-server.js';
import { sh } from '../support/sandbox.js';
import { removeLessonsVerifyNetwork, stopAndClean, type TestServer } from '../support/server.js';
import { learnerSession, plain, TermClient } from '../terminal/support/client.js';
import { EventStream, stepEvent } from './support/events.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'lessons-setup');
const startLoggedServer = () => startServer({ SLIPWAY_LESSONS_DIR: FIXTURES });
/** What the learner's shell reports when a command ends (the prompts feed's events). */
interface Prompt {
  command: string;
}

describe('setup in a learner\'s sandbox', () => {
  let server: TestServer;
  let lines: LogLine[];
  let cookie: string;
  let sandbox: string;
  let term: TermClient;
  let events: EventStream;
  const prompts: Prompt[] = [];
  const api = async <T = LessonProgressView>(method: string, url: string): Promise<T> => {
    const response = await fetch(`${server.url}${url}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
    const body = (await response.json()) as T;
    assert.equal(response.status, 200, `${method} ${url}: ${JSON.stringify(body)}`);
    return body;
  };
  const setupRuns = () => sh(server, sandbox, 'cat /root/setup-runs 2>/dev/null; true');

  before(async () => {
    ({ server, lines } = await startLoggedServer());
    server.feed.prompts.on('prompt', (event: Prompt) => prompts.push(event));
    ({ cookie, sandboxId: sandbox } = await learnerSession(server.url));
    // The learner's terminal is open before the lesson is: whatever setup printed would show here.
    term = await TermClient.connect(server.url, { cookie, cols: 120, rows: 30 });
    await term.waitFor(/workshop.*# $/);
    events = await EventStream.open(`${server.url}/api/session/events`, cookie);
  });
  after(async () => {
    events?.close();
    await term?.close();
    if (server) await stopAndClean(server);
  });

  it('runs the lesson\'s setup after its starter files when the lesson is opened, before its first step', async () => {
    const view = await api('POST', '/api/lessons/prepared/open');
    assert.equal(view.steps[0]!.status, 'current');
    assert.equal(await sh(server, sandbox, 'cat /root/workshop/prepared.txt'), 'from the starter files\n', 'the setup read a starter file: it ran after they were copied');
    assert.equal(await setupRuns(), 'lesson\n', 'the second step\'s setup has not run: that step is not current yet');
    const ran = lines.find((l) => l.msg === 'lesson setup ran');
    assert.ok(ran, 'a log line for the lesson\'s setup');
    assert.equal(ran.lesson, 'prepared');
    assert.equal(ran.step, null);
    assert.equal(ran.exitCode, 0);
    assert.equal(typeof ran.ms, 'number');
    assert.equal(ran.sandbox, sandbox);
  });

  it('runs a step\'s setup before the step becomes current: its crashed container is there', async () => {
    await term.run('cp prepared.txt copy.txt', /workshop.*# $/);
    await events.waitFor('fix-broken current', stepEvent('fix-broken', 'current'));
    const state = await sh(server, sandbox, "docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' broken");
    assert.equal(state.trim(), 'exited 1', 'the container the setup started, crashed');
    assert.equal(await setupRuns(), 'lesson\nfix-broken\n');
    const ran = lines.find((l) => l.msg === 'step setup ran');
    assert.ok(ran, 'a log line for the step\'s setup');
    assert.equal(ran.lesson, 'prepared');
    assert.equal(ran.step, 'fix-broken');
    assert.equal(ran.exitCode, 0);
    const p = await api('GET', '/api/lessons/prepared/progress');
    assert.equal(p.steps.find((s) => s.id === 'fix-broken')!.status, 'current');
  });

  it('runs each setup once per sandbox: reopening the lesson and reconnecting do not run them again', async () => {
    await api('POST', '/api/lessons/prepared/open');
    await api('POST', '/api/lessons/prepared/open');
    await api('POST', '/api/lessons/prepared/check');
    // A reconnecting page resumes the lesson on its event stream.
    const again = await EventStream.open(`${server.url}/api/session/events`, cookie);
    await again.waitFor('the progress on connect', (e) => e.event === 'progress');
    again.close();
    assert.equal(await setupRuns(), 'lesson\nfix-broken\n');
    assert.equal(lines.filter((l) => /setup ran$/.test(l.msg)).length, 2);
    const recorded = server.db.prepare('SELECT lesson, step, exit_code FROM setup_runs WHERE sandbox_id = ? ORDER BY started_at').all(sandbox);
    assert.deepEqual(recorded, [{ lesson: 'prepared', step: '', exit_code: 0 }, { lesson: 'prepared', step: 'fix-broken', exit_code: 0 }]);
  });

  it('never shows setup as the learner\'s commands: not in the terminal, its history, the prompts feed or the command store', async () => {
    await term.run('history -a; echo "history has $(wc -l < ~/.bash_history) lines"', /history has \d+ lines/);
    const history = await sh(server, sandbox, 'cat /root/.bash_history');
    assert.match(history, /cp prepared\.txt copy\.txt/, 'the learner\'s own command is in the history');
    const setupWords = /setup-runs|note\.txt > prepared|busybox false/;
    assert.doesNotMatch(history, setupWords);
    assert.doesNotMatch(plain(term.output), setupWords);
    assert.ok(prompts.some((p) => p.command === 'cp prepared.txt copy.txt'), 'the learner\'s command reached the prompts feed');
    assert.ok(prompts.every((p) => !setupWords.test(p.command)), JSON.stringify(prompts.map((p) => p.command)));
    const commands = new CommandStore(server.db).since(sandbox, 0).map((c) => c.command);
    assert.ok(commands.includes('cp prepared.txt copy.txt'));
    assert.ok(commands.every((c) => !setupWords.test(c)), JSON.stringify(commands));
  });

  it('tells the learner which step could not be prepared when its setup fails, logs it as an error, and the lesson goes on', async () => {
    const view = await api('POST', '/api/lessons/unprepared/open');
    assert.equal(view.steps[0]!.status, 'current');
    const told = await events.waitFor('a setup_failed notice', (e) => e.event === 'notice' && (e.data as SandboxNotice).kind === 'setup_failed');
    const notice = told.data as SandboxNotice;
    assert.equal(notice.sandbox, sandbox);
    assert.match(notice.message, /^This step \("Make a file named done"\) could not be prepared: `echo "the mirror has no such image" >&2; exit 7` exited with code 7: the mirror has no such image\./);
    // The session API has it too, for a page opened later.
    const session = await api<{ notices: SandboxNotice[] }>('GET', '/api/session');
    assert.ok(session.notices.some((n) => n.kind === 'setup_failed' && /This step \("Make a file named done"\) could not be prepared/.test(n.message)));
    const error = lines.find((l) => /^step setup failed/.test(l.msg));
    assert.ok(error, 'an error line in the log');
    assert.equal(error.level, 50);
    assert.equal(error.lesson, 'unprepared');
    assert.equal(error.step, 'make-file');
    assert.equal(error.exitCode, 7);
    assert.equal(await setupRuns(), 'lesson\nfix-broken\n', 'the command after the failing one did not run');
    // The step is still checked and turns done when its work is done.
    await term.run('touch done', /workshop.*# $/);
    await events.waitFor('make-file done', stepEvent('make-file', 'done'));
    // Opened again, a failed setup is not run again either.
    await api('POST', '/api/lessons/unprepared/open');
    assert.equal(lines.filter((l) => /^step setup failed/.test(l.msg)).length, 1);
  });

  it('runs the setups again in a fresh sandbox after a reset', async () => {
    const reset = await api<{ sandbox: { id: string } }>('POST', '/api/session/sandbox/reset');
    assert.notEqual(reset.sandbox.id, sandbox);
    sandbox = reset.sandbox.id;
    await api('POST', '/api/lessons/prepared/open');
    assert.equal(await sh(server, sandbox, 'cat /root/workshop/prepared.txt'), 'from the starter files\n');
    // The step the learner is on (fix-broken, still not fixed) is prepared again too.
    assert.equal(await setupRuns(), 'lesson\nfix-broken\n');
    assert.equal((await sh(server, sandbox, "docker inspect -f '{{.State.Status}}' broken")).trim(), 'exited');
  });
});

describe('setup ahead, in sandboxes warmed for a workshop', () => {
  let server: TestServer;
  let lines: LogLine[];
  before(async () => {
    ({ server, lines } = await startLoggedServer());
  });
  after(async () => server && stopAndClean(server));

  it('runs the workshop\'s first lesson\'s setup in a pooled sandbox, and not again when a learner opens the lesson there', async () => {
    const { workshop } = await startedWorkshop(server, { title: 'Fix it', lessons: ['prepared'], expectedSize: 1, sessionMinutes: 60 });
    const deadline = Date.now() + 120_000;
    while (!lines.some((l) => l.msg === 'lesson setup ran') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const ran = lines.find((l) => l.msg === 'lesson setup ran');
    assert.ok(ran, 'the lesson\'s setup ran ahead');
    const pooled = String(ran.sandbox);
    assert.equal(server.manager.store.get(pooled)?.state, 'pooled', 'it ran while the sandbox waited in the pool');
    assert.equal(await sh(server, pooled, 'cat /root/workshop/prepared.txt'), 'from the starter files\n');
    const joined = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name: 'Ada' } });
    assert.equal(joined.status, 200, joined.text);
    const cookie = joined.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
    const opened = await call(server, 'POST', '/api/lessons/prepared/open', { cookie });
    assert.equal(opened.status, 200, opened.text);
    const session = await call(server, 'GET', '/api/session', { cookie });
    assert.equal(session.body.sandbox.id, pooled, 'the learner got the warmed sandbox');
    assert.equal(await sh(server, pooled, 'cat /root/setup-runs'), 'lesson\n', 'opening the lesson did not run its setup again');
  });
});

describe('lessons:verify with setups', () => {
  after(() => removeLessonsVerifyNetwork('verify-s'));
  const verify = (...args: string[]) =>
    new Promise<{ code: number; lines: string[] }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'sandbox-server', 'checks', 'verify-main.ts'), '--lessons-dir', 'tests/fixtures/lessons-setup', '--settle-seconds', '10', '--instance', 'verify-s', ...args], { cwd: ROOT, timeout: 600_000 }, (err, stdout) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, lines: stdout.trim().split('\n') });
      });
    });

  it('runs the lesson\'s setup, then each step\'s before it, then proves fail-before and pass-after; a failing setup is named', async () => {
    // The solutions fail without the setups (no prepared.txt to copy, no container to wait for).
    const { code, lines } = await verify();
    const text = lines.join('\n');
    assert.equal(code, 1, text);
    assert.match(text, /^✓ prepared › copy-note: fails before, passes after/m);
    assert.match(text, /^✓ prepared › fix-broken: fails before, passes after/m);
    assert.match(text, /^✗ unprepared › make-file: its setup failed: `echo "the mirror has no such image" >&2; exit 7` exited with code 7: the mirror has no such image/m);
    assert.equal(lines.at(-1), '2 passed, 1 failed');
  });
});
