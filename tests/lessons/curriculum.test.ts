// The curriculum proves itself: `npm run lessons:verify` over lessons/ — every step of every
// lesson fails before its solution and passes after it, and so does every alternative way a
// step lists, each in a fresh real sandbox. Two lessons are verified at a time, to stay within
// the suite's time for one file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { removeLessonsVerifyNetwork } from '../support/server.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const lessonsDir = path.join(root, 'lessons');

/** Steps and alternatives in the lessons' frontmatter: what lessons:verify must count as passed. */
function proofCount(): { lessons: number; steps: number; alternatives: number } {
  const total = { lessons: 0, steps: 0, alternatives: 0 };
  for (const folder of fs.readdirSync(lessonsDir)) {
    const file = path.join(lessonsDir, folder, 'index.mdx');
    if (!fs.existsSync(file)) continue;
    const frontmatter = /^---\n([\s\S]*?)\n---/.exec(fs.readFileSync(file, 'utf8'))![1]!;
    const steps = (parse(frontmatter) as { steps: Array<{ alternatives?: unknown[] }> }).steps;
    total.lessons++;
    total.steps += steps.length;
    total.alternatives += steps.reduce((sum, step) => sum + (step.alternatives?.length ?? 0), 0);
  }
  return total;
}

describe('the curriculum', () => {
  after(() => removeLessonsVerifyNetwork());

  it('every lesson passes lessons:verify, with every alternative', async () => {
    const { lessons, steps, alternatives } = proofCount();
    assert.ok(lessons >= 8 && steps >= 8 * 5, `expected 8 lessons of at least 5 steps, found ${lessons} lessons and ${steps} steps`);
    assert.ok(alternatives > 0, 'expected the lessons to list alternatives');
    const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
      const args = ['--import', 'tsx', path.join(root, 'sandbox-server', 'checks', 'verify-main.ts'), '--jobs', '2'];
      execFile(process.execPath, args, { cwd: root, timeout: 1_200_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, out: `${stdout}\n${stderr.split('\n').filter((l) => !l.startsWith('… ')).join('\n')}` }),
      );
    });
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(`^${steps + alternatives} passed, 0 failed$`, 'm'), `expected ${steps} steps and ${alternatives} alternatives to pass\n${out}`);
  });
});
