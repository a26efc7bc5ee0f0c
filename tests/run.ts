// The suite runner: notes what the Docker Engine holds, prepares the images once with visible
// progress, then runs every *.test.ts file one at a time (they share one Docker Engine) with
// node's test runner, and last of all the check that the run left nothing behind.
// The last line is the summary: "N passed, N failed".
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';
import { createSlipwayServer } from '../sandbox-server/server.js';
import { createLogger } from '../sandbox-server/log.js';
import { removeTestInstallation, testConfig } from './support/server.js';
import { requireEngine } from './support/engine.js';
import { snapshotEngine } from './support/leftovers.js';
import { beginTestRun, endTestRun } from './support/test-run.js';

const testsDir = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv.slice(2);
/** Runs after every other file, whatever the filter: it checks the engine holds nothing they left. */
const FINAL_FILE = path.join(testsDir, 'final', 'nothing-left.test.ts');

function findTests(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'support' ? [] : findTests(full);
    return entry.name.endsWith('.test.ts') && full !== FINAL_FILE ? [full] : [];
  });
}

const chosen = findTests(testsDir)
  .filter((f) => filter.length === 0 || filter.some((word) => f.includes(word)))
  .sort();
const files = chosen.length > 0 ? [...chosen, FINAL_FILE] : [];

// Building images inside the first test would hide minutes of progress behind one test name.
await requireEngine();
const runDir = beginTestRun(await snapshotEngine());
console.log('[tests] preparing sandbox images (reused when already built)');
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

let passed = 0;
let failed = 0;
// The curriculum file proves every lesson and its alternatives: several minutes on a quiet machine.
const stream = run({ files, concurrency: 1, timeout: 30 * 60_000 });
stream.on('test:pass', (event) => {
  if (event.details?.type !== 'suite') passed++;
});
stream.on('test:fail', (event) => {
  if (event.details?.type !== 'suite') failed++;
});
const report = stream.compose(new spec());
report.pipe(process.stdout, { end: false });
await finished(report);
endTestRun(runDir);
if (files.length === 0) console.log('no test files matched');
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
