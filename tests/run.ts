// The suite runner: prepares the images once with visible progress, then runs every
// *.test.ts file one at a time (they share one Docker Engine) with node's test runner.
// The last line is the summary: "N passed, N failed".
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';
import { createSlipwayServer } from '../sandbox-server/server.js';
import { createLogger } from '../sandbox-server/log.js';
import { testConfig } from './support/server.js';
import { requireEngine } from './support/engine.js';

const testsDir = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv.slice(2);

function findTests(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'support' ? [] : findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const files = findTests(testsDir)
  .filter((f) => filter.length === 0 || filter.some((word) => f.includes(word)))
  .sort();

// Building images inside the first test would hide minutes of progress behind one test name.
await requireEngine();
console.log('[tests] preparing sandbox images (reused when already built)');
const preparer = createSlipwayServer(testConfig(), { log: createLogger('warn') });
await preparer.driver.prepare((line) => console.log(`[tests] ${line}`));
await preparer.stop();

let passed = 0;
let failed = 0;
const stream = run({ files, concurrency: 1, timeout: 15 * 60_000 });
stream.on('test:pass', (event) => {
  if (event.details?.type !== 'suite') passed++;
});
stream.on('test:fail', (event) => {
  if (event.details?.type !== 'suite') failed++;
});
const report = stream.compose(new spec());
report.pipe(process.stdout, { end: false });
await finished(report);
if (files.length === 0) console.log('no test files matched');
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
