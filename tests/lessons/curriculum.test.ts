// The curriculum proves itself: `npm run lessons:verify` over lessons/ — every step of every
// lesson fails before its solution and passes after it, in a fresh real sandbox.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const lessonsDir = path.join(root, 'lessons');

function stepCount(): number {
  let total = 0;
  for (const folder of fs.readdirSync(lessonsDir)) {
    const file = path.join(lessonsDir, folder, 'index.mdx');
    if (!fs.existsSync(file)) continue;
    const frontmatter = /^---\n([\s\S]*?)\n---/.exec(fs.readFileSync(file, 'utf8'))![1]!;
    total += (parse(frontmatter) as { steps: unknown[] }).steps.length;
  }
  return total;
}

describe('the curriculum', () => {
  it('every lesson passes lessons:verify', async () => {
    const steps = stepCount();
    assert.ok(steps >= 8 * 5, `expected 8 lessons of at least 5 steps, found ${steps} steps`);
    const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', path.join(root, 'sandbox-server', 'checks', 'verify-main.ts')], { cwd: root, timeout: 1_200_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, out: `${stdout}\n${stderr.split('\n').filter((l) => !l.startsWith('… ')).join('\n')}` }),
      );
    });
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(`^${steps} passed, 0 failed$`, 'm'));
  });
});
