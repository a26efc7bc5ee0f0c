// Load: 40 learners at once for 10 minutes (SOAK_LOAD_MINUTES), each with a sandbox, an open
// terminal and the lesson's event stream, typing commands key by key and finishing steps.
// Measures the echo latency of each keystroke (key sent → its echo back on the WebSocket), the
// check latency (the command's prompt back in the terminal → the step's done event on the event
// stream; 0 when the event came first), the errors (failed requests, error frames, lost
// connections, missing step events), and the server's CPU and memory. The server runs as its
// own process, so /proc tells its CPU time and RSS apart from this script's. Loopback only; the
// run stops by itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sampleProcess } from '../tests/reliability/support/leak-count.js';
import { Learner, PROMPT } from '../tests/reliability/support/learner.js';
import { removeInstance, startServerProcess, waitForPool } from '../tests/reliability/support/process-server.js';
import { percentile, round, type Bench } from './support.js';

const LEARNERS = Number(process.env.SOAK_LOAD_LEARNERS ?? 40);
const MINUTES = Number(process.env.SOAK_LOAD_MINUTES ?? 10);
const STEPS = 300;
/** Every third step wants a container (the command goes through the sandbox's engine); the others a typed command. */
const CONTAINER_STEP_EVERY = 3;
/** A typist's pace: a key every 80–200 ms; 1–4 s of thinking between commands. */
const KEY_GAP_MS = [80, 200] as const;
const THINK_MS = [1000, 4000] as const;
/** Filler commands (ls, echo...) between two step commands. */
const FILLERS_PER_STEP = 2;
const ECHO_TIMEOUT_MS = 10_000;
const STEP_TIMEOUT_MS = 30_000;
const FILLERS = ['ls -la', 'pwd', 'echo hello', 'date', 'docker ps', 'uname -a', 'cat /etc/hostname'];

function lessonWithSteps(count: number): string {
  const steps = Array.from({ length: count }, (_, i) => {
    const check = i % CONTAINER_STEP_EVERY === CONTAINER_STEP_EVERY - 1 ? `{ kind: container, name: c${i} }` : `{ kind: command, label: 'You echoed load-step-${i}', matches: '^echo load-step-${i}\\b' }`;
    return `  - id: step-${i}\n    title: Step ${i}\n    checks:\n      - ${check}\n    hints: [Type the command.]\n    solution: [${stepCommand(i)}]`;
  }).join('\n');
  return `---\ntitle: Load\ndescription: Many small steps for the load soak.\norder: 1\nsteps:\n${steps}\n---\n\nType the commands.\n`;
}

function stepCommand(i: number): string {
  return i % CONTAINER_STEP_EVERY === CONTAINER_STEP_EVERY - 1 ? `docker create --name c${i} busybox true` : `echo load-step-${i}`;
}

const between = ([low, high]: readonly [number, number]) => low + Math.random() * (high - low);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Tally {
  echoMs: number[];
  checkMs: number[];
  commandToStepMs: number[];
  errors: string[];
  commands: number;
}

/** One learner's ten minutes: type, run, and now and then finish the next step. */
async function learn(learner: Learner, index: number, deadline: number, tally: Tally): Promise<void> {
  const error = (what: string) => {
    tally.errors.push(`learner ${index}: ${what}`);
    console.log(`  error: learner ${index}: ${what.slice(0, 300)}`);
  };
  let step = 0;
  let sinceStep = 0;
  while (Date.now() < deadline && step < STEPS) {
    const terminal = learner.terminal!;
    if (terminal.closed) {
      error(`terminal closed: ${JSON.stringify(terminal.closed)}`);
      await learner.connectTerminal().catch((err: Error) => error(`reconnect: ${err.message}`));
      continue;
    }
    if (learner.events?.lost) {
      error(`event stream: ${learner.events.lost}`);
      await learner.listen().catch((err: Error) => error(`event stream reconnect: ${err.message}`));
    }
    const isStep = sinceStep >= FILLERS_PER_STEP;
    const command = isStep ? stepCommand(step) : FILLERS[Math.floor(Math.random() * FILLERS.length)]!;
    try {
      for (const key of command) {
        terminal.mark();
        const sent = performance.now();
        terminal.type(key);
        await terminal.waitForRaw(key, ECHO_TIMEOUT_MS);
        tally.echoMs.push(performance.now() - sent);
        await sleep(between(KEY_GAP_MS));
      }
      terminal.mark();
      const entered = performance.now();
      terminal.type('\r');
      await terminal.waitFor(new RegExp(`\\n[\\s\\S]*${PROMPT.source}`), STEP_TIMEOUT_MS);
      const promptBack = performance.now();
      tally.commands++;
      const errors = terminal.errors();
      if (errors.length > 0) {
        error(`error frames: ${JSON.stringify(errors)}`);
        terminal.controls.length = 0;
      }
      if (isStep) {
        const arrival = await learner.events!.done(`step-${step}`, STEP_TIMEOUT_MS);
        tally.checkMs.push(Math.max(0, arrival.at - promptBack));
        tally.commandToStepMs.push(arrival.at - entered);
        step++;
        sinceStep = 0;
      } else sinceStep++;
    } catch (err) {
      error((err as Error).message);
      // Start the next command on a clean line.
      learner.terminal?.type('\x03');
      await sleep(500);
    }
    await sleep(between(THINK_MS));
  }
}

