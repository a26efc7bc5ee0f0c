// Runs `npm run lessons:verify` over some of the lessons in lessons/ and asserts that every step
// and every alternative of each passed: the curriculum tests split the lessons in parts, each
// file within the suite's time for one file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const lessonsDir = path.join(root, 'lessons');

export interface LessonFolder {
  folder: string;
  slug: string;
  steps: number;
  alternatives: number;
}

/** Every lesson folder with an index.mdx, in order, with what lessons:verify must count as passed. */
export function lessonFolders(): LessonFolder[] {
  return fs
    .readdirSync(lessonsDir)
    .sort()
    .filter((folder) => fs.existsSync(path.join(lessonsDir, folder, 'index.mdx')))
    .map((folder) => {
      const frontmatter = /^---\n([\s\S]*?)\n---/.exec(fs.readFileSync(path.join(lessonsDir, folder, 'index.mdx'), 'utf8'))![1]!;
      const { slug, steps } = parse(frontmatter) as { slug?: string; steps: Array<{ alternatives?: unknown[] }> };
      return {
        folder,
        // The default slug: the folder name without its leading number.
        slug: slug ?? folder.replace(/^\d+-/, '').toLowerCase(),
        steps: steps.length,
        alternatives: steps.reduce((sum, step) => sum + (step.alternatives?.length ?? 0), 0),
      };
    });
}

const proofs = (l: LessonFolder) => l.steps + l.alternatives;

/**
 * The half of the lessons this part verifies, in folder order: the first half is the longest run
 * of lessons from the start that holds at most half of all proofs (steps and alternatives).
 */
export function half(which: 1 | 2): LessonFolder[] {
  const all = lessonFolders();
  const total = all.reduce((sum, l) => sum + proofs(l), 0);
  let middle = 0;
  for (let sum = 0; middle < all.length - 1 && sum + proofs(all[middle]!) <= total / 2; middle++) sum += proofs(all[middle]!);
  middle = Math.max(middle, 1);
  return which === 1 ? all.slice(0, middle) : all.slice(middle);
}

/** Each half runs as an installation of its own: the two may run side by side. */
export const CURRICULUM_INSTANCE = { 1: 'verify-c1', 2: 'verify-c2' } as const;

/**
 * Sandboxes at a time. Much of a run is spent waiting (restart policies, health checks, `docker
 * stop`), so four keep two cores busy; more finished no sooner (measured on the second half:
 * 366 s with two lessons at a time, 213 s with four runs, 214 s with six).
 */
const VERIFY_JOBS = 4;

export async function verifyLessons(lessons: LessonFolder[], instance: string): Promise<void> {
  const steps = lessons.reduce((sum, l) => sum + l.steps, 0);
  const alternatives = lessons.reduce((sum, l) => sum + l.alternatives, 0);
  const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
    const args = ['--import', 'tsx', path.join(root, 'sandbox-server', 'checks', 'verify-main.ts'), ...lessons.map((l) => l.slug), '--jobs', String(VERIFY_JOBS), '--instance', instance];
    execFile(process.execPath, args, { cwd: root, timeout: 1_500_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? 1 : 0, out: `${stdout}\n${stderr.split('\n').filter((l) => !l.startsWith('… ')).join('\n')}` }),
    );
  });
  assert.equal(code, 0, out);
  assert.match(out, new RegExp(`^${steps + alternatives} passed, 0 failed$`, 'm'), `expected ${steps} steps and ${alternatives} alternatives of ${lessons.map((l) => l.slug).join(', ')} to pass\n${out}`);
}
