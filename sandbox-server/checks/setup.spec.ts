// Setup without an engine: the schema takes `setup:` on a lesson and on a step (and refuses an
// empty one or an empty command); a setup runs its commands in order through exec (in the
// workspace, stopping at the first that fails), at most once per sandbox and lesson or step even
// when asked twice at once, and again in another sandbox; a failure is logged with the lesson,
// step, exit code and duration, and told as a notice naming the step.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import type { SandboxNotice } from '../../contract/notices.js';
import { lessonSchema } from '../../lessons/schema.js';
import type { LoadedLesson } from '../lessons/library.js';
import { FakeSandboxDriver } from '../sandboxes/fake/driver.js';
import { openDatabase } from '../store/database.js';
import { SetupRunStore } from '../store/setup-runs.js';
import { LessonSetup } from './setup.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-setup-'));
const db = openDatabase(dir);
after(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const step = (id: string, setup?: string[]) => ({ id, title: `Step ${id}`, checks: [{ kind: 'file', path: 'x' }], hints: ['h'], solution: ['touch x'], ...(setup ? { setup } : {}) });
const lessonData = { title: 'Fix it', description: 'A lesson with setups.', order: 1, setup: ['echo lesson > prepared.txt'], steps: [step('fix', ['docker run -d --name broken busybox false', 'echo second']), step('plain')] };

describe('setup in the lesson schema', () => {
  it('takes setup on the lesson and on a step, and leaves it out when absent', () => {
    const lesson = lessonSchema.parse(lessonData);
    assert.deepEqual(lesson.setup, ['echo lesson > prepared.txt']);
    assert.deepEqual(lesson.steps[0]!.setup, ['docker run -d --name broken busybox false', 'echo second']);
    assert.equal(lesson.steps[1]!.setup, undefined);
  });

  it('refuses an empty setup, an empty command and a setup that is not a list', () => {
    assert.throws(() => lessonSchema.parse({ ...lessonData, setup: [] }), /setup/);
    assert.throws(() => lessonSchema.parse({ ...lessonData, steps: [step('fix', [''])] }), /steps.*setup/s);
    assert.throws(() => lessonSchema.parse({ ...lessonData, setup: 'docker run busybox' }), /setup/);
  });
});

describe('LessonSetup', () => {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) }));
  const driver = new FakeSandboxDriver();
  const ran: Array<{ sandbox: string; command: string; workdir: string | undefined }> = [];
  let failing = '';
  driver.execHandler = async (id, command, options) => {
    ran.push({ sandbox: id, command: command.at(-1)!, workdir: options.workdir });
    await new Promise((r) => setTimeout(r, 20));
    return command.at(-1) === failing ? { exitCode: 3, stdout: '', stderr: 'first line\nno such thing\n', timedOut: false, truncated: false } : { exitCode: 0, stdout: '', stderr: '', timedOut: false, truncated: false };
  };
  const notices: SandboxNotice[] = [];
  const runs = new SetupRunStore(db);
  const setup = new LessonSetup({ driver, runs, log, notify: (n) => notices.push(n) });
  const loaded: LoadedLesson = { slug: 'fix-it', file: '/lessons/fix-it/index.mdx', lesson: lessonSchema.parse(lessonData), filesDir: undefined };
  const fix = loaded.lesson.steps[0]!;

  it('runs a setup once per sandbox, in order and in the workspace, even when asked twice at once', async () => {
    for (const id of ['sbx-a', 'sbx-b', 'sbx-c']) await driver.create(id);
    await Promise.all([setup.ensure('sbx-a', loaded), setup.ensure('sbx-a', loaded), setup.ensure('sbx-a', loaded, fix), setup.ensure('sbx-a', loaded, fix)]);
    await setup.ensure('sbx-a', loaded, fix);
    await setup.ensure('sbx-a', loaded, loaded.lesson.steps[1]);
    assert.deepEqual(
      ran.map((r) => r.command),
      ['echo lesson > prepared.txt', 'docker run -d --name broken busybox false', 'echo second'],
    );
    assert.ok(ran.every((r) => r.workdir === '/workspace'));
    assert.deepEqual(runs.of('sbx-a').map((r) => [r.lesson, r.step, r.exit_code]), [['fix-it', '', 0], ['fix-it', 'fix', 0]]);
    const logged = lines.filter((l) => l.msg === 'step setup ran');
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!.lesson, 'fix-it');
    assert.equal(logged[0]!.step, 'fix');
    assert.equal(logged[0]!.exitCode, 0);
    assert.equal(typeof logged[0]!.ms, 'number');
    // Another sandbox (a reset gives a new one) runs it again.
    await setup.ensure('sbx-b', loaded, fix);
    assert.deepEqual(ran.filter((r) => r.sandbox === 'sbx-b').map((r) => r.command), ['docker run -d --name broken busybox false', 'echo second']);
    assert.equal(notices.length, 0);
  });

  it('stops at the failing command, logs it as an error and tells the learner which step could not be prepared; it is not run again', async () => {
    failing = 'docker run -d --name broken busybox false';
    ran.length = 0;
    await setup.ensure('sbx-c', loaded, fix);
    await setup.ensure('sbx-c', loaded, fix);
    assert.deepEqual(ran.map((r) => r.command), ['docker run -d --name broken busybox false'], 'the command after the failing one does not run, and nothing runs twice');
    const error = lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('step setup failed'))!;
    assert.ok(error, 'an error line in the log');
    assert.equal(error.level, 50);
    assert.equal(error.step, 'fix');
    assert.equal(error.exitCode, 3);
    assert.match(String(error.msg), /`docker run -d --name broken busybox false` exited with code 3: no such thing/);
    assert.equal(notices.length, 1);
    assert.equal(notices[0]!.kind, 'setup_failed');
    assert.equal(notices[0]!.sandbox, 'sbx-c');
    assert.match(notices[0]!.message, /^This step \("Step fix"\) could not be prepared: `docker run -d --name broken busybox false` exited with code 3: no such thing\./);
    assert.equal(runs.get('sbx-c', 'fix-it', 'fix')?.exit_code, 3);
  });
});
