// The leak run shared by tests/reliability/leaks.test.ts and bench/leaks.soak.ts: learners reset
// their sandbox over and over as the lesson page does (close the terminal, reset, open the lesson
// again, open a terminal, type), and attach to and detach from their terminal over the real
// WebSocket; then what is left is counted against what should be: Docker objects, exec sessions
// and shells in the sandboxes, file descriptors and memory of the server process; and once the
// instance is removed, whatever the engine holds that it did not before the run, labelled or not.
import { leftoversSince, snapshotEngine, type Leftovers } from '../../support/leftovers.js';
import { sampleProcess, settledCensus, type LeakCensus } from './leak-count.js';
import { FIXTURE_LESSON as LESSON, FIXTURE_LESSONS_DIR, Learner } from './learner.js';
import { removeInstance, startServerProcess, waitForPool, type ServerProcess } from './process-server.js';

/** Short, so that detached shells end within the run; the grace path is part of what is measured. */
const GRACE_MS = 1000;
/** Every this many attach cycles, the next attach comes after the grace: the old shell was ended, a new one opens. */
const PAST_GRACE_EVERY = 20;
/** Every this many attach cycles (offset by half), the learner types exit: the shell ends by itself. */
const EXIT_EVERY = 20;
/** Every this many sandbox cycles (offset by half), the terminal is still attached when the sandbox goes. */
const SANDBOX_GONE_EVERY = 10;
const POOL = 2;
const MIB = 1024 * 1024;

export interface LeakRunOptions {
  /** The caller's own SLIPWAY_INSTANCE. */
  instance: string;
  /** Sandbox resets in all (each destroys one sandbox and takes another). */
  sandboxCycles: number;
  /** Terminal attach/detach cycles in all. */
  attachCycles: number;
  /** Learners working at once (sandbox creation is CPU-bound: at most 2). */
  concurrency?: number;
  /** Cycles of each kind run before the baseline is taken, so that caches and pools are warm. */
  warmup?: { sandboxCycles: number; attachCycles: number };
  log?: (line: string) => void;
}

export interface Quiet {
  fds: number;
  rssBytes: number;
  heapUsed: number;
}

export interface LeakRunResult {
  leftover: LeakCensus;
  /**
   * After the run and the removal of its instance: objects on the engine that were not there
   * before (anonymous volumes, networks, untagged images, containers), and any of the instance.
   */
  engine: Leftovers;
  baseline: Quiet;
  end: Quiet;
  /** Requests, frames or connections that failed during the cycles. */
  errors: string[];
  sandboxCycleMs: number[];
  attachCycleMs: number[];
}

export async function runLeakCycles(options: LeakRunOptions): Promise<LeakRunResult> {
  const { instance } = options;
  const log = options.log ?? (() => undefined);
  const concurrency = Math.min(2, options.concurrency ?? 2);
  const warmup = options.warmup ?? { sandboxCycles: concurrency, attachCycles: Math.min(20, options.attachCycles) };
  const engineBefore = await snapshotEngine();
  const server = await startServerProcess({
    env: {
      SLIPWAY_INSTANCE: instance,
      SLIPWAY_LESSONS_DIR: FIXTURE_LESSONS_DIR,
      SLIPWAY_POOL_SIZE: String(POOL),
      SLIPWAY_SANDBOX_MEMORY: '512m',
      SLIPWAY_TERMINAL_GRACE: `${GRACE_MS}ms`,
      // Each learner resets hundreds of times, far beyond what a person does: lift the per-session limit.
      SLIPWAY_RATE_SANDBOX: '100000/1m',
    },
    gcOnSignal: true,
  });
  const errors: string[] = [];
  const sandboxCycleMs: number[] = [];
  const attachCycleMs: number[] = [];
  const learners: Learner[] = [];
  let result: Omit<LeakRunResult, 'engine'>;
  try {
    log(`server ${server.pid}; warming the pool`);
    await waitForPool(server.url, POOL);
    for (let i = 0; i < concurrency; i++) {
      const learner = await Learner.join(server.url);
      await learner.openLesson(LESSON);
      learners.push(learner);
    }
    const attempt = async (what: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (err) {
        errors.push(`${what}: ${(err as Error).message.slice(0, 300)}`);
        log(`error in ${what}: ${(err as Error).message.slice(0, 300)}`);
      }
    };
    const sandboxCycles = (total: number, offset: number) =>
      Promise.all(
        learners.map(async (learner, w) => {
          for (let i = w; i < total; i += learners.length) {
            const started = performance.now();
            await attempt(`sandbox cycle ${offset + i}`, () => sandboxCycle(learner, offset + i));
            sandboxCycleMs.push(performance.now() - started);
            if ((offset + i + 1) % 50 === 0) log(`${offset + i + 1} sandbox cycles`);
          }
        }),
      );
    const attachCycles = (total: number, offset: number) =>
      Promise.all(
        learners.map(async (learner, w) => {
          for (let i = w; i < total; i += learners.length) {
            const n = offset + i;
            const started = performance.now();
            await attempt(`attach cycle ${n}`, () => attachCycle(learner, n));
            attachCycleMs.push(performance.now() - started);
            if (n % PAST_GRACE_EVERY === PAST_GRACE_EVERY - 1) await sleep(GRACE_MS * 1.5);
          }
        }),
      );

    await sandboxCycles(warmup.sandboxCycles, 0);
    await attachCycles(warmup.attachCycles, 0);
    const baseline = await quiet(server, learners);
    log(`baseline: ${baseline.fds} fds, ${(baseline.rssBytes / MIB).toFixed(1)} MiB RSS, ${(baseline.heapUsed / MIB).toFixed(1)} MiB heap`);

    await sandboxCycles(options.sandboxCycles - warmup.sandboxCycles, warmup.sandboxCycles);
    await attachCycles(options.attachCycles - warmup.attachCycles, warmup.attachCycles);
    const end = await quiet(server, learners);
    log(`end: ${end.fds} fds, ${(end.rssBytes / MIB).toFixed(1)} MiB RSS, ${(end.heapUsed / MIB).toFixed(1)} MiB heap`);
    const leftover = await settledCensus({ instance, dataDir: server.dataDir });
    log(`leftover: ${JSON.stringify({ ...leftover, live: leftover.live.length })}`);
    result = { leftover, baseline, end, errors, sandboxCycleMs, attachCycleMs };
  } catch (err) {
    throw new Error(`${(err as Error).message}\nserver output:\n${server.log().slice(-3000)}`);
  } finally {
    await Promise.all(learners.map((l) => l.leave().catch(() => undefined)));
    await server.stop().catch(() => undefined);
    await removeInstance(instance, server.dataDir);
  }
  return { ...result, engine: await leftoversSince(engineBefore, [instance]) };
}

