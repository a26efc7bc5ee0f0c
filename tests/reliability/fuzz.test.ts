// Fuzzing the HTTP API and the terminal protocol with seeded, reproducible cases (see
// support/fuzz-*.ts): every answer a 4xx or an error frame that names the problem, never a 5xx,
// never a crash or a logged error; afterwards /healthz is ok and a real terminal still echoes.
// The seed is printed; FUZZ_SEED=<seed> npm test -- tests/reliability/fuzz replays it.
// bench/fuzz.soak.ts runs a bigger campaign of the same cases.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { report, runCampaign, seedFromEnv } from './support/fuzz-campaign.js';
import { startFuzzTarget, type FuzzTarget } from './support/fuzz-server.js';

const INSTANCE = 'fuzz';

describe('fuzzing', () => {
  let target: FuzzTarget;
  before(async () => {
    target = await startFuzzTarget(INSTANCE);
  });
  after(async () => target?.stop());

  it('answers 2600 malformed HTTP requests and terminal frame sequences with clear refusals, and stays whole', async () => {
    const seed = seedFromEnv();
    console.log(`  fuzz seed ${seed} (FUZZ_SEED=${seed} replays it)`);
    const result = await runCampaign(target, { seed, httpCases: 2000, terminalCases: 600, progress: (line) => console.log(`  ${line}`) });
    console.log(`  ${result.cases} cases in ${result.seconds.toFixed(1)} s`);
    assert.equal(result.cases, 2600);
    assert.equal(result.failures.length, 0, report(result));
    assert.ok(result.healthyAfter);
  });
});
