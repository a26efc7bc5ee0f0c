// Proves a lesson's checks: in a fresh sandbox, for each step in order, its checks must fail,
// then its solution runs, then its checks must pass. A check that passes before its step can't
// tell whether the learner did anything; one that fails after the solution would never turn
// green. One line per step; the caller prints the summary.
import crypto from 'node:crypto';
import type { Step } from '../../lessons/schema.js';
import type { LessonLibrary, LoadedLesson } from '../lessons/library.js';
import { starterFilesTar } from '../lessons/starter-files.js';
import type { SandboxDriver } from '../sandboxes/driver.js';
import type { ShellCommand } from '../store/commands.js';
import { createContext } from './context.js';
import { evaluateStep } from './evaluate.js';
import type { StepResult } from './result.js';

export interface VerifyOptions {
  driver: SandboxDriver;
  library: LessonLibrary;
  /** Only these lessons (slugs); all when empty. */
  only?: string[];
  /** Where result lines go. */
  out: (line: string) => void;
  /** How long a step's checks may take to pass after its solution ran. */
  settleMs?: number;
  /** Longest a single solution command may run (image builds, pulls). */
  commandTimeoutMs?: number;
  /** Told about each sandbox while it exists, so an interrupted run can remove it. */
  track?: (sandboxId: string, alive: boolean) => void;
}

export interface VerifySummary {
  passed: number;
  failed: number;
}

const POLL_MS = 300;

export async function verifyLessons(options: VerifyOptions): Promise<VerifySummary> {
  const summary: VerifySummary = { passed: 0, failed: 0 };
  const only = options.only ?? [];
  const problems = options.library.problems();
  for (const problem of problems) {
    options.out(`✗ ${problem.message.replace(/\n/g, '\n    ')}`);
    summary.failed++;
  }
  const lessons = options.library.list().filter((l) => only.length === 0 || only.includes(l.slug));
  for (const slug of only.filter((s) => !lessons.some((l) => l.slug === s))) {
    if (problems.length) continue; // Most likely one of the files above.
    options.out(`✗ ${slug}: no such lesson in ${options.library.dir}`);
    summary.failed++;
  }
  for (const lesson of lessons) {
    const result = await verifyLesson(lesson, options);
    summary.passed += result.passed;
    summary.failed += result.failed;
  }
  return summary;
}

async function verifyLesson(loaded: LoadedLesson, options: VerifyOptions): Promise<VerifySummary> {
  const { driver, out } = options;
  const summary: VerifySummary = { passed: 0, failed: 0 };
  const id = `sbx-verify-${crypto.randomBytes(4).toString('hex')}`;
  options.track?.(id, true);
  try {
    await driver.create(id);
  } catch (err) {
    out(`✗ ${loaded.slug}: could not create a sandbox: ${(err as Error).message}`);
    options.track?.(id, false);
    return { passed: 0, failed: loaded.lesson.steps.length };
  }
  try {
    if (loaded.filesDir) await driver.copyIn(id, starterFilesTar(loaded.filesDir));
    const commands: ShellCommand[] = [];
    const history = { since: (_id: string, since: number) => commands.filter((c) => c.at >= since) };
    const openedAt = Date.now();
    let cwd = driver.workspace;
    for (const step of loaded.lesson.steps) {
      const evaluate = () => evaluateStep(step, createContext({ driver, history }, id, openedAt));
      const started = Date.now();
      const name = `${loaded.slug} › ${step.id}`;
      const problems: string[] = [];

      const before = await evaluate();
      if (before.passed) problems.push(`passes before its solution ran (${before.message}) — it cannot tell whether the learner did the step`);

      const ran = await runSolution(driver, id, step, cwd, commands, options.commandTimeoutMs ?? 300_000);
      cwd = ran.cwd;
      if (ran.problem) problems.push(ran.problem);

      const after = ran.problem ? await evaluate() : await settle(evaluate, options.settleMs ?? 90_000);
      if (!after.passed) problems.push(`${ran.problem ? 'fails' : 'still fails'} after its solution: ${failure(after)}`);

      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (problems.length) {
        summary.failed++;
        out(`✗ ${name}: ${problems.join('; ')} (${seconds} s)`);
      } else {
        summary.passed++;
        out(`✓ ${name}: fails before, passes after its solution (${seconds} s)`);
      }
    }
  } catch (err) {
    out(`✗ ${loaded.slug}: ${(err as Error).message}`);
    summary.failed++;
  } finally {
    await driver.destroy(id).catch(() => undefined);
    options.track?.(id, false);
  }
  return summary;
}

function failure(result: StepResult): string {
  return result.checks.filter((c) => !c.passed).map((c) => c.message).join(' ') || result.message;
}

async function settle(evaluate: () => Promise<StepResult>, timeoutMs: number): Promise<StepResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await evaluate();
    if (result.passed || Date.now() >= deadline) return result;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Runs the solution's commands one by one, as a learner would type them: in the workspace,
 * keeping the folder a `cd` moved to, each recorded in the command history (`command` checks
 * read it). No terminal: an interactive `-it` command fails here.
 */
async function runSolution(driver: SandboxDriver, id: string, step: Step, cwd: string, commands: ShellCommand[], timeoutMs: number): Promise<{ cwd: string; problem?: string }> {
  const marker = `--slipway-cwd-${crypto.randomBytes(4).toString('hex')}--`;
  for (const command of step.solution) {
    const script = `cd "$SLIPWAY_CWD" 2>/dev/null\n${command}\n__slipway_rc=$?\nprintf '\\n${marker}%s\\n' "$PWD" >&2\nexit $__slipway_rc\n`;
    const result = await driver.exec(id, ['bash', '-c', script], { env: [`SLIPWAY_CWD=${cwd}`], timeoutMs });
    const at = new RegExp(`\\n${marker}(.*)\\n`).exec(result.stderr);
    if (at) cwd = at[1]!;
    commands.push({ command, exitCode: result.exitCode, at: Date.now() });
    if (result.exitCode !== 0) {
      const said = result.stderr.replace(new RegExp(`\\n${marker}.*\\n`), '').trim().split('\n').at(-1) ?? '';
      return { cwd, problem: `its solution command \`${command}\` exited with code ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}${said ? `: ${said}` : ''}` };
    }
  }
  return { cwd };
}
