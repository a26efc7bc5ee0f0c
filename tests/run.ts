// The suite runner, in two tiers. First the fast tier: the *.spec.ts files that live beside the
// code they test (sandbox-server/, contract/, src/), on the in-memory fake driver, with no
// Docker Engine; a few seconds. Then, unless `--fast` was given, the engine tier: it notes what
// the Docker Engine holds, prepares the images once with visible progress, runs the *.test.ts
// files under tests/ (each file is an installation of its own on the one engine), then those that
// say in their opening comment that they run alone (they restart the engine, replace the shared
// image mirror, or count what the whole engine holds), and last of all the check that the run
// left nothing behind. SLIPWAY_TEST_JOBS=N runs N files at once before those that run alone
// (files that say "Heavy" in their opening comment never beside each other); the default is one.
// On two cores two at once took 16 minutes against 31, but the last run of two saw the swarm file
// cancelled under load, so two is not the default yet. Other arguments are words: only files
// whose path holds one run.
// The last line is the summary of both tiers: "N passed, N failed".
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';

const testsDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(testsDir);
const args = process.argv.slice(2);
const fast = args.includes('--fast');
const filter = args.filter((arg) => arg !== '--fast');
/** Runs after every other engine file, whatever the filter: it checks the engine holds nothing they left. */
const FINAL_FILE = path.join(testsDir, 'final', 'nothing-left.test.ts');
/** Where spec files live: next to the code, in the server, the contract and the site. */
const SPEC_ROOTS = ['sandbox-server', 'contract', 'src'];

function findFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'support' || entry.name === 'node_modules' ? [] : findFiles(full, suffix);
    return entry.name.endsWith(suffix) && full !== FINAL_FILE ? [full] : [];
  });
}

const matches = (file: string) => filter.length === 0 || filter.some((word) => file.includes(word));

/** Whether a file's opening comment has a line that starts with `label`. */
const saysInOpening = (label: string) => (file: string) => fs.readFileSync(file, 'utf8').slice(0, 4000).includes(`\n// ${label}: `);
/** A file that must have the engine to itself says so in its opening comment: "// Runs alone: why". */
const runsAlone = saysInOpening('Runs alone');
/** A file that loads the machine for minutes says so: "// Heavy: why". Two never run at once. */
const isHeavy = saysInOpening('Heavy');

function engineJobs(): number {
  const raw = process.env.SLIPWAY_TEST_JOBS ?? '1';
  const jobs = Number(raw);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 8) throw new Error(`SLIPWAY_TEST_JOBS must be a whole number from 1 to 8, not "${raw}"`);
  return jobs;
}

let passed = 0;
let failed = 0;
/** Seconds spent in each engine-tier file (its top-level tests and suites), for the list of the slowest. */
const fileSeconds = new Map<string, number>();

/** Adds a top-level test's or suite's duration to its file (engine-tier files only: those under tests/). */
function timeFile(event: { nesting: number; file?: string; details?: { duration_ms?: number } }): void {
  if (event.nesting !== 0 || !event.file?.startsWith(testsDir + path.sep)) return;
  const file = path.relative(root, event.file);
  fileSeconds.set(file, (fileSeconds.get(file) ?? 0) + (event.details?.duration_ms ?? 0) / 1000);
}

/**
 * Runs the files with node's test runner and adds to the counts. The report goes out as it comes,
 * or, with `whole`, each run's report at once when it ends (so that runs side by side never
 * interleave their lines).
 */
async function runFiles(files: string[], options: { concurrency: number; timeout: number; whole?: boolean }): Promise<void> {
  const stream = run({ files, concurrency: options.concurrency, timeout: options.timeout });
  stream.on('test:pass', (event) => {
    timeFile(event);
    if (event.details?.type !== 'suite') passed++;
  });
  stream.on('test:fail', (event) => {
    timeFile(event);
    if (event.details?.type !== 'suite') failed++;
  });
  const report = stream.compose(new spec());
  if (!options.whole) {
    report.pipe(process.stdout, { end: false });
    await finished(report);
    return;
  }
  const chunks: Array<string | Buffer> = [];
  for await (const chunk of report) chunks.push(chunk as string | Buffer);
  process.stdout.write(chunks.join(''));
}

