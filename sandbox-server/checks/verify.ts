// Proves a lesson's checks. The first run, in a fresh sandbox, takes each step in order: its
// checks must fail, then its solution runs, then its checks must pass. A check that passes
// before its step can't tell whether the learner did anything; one that fails after the
// solution would never turn green. Then, for k = 1, 2, ..., one more run per fresh sandbox does
// every step again, with alternative k of each step that has one and the solution elsewhere:
// each alternative must fail before and pass after as well, from the state a learner who took
// it (and took the other alternatives k before it) would be in. One line per step and per
// alternative; the caller prints the summary. Setups run as they do for a learner: the lesson's
// after its starter files, each step's before the step's checks are first looked at; none of
// their commands is recorded as the learner's.
import crypto from 'node:crypto';
import type { Step } from '../../lessons/schema.js';
import type { LessonLibrary, LoadedLesson } from '../lessons/library.js';
import { starterFilesTar } from '../lessons/starter-files.js';
import type { SandboxDriver } from '../sandboxes/driver.js';
import type { ShellCommand } from '../store/commands.js';
import { createContext } from './context.js';
import { evaluateStep } from './evaluate.js';
import type { StepResult } from './result.js';
import { runSetupCommands } from './setup.js';

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
  /**
   * How many runs (each in a sandbox of its own) go at the same time (default 1). Above 1, each
   * lesson's lines are written together once all its runs are done, so they never interleave.
   */
  jobs?: number;
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
  // Runs, not lessons, are what share the machine: a lesson's runs for its alternatives are
  // independent of each other (each has a fresh sandbox), so they may go side by side, and a
  // lesson with many alternatives no longer keeps one place busy while the others stand idle.
  const runs = lessons.flatMap((lesson) => Array.from({ length: runCount(lesson) }, (_, alternative) => ({ lesson, alternative })));
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, runs.length));
  // Above one job, each lesson's lines are held until all its runs are done, then written in run
  // order: never interleaved with another lesson's, and the same order whatever finished first.
  const held = new Map(lessons.map((lesson) => [lesson.slug, { left: runCount(lesson), lines: [] as string[][] }]));
  const waiting = [...runs];
  const worker = async () => {
    for (let next = waiting.shift(); next; next = waiting.shift()) {
      const { lesson, alternative } = next;
      const lines: string[] = [];
      const out = jobs === 1 ? options.out : (line: string) => lines.push(line);
      const result = await verifyRun(lesson, alternative, { ...options, out });
      summary.passed += result.passed;
      summary.failed += result.failed;
      const lessonLines = held.get(lesson.slug)!;
      lessonLines.lines[alternative] = lines;
      if (--lessonLines.left === 0) lessonLines.lines.flat().forEach((line) => options.out(line));
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  return summary;
}

/** The solutions' run, and one run per alternative index that some step has. */
function runCount(loaded: LoadedLesson): number {
  return 1 + Math.max(0, ...loaded.lesson.steps.map((s) => s.alternatives?.length ?? 0));
}

/** What one run does at a step: which commands, and whether the step is being proven. */
interface Plan {
  commands: string[];
  /** Proven (reported): every step in the solutions' run, and the steps taking an alternative. */
  proving: boolean;
  /** How the step is named in result lines. */
  name: string;
  /** What ran, in result lines: "its solution" or "it". */
  what: string;
}

/** `alternative` 0 is the solutions' run; k > 0 takes each step's alternative k where it has one. */
function plan(slug: string, step: Step, alternative: number): Plan {
  const chosen = alternative > 0 ? step.alternatives?.[alternative - 1] : undefined;
  if (chosen) return { commands: chosen, proving: true, name: `${slug} › ${step.id} (alternative ${alternative})`, what: 'it' };
  return {
    commands: step.solution,
    proving: alternative === 0,
    name: alternative === 0 ? `${slug} › ${step.id}` : `${slug} › ${step.id} (its solution, in the run for alternatives ${alternative})`,
    what: 'its solution',
  };
}

async function verifyRun(loaded: LoadedLesson, alternative: number, options: VerifyOptions): Promise<VerifySummary> {
  const { driver, out } = options;
  const summary: VerifySummary = { passed: 0, failed: 0 };
  const plans = loaded.lesson.steps.map((step) => ({ step, ...plan(loaded.slug, step, alternative) }));
  const runName = alternative === 0 ? loaded.slug : `${loaded.slug} (alternatives ${alternative})`;
  const id = `sbx-verify-${crypto.randomBytes(4).toString('hex')}`;
  options.track?.(id, true);
  try {
    await driver.create(id);
    // Setups and checks look at the engine at once: no learner's reading time to start it in.
    await driver.capabilities.deferredEngine?.start(id);
  } catch (err) {
    out(`✗ ${runName}: could not create a sandbox: ${(err as Error).message}`);
    options.track?.(id, false);
    return { passed: 0, failed: plans.filter((p) => p.proving).length };
  }
  try {
    if (loaded.filesDir) await driver.copyIn(id, starterFilesTar(loaded.filesDir));
    if (loaded.lesson.setup) {
      const setup = await runSetupCommands(driver, id, loaded.lesson.setup);
      if (setup.problem) throw new Error(`the lesson's setup failed: ${setup.problem}`);
    }
    const commands: ShellCommand[] = [];
    const history = { since: (_id: string, since: number) => commands.filter((c) => c.at >= since) };
    const openedAt = Date.now();
    let cwd = driver.workspace;
    for (const { step, commands: toRun, proving, name, what } of plans) {
      const evaluate = () => evaluateStep(step, createContext({ driver, history }, id, openedAt));
      const started = Date.now();
      const problems: string[] = [];

      if (step.setup) {
        const setup = await runSetupCommands(driver, id, step.setup);
        if (setup.problem) problems.push(`its setup failed: ${setup.problem}`);
      }

      if (proving) {
        const before = await evaluate();
        if (before.passed) problems.push(`passes before ${what} ran (${before.message}) — it cannot tell whether the learner did the step`);
      }

      const ran = await runCommands(driver, id, toRun, cwd, commands, options.commandTimeoutMs ?? 300_000);
      cwd = ran.cwd;
      if (ran.problem) problems.push(`${what === 'it' ? 'its' : what} command ${ran.problem}`);

      const after = ran.problem ? await evaluate() : await settle(evaluate, options.settleMs ?? 90_000);
      if (!after.passed) problems.push(`${ran.problem ? 'fails' : 'still fails'} after ${what}: ${failure(after)}`);

      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (problems.length) {
        summary.failed++;
        out(`✗ ${name}: ${problems.join('; ')} (${seconds} s)`);
      } else if (proving) {
        summary.passed++;
        out(`✓ ${name}: fails before, passes after${what === 'it' ? '' : ` ${what}`} (${seconds} s)`);
      }
    }
  } catch (err) {
    out(`✗ ${runName}: ${(err as Error).message}`);
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
 * Runs a step's commands one by one, as a learner would type them: in the workspace, keeping
 * the folder a `cd` moved to, each recorded in the command history (`command` checks read it).
 * No terminal: an interactive `-it` command fails here. The problem, if any, reads after
 * "its command" in a result line.
 */
async function runCommands(driver: SandboxDriver, id: string, toRun: string[], cwd: string, commands: ShellCommand[], timeoutMs: number): Promise<{ cwd: string; problem?: string }> {
  const marker = `--slipway-cwd-${crypto.randomBytes(4).toString('hex')}--`;
  for (const command of toRun) {
    const script = `cd "$SLIPWAY_CWD" 2>/dev/null\n${command}\n__slipway_rc=$?\nprintf '\\n${marker}%s\\n' "$PWD" >&2\nexit $__slipway_rc\n`;
    const result = await driver.exec(id, ['bash', '-c', script], { env: [`SLIPWAY_CWD=${cwd}`], timeoutMs });
    const at = new RegExp(`\\n${marker}(.*)\\n`).exec(result.stderr);
    if (at) cwd = at[1]!;
    commands.push({ command, exitCode: result.exitCode, at: Date.now() });
    if (result.exitCode !== 0) {
      const said = result.stderr.replace(new RegExp(`\\n${marker}.*\\n`), '').trim().split('\n').at(-1) ?? '';
      return { cwd, problem: `\`${command}\` exited with code ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}${said ? `: ${said}` : ''}` };
    }
  }
  return { cwd };
}
