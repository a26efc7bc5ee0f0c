// A seeded fuzz campaign, shared by the test (tests/reliability/fuzz.test.ts) and the soak
// (bench/fuzz.soak.ts): HTTP cases over every endpoint, then terminal protocol cases, then the
// proof that the server is still whole (/healthz ok, a real terminal still echoes). The same
// seed generates the same cases in the same order: FUZZ_SEED=<seed> reruns a failed campaign.
import fc from 'fast-check';
import { endpoints } from './endpoints.js';
import { describeHttpCase, httpCase, runHttpCase } from './fuzz-http.js';
import type { FuzzTarget } from './fuzz-server.js';
import { describeTermCase, runTermCase, termCase } from './fuzz-terminal.js';
import { request } from './http.js';
import { TermClient } from '../../terminal/support/client.js';

export interface CampaignOptions {
  seed: number;
  httpCases: number;
  terminalCases: number;
  /** Called every so often with a line of progress. */
  progress?: (line: string) => void;
}

export interface Failure {
  kind: 'http' | 'terminal' | 'after';
  /** Index of the case in its kind's sequence for this seed. */
  index: number;
  what: string;
  problem: string;
}

export interface CampaignResult {
  seed: number;
  cases: number;
  failures: Failure[];
  /** The server answered /healthz and a real terminal echoed after the campaign. */
  healthyAfter: boolean;
  seconds: number;
}

/** A seed from the environment (to reproduce), else a fresh one. */
export function seedFromEnv(): number {
  const given = process.env.FUZZ_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, not ${given}`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

export async function runCampaign(target: FuzzTarget, options: CampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const failures: Failure[] = [];
  const say = options.progress ?? (() => undefined);
  target.takeErrors();

  // Generated up front from the seed (fast-check's generator), so that a case depends on the
  // seed and its index only, never on how earlier cases went.
  const http = fc.sample(httpCase(endpoints(target.server.app), target), { seed: options.seed, numRuns: options.httpCases });
  for (const [index, c] of http.entries()) {
    const problem = await runHttpCase(target, c);
    if (problem) failures.push({ kind: 'http', index, what: describeHttpCase(c), problem });
    if ((index + 1) % 500 === 0) say(`http ${index + 1}/${http.length}, ${failures.length} failures, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  const terminal = fc.sample(termCase(), { seed: options.seed + 1, numRuns: options.terminalCases });
  for (const [index, c] of terminal.entries()) {
    const problem = await runTermCase(target, c);
    if (problem) failures.push({ kind: 'terminal', index, what: describeTermCase(c), problem });
    if ((index + 1) % 200 === 0) say(`terminal ${index + 1}/${terminal.length}, ${failures.length} failures, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  const healthProblem = await stillWhole(target);
  if (healthProblem) failures.push({ kind: 'after', index: 0, what: 'after the campaign', problem: healthProblem });
  return { seed: options.seed, cases: http.length + terminal.length, failures, healthyAfter: !healthProblem, seconds: (Date.now() - started) / 1000 };
}

/** /healthz is ok and the sandbox's terminal still runs a command. */
async function stillWhole(target: FuzzTarget): Promise<string | undefined> {
  const health = await request(target.url, 'GET', '/healthz');
  if (health.status !== 200 || health.json?.status !== 'ok') return `/healthz answered ${health.status} ${health.text.slice(0, 200)}`;
  let client: TermClient | undefined;
  try {
    // The fuzzed shell has read every kind of garbage as keystrokes, and readline may sit in
    // any state; what must still work is the server's side: ending that shell, opening a new
    // one, carrying keystrokes in and output out.
    const fuzzed = target.server.terminals.hub.get(target.sandboxId);
    await fuzzed?.kill('exited');
    for (let i = 0; i < 100 && fuzzed && target.server.terminals.hub.get(target.sandboxId) === fuzzed; i++) await new Promise((r) => setTimeout(r, 100));
    client = await TermClient.connect(target.url, { cookie: target.learnerCookie });
    await client.waitFor(/#\s*$/, 60_000);
    await client.run('echo still-$((6*7))', /still-42\r\n/, 60_000);
    return undefined;
  } catch (err) {
    return `the terminal no longer echoes: ${(err as Error).message.slice(0, 400)}`;
  } finally {
    await client?.close();
  }
}

/** One line per failure, with what reproduces it. */
export function report(result: CampaignResult): string {
  const lines = result.failures.slice(0, 20).map((f) => `  [${f.kind} #${f.index}] ${f.what}\n      -> ${f.problem}`);
  if (result.failures.length > 20) lines.push(`  … and ${result.failures.length - 20} more`);
  return `fuzz seed ${result.seed}: ${result.cases} cases, ${result.failures.length} failures (rerun with FUZZ_SEED=${result.seed})\n${lines.join('\n')}`;
}