/**
 * Runs engine files `lanes` at a time, each lane taking the next file when its last one ends,
 * and never two heavy files at once: the curriculum halves each verify lessons in several
 * sandboxes at a time, and both together on two cores made builds in them miss their time
 * limits. Heavy files go first, one after the other, while the other lanes work through the rest.
 */
async function runLanes(files: string[], lanes: number, timeout: number): Promise<void> {
  const heavyFiles = new Set(files.filter(isHeavy));
  const heavy = files.filter((file) => heavyFiles.has(file));
  const light = files.filter((file) => !heavyFiles.has(file));
  let heavyRunning = false;
  const next = (): { file: string; heavy: boolean } | undefined => {
    if (!heavyRunning && heavy.length > 0) {
      heavyRunning = true;
      return { file: heavy.shift()!, heavy: true };
    }
    const file = light.shift();
    return file === undefined ? undefined : { file, heavy: false };
  };
  const lane = async (): Promise<void> => {
    for (let job = next(); job; job = next()) {
      console.log(`[tests] started ${path.relative(root, job.file)}`);
      try {
        await runFiles([job.file], { concurrency: 1, timeout, whole: true });
      } finally {
        if (job.heavy) heavyRunning = false;
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

const jobs = fast ? 1 : engineJobs();
const specs = SPEC_ROOTS.flatMap((dir) => findFiles(path.join(root, dir), '.spec.ts')).filter(matches).sort();
const engineTests = fast ? [] : findFiles(testsDir, '.test.ts').filter(matches).sort();

if (specs.length > 0) {
  console.log(`[tests] fast tier: ${specs.length} spec files, no Docker Engine needed`);
  // Each spec file has its own data folder and port: they run side by side (four at a time: much
  // of their time is spent waiting on timers, not on the CPU).
  await runFiles(specs, { concurrency: 4, timeout: 60_000 });
}

if (engineTests.length > 0) {
  // Loaded only here: the fast tier must not need the engine's code paths, nor an engine.
  const { createSlipwayServer } = await import('../sandbox-server/server.js');
  const { createLogger } = await import('../sandbox-server/log.js');
  const { removeTestInstallation, testConfig } = await import('./support/server.js');
  const { requireEngine } = await import('./support/engine.js');
  const { snapshotEngine } = await import('./support/leftovers.js');
  const { beginTestRun, endTestRun } = await import('./support/test-run.js');

  // Building images inside the first test would hide minutes of progress behind one test name.
  await requireEngine();
  const runDir = beginTestRun(await snapshotEngine());
  console.log('[tests] engine tier: preparing sandbox images (reused when already built)');
  // An installation of its own, removed once the images are ready (test files make theirs), and
  // named after this run, so that another run on the same engine keeps its own. Short: the
  // bridge's name is made from it and holds 15 characters.
  const preparerConfig = testConfig({ SLIPWAY_INSTANCE: `prep-${process.pid}` });
  const preparer = createSlipwayServer(preparerConfig, { log: createLogger('warn') });
  try {
    await preparer.driver.prepare((line) => console.log(`[tests] ${line}`));
  } finally {
    await preparer.stop();
    fs.rmSync(preparerConfig.dataPath, { recursive: true, force: true });
    await removeTestInstallation(preparerConfig.instance);
  }
  const alone = engineTests.filter(runsAlone);
  const together = engineTests.filter((file) => !alone.includes(file));
  console.log(`[tests] engine tier: ${together.length} files, ${jobs} at a time${jobs > 1 ? ' (heavy ones never together)' : ''}; then ${alone.length} that run alone`);
  if (jobs === 1) await runFiles(together, { concurrency: 1, timeout: 30 * 60_000 });
  else await runLanes(together, jobs, 30 * 60_000);
  await runFiles([...alone, FINAL_FILE], { concurrency: 1, timeout: 30 * 60_000 });
  endTestRun(runDir);
  // Where the engine tier's time went: what to look at first when the suite grows slow.
  const slowest = [...fileSeconds].sort((a, b) => b[1] - a[1]).slice(0, 15);
  console.log(`[tests] engine tier: the slowest files (of ${fileSeconds.size}, ${Math.round([...fileSeconds.values()].reduce((a, b) => a + b, 0))} s in all):`);
  for (const [file, seconds] of slowest) console.log(`[tests]   ${seconds.toFixed(0).padStart(5)} s  ${file}`);
}

if (specs.length === 0 && engineTests.length === 0) console.log('no test files matched');
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
