// `npm run lessons:verify`, run as a learner's author would: it passes on the fixture lessons
// (every step fails before its solution and passes after, and so does every alternative), and
// fails, saying why, on lessons that are broken on purpose.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { removeLessonsVerifyNetwork } from '../support/server.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** This file's own installation, so that other files verifying lessons may run beside it. */
const INSTANCE = 'verify-t';

function verify(...args: string[]): Promise<{ code: number; lines: string[]; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(root, 'sandbox-server', 'checks', 'verify-main.ts'), '--instance', INSTANCE, ...args], { cwd: root, timeout: 600_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, lines: stdout.trim().split('\n'), stderr });
    });
  });
}

describe('lessons:verify', () => {
  after(() => removeLessonsVerifyNetwork(INSTANCE));

  it('proves the fixture lessons step by step, and each alternative in a run of its own; all three runs side by side, each lesson\'s lines kept together in run order', async () => {
    const { code, lines, stderr } = await verify('--lessons-dir', 'tests/fixtures/lessons', '--jobs', '3');
    assert.equal(code, 0, `${lines.join('\n')}\n${stderr}`);
    const steps = lines.filter((l) => /^[✓✗] /.test(l)).map((l) => l.split(':')[0]!);
    const first = [
      'first-container › run-ticker',
      'first-container › list-all',
      'first-container › serve-site',
      'first-container › edit-page',
      'first-container › clean-up',
      // The run for alternative 1 reports only the steps that have one, after the solutions' run
      // even when it ended first.
      'first-container › list-all (alternative 1)',
      'first-container › serve-site (alternative 1)',
    ].map((s) => `✓ ${s}`);
    const second = ['build-and-compose › build', 'build-and-compose › up', 'build-and-compose › down'].map((s) => `✓ ${s}`);
    // Whichever lesson ends first is written first, each in one piece.
    assert.deepEqual(steps, steps[0] === first[0] ? [...first, ...second] : [...second, ...first]);
    assert.match(lines.join('\n'), /^✓ first-container › serve-site \(alternative 1\): fails before, passes after \(\d+\.\d s\)$/m);
    assert.equal(lines.at(-1), '10 passed, 0 failed');
  });

  it('verifies only the lessons named', async () => {
    const { code, lines } = await verify('--lessons-dir', 'tests/fixtures/lessons', 'build-and-compose');
    assert.equal(code, 0, lines.join('\n'));
    assert.equal(lines.at(-1), '3 passed, 0 failed');
    const missing = await verify('--lessons-dir', 'tests/fixtures/lessons', 'no-such-lesson');
    assert.equal(missing.code, 1);
    assert.match(missing.lines.join('\n'), /✗ no-such-lesson: no such lesson/);
  });

  it('fails on a check that cannot fail, a solution or an alternative that does not pass, and an invalid file', async () => {
    const { code, lines } = await verify('--lessons-dir', 'tests/fixtures/lessons-broken', '--settle-seconds', '3');
    const text = lines.join('\n');
    assert.equal(code, 1, text);
    assert.match(text, /^✗ cannot-fail › always-green: passes before its solution ran \(\/etc\/hostname exists\.\) — it cannot tell whether the learner did the step/m);
    assert.match(text, /^✗ cannot-fail › never-green: still fails after its solution: No running container named 'never' — one with that name was created but never started\b/m);
    assert.match(text, /^✗ tests\/fixtures\/lessons-broken\/invalid\/index\.mdx:11: steps\[0\]\.checks\[0\]\.state: Invalid enum value/m);
    // Its solution passes; its alternative starts nothing, and is reported on its own line.
    assert.match(text, /^✓ bad-alternative › start-server: fails before, passes after its solution/m);
    assert.match(text, /^✗ bad-alternative › start-server \(alternative 1\): still fails after it: No running container named 'alt' — one with that name was created but never started\b/m);
    assert.equal(lines.at(-1), '1 passed, 4 failed');
  });
});
