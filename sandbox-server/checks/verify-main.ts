// `npm run lessons:verify [slug...] [--lessons-dir DIR] [--settle-seconds N] [--jobs N] [other
// Slipway flags]`: proves every lesson's checks, with its solutions and then with its
// alternatives, in fresh sandboxes (see verify.ts); the summary counts steps and alternatives.
// Exits non-zero on any failure. --settle-seconds: how long a step may take to pass after its
// solution (90). --jobs: how many runs (a lesson's solutions, or one of its alternatives) go at
// the same time (1), each in a sandbox of its own.
// Runs as its own installation ("verify", unless --instance says otherwise) with a throwaway
// data folder, so it never touches a running server's sandboxes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, settings } from '../config/config.js';
import { LessonLibrary } from '../lessons/library.js';
import { createLogger } from '../log.js';
import { ownNamespaces, serveWorkshopRegistry } from '../registry/workshop-registry.js';
import { createDriver } from '../sandboxes/create-driver.js';
import { verifyLessons } from './verify.js';

/** Takes verify's own options out of the arguments; the rest are Slipway's settings. */
function takeOwnOptions(args: string[]): { argv: string[]; settleMs: number | undefined; jobs: number | undefined } {
  const rest: string[] = [];
  let settleMs: number | undefined;
  let jobs: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const option = /^(--settle-seconds|--jobs)(?:=(.*))?$/.exec(arg);
    if (!option) {
      rest.push(arg);
      continue;
    }
    const value = Number(option[2] ?? args[++i]);
    if (option[1] === '--jobs') {
      if (!Number.isInteger(value) || value < 1) throw new ConfigError('--jobs: expected how many runs to verify at the same time, such as 2');
      jobs = value;
    } else {
      if (!(value > 0)) throw new ConfigError('--settle-seconds: expected a number of seconds, such as 30');
      settleMs = value * 1000;
    }
  }
  return { argv: rest, settleMs, jobs };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-verify-'));
let exitCode = 1;
try {
  const { argv, settleMs, jobs } = takeOwnOptions(process.argv.slice(2));
  const flags = parseArgs({ args: argv, options: Object.fromEntries(Object.values(settings).map((s) => [s.flag, { type: 'string' as const }])), allowPositionals: true, strict: false });
  const config = loadConfig(argv, {
    ...process.env,
    SLIPWAY_INSTANCE: 'verify',
    SLIPWAY_DATA_DIR: dataDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const log = createLogger(config.logLevel);
  const backend = createDriver(config, log);
  // Lessons push to the workshop registry: its gate runs here too, and each sandbox writes under
  // a namespace of its own (its id), in $ME as a learner's is.
  const registryHost = backend.capabilities.registry;
  const driver = registryHost ? ownNamespaces(backend, serveWorkshopRegistry(registryHost, config, (id) => id, log)) : backend;
  // Preparing can build images for minutes the first time: show progress, apart from results.
  await driver.prepare((line) => process.stderr.write(`… ${line}\n`));
  const library = new LessonLibrary(path.resolve(config.lessonsDir));
  const only = flags.positionals;
  process.stdout.write(`Verifying ${only.length ? only.join(', ') : `every lesson in ${path.relative(process.cwd(), library.dir) || '.'}`}\n`);
  // Ctrl-C removes the sandboxes being used before leaving.
  const alive = new Set<string>();
  process.once('SIGINT', () => {
    process.stderr.write('interrupted; removing the verification sandbox\n');
    void Promise.allSettled([...alive].map((id) => driver.destroy(id))).finally(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(130);
    });
  });
  const summary = await verifyLessons({
    driver,
    library,
    only,
    out: (line) => process.stdout.write(`${line}\n`),
    settleMs,
    jobs,
    track: (id, live) => (live ? alive.add(id) : alive.delete(id)),
  });
  process.stdout.write(`${summary.passed} passed, ${summary.failed} failed\n`);
  exitCode = summary.failed > 0 || summary.passed === 0 ? 1 : 0;
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack ?? String(err)}\n`);
  process.stdout.write('0 passed, 1 failed\n');
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
