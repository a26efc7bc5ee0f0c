// `npm run soak -- fuzz`: a bigger seeded fuzz campaign than the test's, with the same cases
// (tests/reliability/support/fuzz-*.ts) against a real server with one sandbox. Prints the seed;
// FUZZ_SEED=<seed> replays it, FUZZ_HTTP_CASES and FUZZ_TERMINAL_CASES change its size.
// Figures: reliability.fuzz_cases, reliability.fuzz_failures (and how fast it went).
import { report, runCampaign, seedFromEnv } from '../tests/reliability/support/fuzz-campaign.js';
import { startFuzzTarget } from '../tests/reliability/support/fuzz-server.js';
import type { Bench } from './support.js';

const count = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a count, not ${process.env[name]}`);
  return value;
};

const bench: Bench = {
  name: 'fuzz: HTTP API and terminal protocol, seeded',
  async run() {
    const seed = seedFromEnv();
    console.log(`  seed ${seed} (FUZZ_SEED=${seed} replays it)`);
    const target = await startFuzzTarget('fuzz');
    try {
      const result = await runCampaign(target, {
        seed,
        httpCases: count('FUZZ_HTTP_CASES', 20_000),
        terminalCases: count('FUZZ_TERMINAL_CASES', 4000),
        progress: (line) => console.log(`  ${line}`),
      });
      if (result.failures.length) console.log(report(result));
      return {
        'reliability.fuzz_cases': result.cases,
        'reliability.fuzz_failures': result.failures.length,
        'reliability.fuzz_cases_per_second': Math.round(result.cases / result.seconds),
      };
    } finally {
      await target.stop();
    }
  },
};

export default bench;