/**
 * What the lesson page does on "Reset sandbox", with a command typed in the new terminal. Now
 * and then the old terminal stays attached while its sandbox goes (as when a sandbox expires or
 * an instructor resets it): it must be told and closed.
 */
async function sandboxCycle(learner: Learner, n: number): Promise<void> {
  const attached = n % SANDBOX_GONE_EVERY === SANDBOX_GONE_EVERY / 2 ? learner.terminal : undefined;
  if (attached) learner.events?.close();
  else await learner.leave();
  const before = (await learner.session()).sandbox?.id;
  const view = await learner.reset();
  if (!view.sandbox || view.sandbox.id === before) throw new Error(`reset did not give a new sandbox (${before} → ${view.sandbox?.id})`);
  if (attached) {
    await attached.waitClosed();
    if (!attached.controls.some((c) => c.type === 'exit')) throw new Error(`the terminal of the removed sandbox closed without an exit frame: ${JSON.stringify(attached.closed)}`);
  }
  await learner.openLesson(LESSON);
  await learner.listen();
  const terminal = await learner.connectTerminal();
  await terminal.run(`echo cycle-$((${n} + 100000))`, new RegExp(`cycle-${n + 100000}\\r\\n`));
  if (terminal.errors().length > 0) throw new Error(`error frames: ${JSON.stringify(terminal.errors())}`);
}

/** Attach, type, detach: a page reload. Now and then the learner types exit instead. */
async function attachCycle(learner: Learner, n: number): Promise<void> {
  const terminal = await learner.connectTerminal();
  await terminal.run(`echo attach-$((${n} + 100000))`, new RegExp(`attach-${n + 100000}\\r\\n`));
  if (terminal.errors().length > 0) throw new Error(`error frames: ${JSON.stringify(terminal.errors())}`);
  if (n % EXIT_EVERY === EXIT_EVERY / 2) {
    terminal.type('exit\r');
    await terminal.waitControl((c) => c.type === 'exit', 'the exit frame after typing exit');
    await terminal.waitClosed();
  }
  await learner.leave();
}

/**
 * Brings the server to the same quiet state each time (no client connected, every detached shell
 * past its grace, the pool full, sockets it keeps alive for a few seconds closed), forces a full
 * garbage collection, and samples it.
 */
async function quiet(server: ServerProcess, learners: Learner[]): Promise<Quiet> {
  await Promise.all(learners.map((l) => l.leave()));
  await sleep(GRACE_MS * 2);
  await waitForPool(server.url, POOL);
  // Pooled keep-alive sockets (the engine's API, its sandboxes' engines) close after a few idle seconds.
  let last = -1;
  let stable = 0;
  for (let i = 0; i < 60 && stable < 5; i++) {
    await sleep(1000);
    const { fds } = sampleProcess(server.pid);
    stable = fds === last ? stable + 1 : 0;
    last = fds;
  }
  const memory = await server.collect();
  const sample = sampleProcess(server.pid);
  return { fds: sample.fds, rssBytes: sample.rssBytes, heapUsed: memory.heapUsed };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
