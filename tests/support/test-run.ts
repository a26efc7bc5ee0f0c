// What the files of one `npm test` run share through a folder named in the environment: the
// engine snapshot tests/run.ts takes before the first test, and the installations test servers
// were started as (each start notes its own), which the final test checks are gone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineSnapshot } from './leftovers.js';

const RUN_DIR = 'SLIPWAY_TEST_RUN_DIR';
const SNAPSHOT = 'engine-before.json';
const INSTANCES = 'instances';

/** Starts a run: the snapshot is written down and test files (child processes) inherit the folder. */
export function beginTestRun(snapshot: EngineSnapshot): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-test-run-'));
  fs.writeFileSync(path.join(dir, SNAPSHOT), JSON.stringify(snapshot));
  fs.writeFileSync(path.join(dir, INSTANCES), '');
  process.env[RUN_DIR] = dir;
  return dir;
}

/** Notes that a test started a server as `instance` (nothing to note outside a run). */
export function recordTestInstance(instance: string): void {
  const dir = process.env[RUN_DIR];
  if (dir && fs.existsSync(dir)) fs.appendFileSync(path.join(dir, INSTANCES), `${instance}\n`);
}

export interface TestRun {
  snapshot: EngineSnapshot;
  /** Every installation a test server was started as during the run. */
  instances: string[];
}

export function readTestRun(): TestRun | undefined {
  const dir = process.env[RUN_DIR];
  if (!dir || !fs.existsSync(path.join(dir, SNAPSHOT))) return undefined;
  const snapshot = JSON.parse(fs.readFileSync(path.join(dir, SNAPSHOT), 'utf8')) as EngineSnapshot;
  const instances = [...new Set(fs.readFileSync(path.join(dir, INSTANCES), 'utf8').split('\n').filter(Boolean))].sort();
  return { snapshot, instances };
}

export function endTestRun(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