const bench: Bench = {
  name: `load (${LEARNERS} learners, ${MINUTES} min)`,
  async run() {
    const lessonsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-load-lessons-'));
    fs.mkdirSync(path.join(lessonsDir, 'load'));
    fs.writeFileSync(path.join(lessonsDir, 'load', 'index.mdx'), lessonWithSteps(STEPS));
    const server = await startServerProcess({
      env: {
        SLIPWAY_INSTANCE: 'load',
        SLIPWAY_LESSONS_DIR: lessonsDir,
        // Every learner's sandbox is made ahead, as an instructor pre-warms before class; the
        // limit keeps the pool from refilling behind them, which would load the machine during
        // the measurement with sandboxes nobody uses.
        SLIPWAY_POOL_SIZE: String(LEARNERS),
        SLIPWAY_MAX_SANDBOXES: String(LEARNERS),
        SLIPWAY_SANDBOX_MEMORY: '512m',
      },
    });
    const started = Date.now();
    const log = (line: string) => console.log(`  [${Math.round((Date.now() - started) / 1000)} s] ${line}`);
    const learners: Learner[] = [];
    const tally: Tally = { echoMs: [], checkMs: [], commandToStepMs: [], errors: [], commands: 0 };
    try {
      log(`server ${server.pid}; warming ${LEARNERS} sandboxes`);
      await waitForPool(server.url, LEARNERS, 20 * 60_000);
      log('pool ready; learners join');
      await Promise.all(
        Array.from({ length: LEARNERS }, async (_, i) => {
          const learner = await Learner.join(server.url);
          learners[i] = learner;
          await learner.openLesson('load');
          await learner.listen();
          await learner.connectTerminal();
        }),
      );
      log(`${LEARNERS} learners in; typing for ${MINUTES} min`);

      const rss: number[] = [];
      const before = sampleProcess(server.pid);
      const windowStart = performance.now();
      const sampler = setInterval(() => rss.push(sampleProcess(server.pid).rssBytes), 2000);
      const progress = setInterval(() => log(`${tally.commands} commands, ${tally.checkMs.length} steps, ${tally.errors.length} errors`), 60_000);
      const deadline = Date.now() + MINUTES * 60_000;
      try {
        await Promise.all(learners.map((learner, i) => learn(learner, i, deadline, tally)));
      } finally {
        clearInterval(sampler);
        clearInterval(progress);
      }
      const after = sampleProcess(server.pid);
      const cpuPct = (100 * (after.cpuSeconds - before.cpuSeconds)) / ((performance.now() - windowStart) / 1000);
      if (server.exited) tally.errors.push('the server process exited');
      log(`${tally.commands} commands, ${tally.echoMs.length} keystrokes, ${tally.checkMs.length} steps, ${tally.errors.length} errors`);
      return {
        'load.learners': LEARNERS,
        'load.minutes': MINUTES,
        'load.keystrokes': tally.echoMs.length,
        'load.steps_done': tally.checkMs.length,
        'load.echo_ms.p50': round(percentile(tally.echoMs, 50)),
        'load.echo_ms.p95': round(percentile(tally.echoMs, 95)),
        'load.check_ms.p50': round(percentile(tally.checkMs, 50)),
        'load.check_ms.p95': round(percentile(tally.checkMs, 95)),
        'load.command_to_step_ms.p95': round(percentile(tally.commandToStepMs, 95)),
        'load.errors': tally.errors.length,
        'load.server_cpu_pct': round(cpuPct),
        'load.server_rss_mib': round(Math.max(...rss, after.rssBytes) / 1024 / 1024),
      };
    } catch (err) {
      throw new Error(`${(err as Error).message}\nserver output:\n${server.log().slice(-3000)}`);
    } finally {
      await Promise.all(learners.filter(Boolean).map((l) => l.leave().catch(() => undefined)));
      await server.stop().catch(() => undefined);
      await removeInstance('load', server.dataDir);
      fs.rmSync(lessonsDir, { recursive: true, force: true });
    }
  },
};

export default bench;
