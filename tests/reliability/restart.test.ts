// kill -9 of the server: learners in the middle of a lesson get everything back when it starts
// again on the same data folder and port (same sandbox, progress, a terminal that answers,
// checks that follow the sandbox again), and the shells the killed server left in the
// sandboxes are ended rather than left running. The server runs as its own process, so that it
// can really be killed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireEngine } from '../support/engine.js';
import { killAndResume } from './support/kill-resume.js';

const INSTANCE = 'restart';
const LEARNERS = 4;

describe('server killed with SIGKILL', () => {
  it(`resumes every one of ${LEARNERS} active learners and leaves no orphaned shell`, async () => {
    await requireEngine();
    const result = await killAndResume({ instance: INSTANCE, learners: LEARNERS, log: (line) => console.log(`  ${line}`) });
    for (const outcome of result.outcomes) {
      assert.deepEqual(outcome, { learner: outcome.learner, sameSandbox: true, progressKept: true, terminalAnswers: true, checksResumed: true }, `learner ${outcome.learner}: ${outcome.problem ?? ''}`);
    }
    assert.equal(result.resumedPct, 100);
    const { live: _live, ...leftover } = result.after;
    assert.deepEqual(leftover, { containers: 0, volumes: 0, networks: 0, socketDirs: 0, execs: 0, shells: 0 }, 'with one terminal open per learner, nothing else should run in the sandboxes');
  });
});
