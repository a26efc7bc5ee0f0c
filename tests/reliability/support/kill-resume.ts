// The kill -9 scenario shared by tests/reliability/restart.test.ts and bench/restart.soak.ts:
// learners in the middle of a lesson (session, sandbox, open terminal, a finished step), the
// server process killed with SIGKILL, started again on the same data folder and port; then each
// learner's page reconnects as a browser would, and we look at what it finds.
import { census, type LeakCensus } from './leak-count.js';
import { FIXTURE_LESSON as LESSON, FIXTURE_LESSONS_DIR, Learner } from './learner.js';
import { removeInstance, startServerProcess, waitForPool, type ServerProcess } from './process-server.js';

export interface LearnerOutcome {
  learner: number;
  /** The session holds the same sandbox after the restart. */
  sameSandbox: boolean;
  /** The step finished before the kill is still done. */
  progressKept: boolean;
  /** The terminal re-attached to that sandbox and ran a typed command. */
  terminalAnswers: boolean;
  /** A step finished after the restart turned done on the event stream (checks follow the sandbox again). */
  checksResumed: boolean;
  problem?: string;
}

export interface KillResumeResult {
  outcomes: LearnerOutcome[];
  /** Learners for whom every item above holds, in percent. */
  resumedPct: number;
  /** From SIGKILL to the restarted server answering. */
  restartMs: number;
  /** What was left over once every learner was back, with one terminal each open. */
  after: LeakCensus;
}

export interface KillResumeOptions {
  /** The caller's own SLIPWAY_INSTANCE. */
  instance: string;
  learners: number;
  log?: (line: string) => void;
}

export async function killAndResume(options: KillResumeOptions): Promise<KillResumeResult> {
  const { instance, learners: count } = options;
  const log = options.log ?? (() => undefined);
  const env = {
    SLIPWAY_INSTANCE: instance,
    SLIPWAY_LESSONS_DIR: FIXTURE_LESSONS_DIR,
    // Pre-warmed, as an instructor does before class.
    SLIPWAY_POOL_SIZE: String(count),
    SLIPWAY_MAX_SANDBOXES: String(count * 2 + 2),
    SLIPWAY_SANDBOX_MEMORY: '512m',
  };
  let server: ServerProcess | undefined = await startServerProcess({ env });
  const { dataDir, port } = server;
  const learners: Learner[] = [];
  try {
    log(`server ${server.pid} on port ${port}; warming ${count} sandboxes`);
    await waitForPool(server.url, count);
    const before = await Promise.all(
      Array.from({ length: count }, async () => {
        const learner = await Learner.join(server!.url);
        learners.push(learner);
        await learner.openLesson(LESSON);
        const events = await learner.listen();
        const terminal = await learner.connectTerminal();
        await terminal.run('echo hello-classroom', /hello-classroom\r\n/);
        await events.done('say-hello');
        const sandbox = (await learner.session()).sandbox?.id;
        if (!sandbox) throw new Error('a learner has no sandbox before the kill');
        return { learner, sandbox, resume: { terminal: terminal.hello!.terminal, seq: terminal.seq } };
      }),
    );
    log(`${count} learners active; SIGKILL to ${server.pid}`);

    const killedAt = performance.now();
    await server.kill();
    server = await startServerProcess({ env, dataDir, port });
    const restartMs = performance.now() - killedAt;
    log(`restarted as ${server.pid} in ${Math.round(restartMs)} ms`);
    for (const { learner } of before) await learner.leave().catch(() => undefined);

    const outcomes = await Promise.all(
      before.map(async ({ learner: old, sandbox, resume }, index): Promise<LearnerOutcome> => {
        const outcome: LearnerOutcome = { learner: index, sameSandbox: false, progressKept: false, terminalAnswers: false, checksResumed: false };
        const learner = old.on(server!.url);
        learners[index] = learner;
        try {
          outcome.sameSandbox = (await learner.session()).sandbox?.id === sandbox;
          const progress = await learner.progress(LESSON);
          outcome.progressKept = progress.steps.find((s) => s.id === 'say-hello')?.status === 'done';
          // The page reconnects its event stream and its terminal, asking to resume the old one.
          const events = await learner.listen();
          const terminal = await learner.connectTerminal(resume);
          if (terminal.hello?.sandboxId !== sandbox) throw new Error(`the terminal opened on ${terminal.hello?.sandboxId}, not ${sandbox}`);
          await terminal.run(`echo resumed-$((${index} + 1000))`, new RegExp(`resumed-${index + 1000}\\r\\n`));
          outcome.terminalAnswers = true;
          await terminal.run('ls -la', /total \d+/);
          await events.done('list-files');
          outcome.checksResumed = true;
        } catch (err) {
          outcome.problem = (err as Error).message.slice(0, 500);
        }
        return outcome;
      }),
    );
    const after = await census({ instance, dataDir, terminalsPerLearner: 1 });
    const resumed = outcomes.filter((o) => o.sameSandbox && o.progressKept && o.terminalAnswers && o.checksResumed).length;
    return { outcomes, resumedPct: (100 * resumed) / count, restartMs, after };
  } catch (err) {
    throw new Error(`${(err as Error).message}\nserver output:\n${server?.log().slice(-3000)}`);
  } finally {
    await Promise.all(learners.map((l) => l.leave().catch(() => undefined)));
    await server?.stop().catch(() => undefined);
    await removeInstance(instance, dataDir);
  }
}
