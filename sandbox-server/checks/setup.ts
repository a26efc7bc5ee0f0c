// Setup: the commands a lesson or a step declares (`setup:` in its frontmatter) to prepare the
// learner's sandbox, such as a crashing container for a fix-it step. They run through the
// driver's exec (the engine's exec API for a docker sandbox), never through the learner's
// shell: so they never show in the terminal, its history, the prompts feed or the `command`
// checks. Each setup runs at most once per sandbox (claimed in the store before it runs); what
// happened goes to the server log, and a failure also to the learner as a notice naming the step.
import type { SandboxNotice } from '../../contract/notices.js';
import type { Step } from '../../lessons/schema.js';
import type { LoadedLesson } from '../lessons/library.js';
import type { Logger } from '../log.js';
import type { ExecResult, SandboxDriver } from '../sandboxes/driver.js';
import { noticeText, type NoticeText } from '../sandboxes/notices.js';
import type { SetupRunStore } from '../store/setup-runs.js';

/** Longest one setup command may run: it may pull an image from the mirror first. */
export const SETUP_COMMAND_TIMEOUT_MS = 120_000;

export interface SetupOutcome {
  /** 0 when every command succeeded; else the failing command's code (-1: it could not run). */
  exitCode: number;
  ms: number;
  /** For a failure: the command and what it said, in words ("`false` exited with code 1"). */
  problem?: string;
  /** The failing command's output, for the log. */
  output?: string;
}

/** The last line a failing command printed, error output first. */
function lastLine(result: ExecResult): string {
  return (result.stderr.trim() || result.stdout.trim()).split('\n').at(-1)?.trim().slice(0, 300) ?? '';
}

/**
 * Runs setup commands one by one, each with bash in the sandbox's workspace and without a
 * terminal, stopping at the first that fails.
 */
export async function runSetupCommands(driver: SandboxDriver, sandboxId: string, commands: readonly string[], timeoutMs = SETUP_COMMAND_TIMEOUT_MS): Promise<SetupOutcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  for (const command of commands) {
    let result: ExecResult;
    try {
      result = await driver.exec(sandboxId, ['bash', '-c', command], { workdir: driver.workspaceOf(sandboxId), timeoutMs });
    } catch (err) {
      return { exitCode: -1, ms: ms(), problem: `\`${command}\` could not run (${(err as Error).message})` };
    }
    if (result.exitCode !== 0) {
      const said = lastLine(result);
      return {
        exitCode: result.exitCode,
        ms: ms(),
        problem: `\`${command}\` exited with code ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}${said ? `: ${said}` : ''}`,
        output: `${result.stdout}${result.stderr}`.slice(-2000),
      };
    }
  }
  return { exitCode: 0, ms: ms() };
}

export interface LessonSetupDeps {
  driver: SandboxDriver;
  runs: SetupRunStore;
  log: Logger;
  /** Tells the sandbox's learner (if it has one) that a setup failed. */
  notify: (notice: SandboxNotice) => void;
}

export class LessonSetup {
  /** Setups under way, by sandbox, lesson and step: a second caller waits for the first. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly deps: LessonSetupDeps) {}

  /**
   * Runs the lesson's setup (no step) or the step's in this sandbox, unless it was run (or
   * started) there before; resolves once it has run. Never throws: a failure is logged and told.
   */
  async ensure(sandboxId: string, loaded: LoadedLesson, step?: Step): Promise<void> {
    const commands = step ? step.setup : loaded.lesson.setup;
    if (!commands?.length) return;
    const key = `${sandboxId}\n${loaded.slug}\n${step?.id ?? ''}`;
    const under = this.running.get(key);
    if (under) return under;
    if (!this.deps.runs.claim(sandboxId, loaded.slug, step?.id ?? '')) return;
    const run = this.run(sandboxId, loaded, step, commands).finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  /** Waits for the setups under way (the server stopping). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  private async run(sandboxId: string, loaded: LoadedLesson, step: Step | undefined, commands: readonly string[]): Promise<void> {
    const outcome = await runSetupCommands(this.deps.driver, sandboxId, commands);
    this.deps.runs.finish(sandboxId, loaded.slug, step?.id ?? '', outcome.exitCode, outcome.ms);
    const fields = { sandbox: sandboxId, lesson: loaded.slug, step: step?.id ?? null, exitCode: outcome.exitCode, ms: outcome.ms };
    if (!outcome.problem) {
      this.deps.log.info(fields, step ? 'step setup ran' : 'lesson setup ran');
      return;
    }
    this.deps.log.error({ ...fields, problem: outcome.problem, output: outcome.output }, step ? `step setup failed: ${outcome.problem}` : `lesson setup failed: ${outcome.problem}`);
    const what = step ? `This step ("${step.title}")` : `This lesson ("${loaded.lesson.title}")`;
    const text: NoticeText = noticeText.setupFailed(what, outcome.problem);
    this.deps.notify({ kind: 'setup_failed', sandbox: sandboxId, at: Date.now(), ...text });
  }
}
