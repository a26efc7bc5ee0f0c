// The dashboard's shared rules on plain data: who looks stuck (failing the same step again and
// again, or nothing done for a while; never someone removed, queued or finished) and the
// per-step counts of learners still in the workshop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cell, CellStatus } from './dashboard.js';
import { countsOf, STUCK_RULE, stuckReason } from './dashboard-rules.js';

const NOW = 1_000_000_000;
const cell = (status: CellStatus, attempts = 0): Cell => ({ status, attempts, message: null, doneAt: status === 'done' ? NOW : null, skippedAt: status === 'skipped' ? NOW : null });
const learner = (cells: Cell[], over: { removed?: boolean; queuePosition?: number | null; lastProgressAt?: number } = {}) => ({
  removed: over.removed ?? false,
  queuePosition: over.queuePosition ?? null,
  lastProgressAt: over.lastProgressAt ?? NOW,
  cells,
});

describe('stuck rule', () => {
  it('calls stuck a learner whose current step failed as many times as the rule says', () => {
    const l = learner([cell('done'), cell('failing', STUCK_RULE.attempts), cell('not_started')]);
    assert.equal(stuckReason(l, STUCK_RULE, NOW), `the same check failed ${STUCK_RULE.attempts} times`);
    assert.equal(stuckReason(learner([cell('done'), cell('failing', STUCK_RULE.attempts - 1)]), STUCK_RULE, NOW), null, 'one attempt fewer is not stuck');
  });

  it('judges the current step only: the first neither done nor skipped', () => {
    assert.equal(stuckReason(learner([cell('skipped'), cell('working'), cell('failing', 9)]), STUCK_RULE, NOW), null, 'failing later steps do not count');
    assert.match(stuckReason(learner([cell('skipped'), cell('failing', 9)]), STUCK_RULE, NOW) ?? '', /failed 9 times/);
  });

  it('calls stuck a learner with no step done for the idle time, in whole minutes', () => {
    const idle = (ms: number) => stuckReason(learner([cell('working')], { lastProgressAt: NOW - ms }), STUCK_RULE, NOW);
    assert.equal(idle(STUCK_RULE.idleMs - 1), null);
    assert.equal(idle(STUCK_RULE.idleMs), `no step done for ${Math.floor(STUCK_RULE.idleMs / 60_000)} minutes`);
    assert.equal(idle(12.9 * 60_000), 'no step done for 12 minutes');
  });

  it('never calls stuck someone removed, still queued, finished, or in a workshop without steps', () => {
    const long = NOW - 10 * STUCK_RULE.idleMs;
    assert.equal(stuckReason(learner([cell('failing', 9)], { removed: true }), STUCK_RULE, NOW), null);
    assert.equal(stuckReason(learner([cell('not_started')], { queuePosition: 1, lastProgressAt: long }), STUCK_RULE, NOW), null);
    assert.equal(stuckReason(learner([cell('done'), cell('skipped')], { lastProgressAt: long }), STUCK_RULE, NOW), null);
    assert.equal(stuckReason(learner([], { lastProgressAt: long }), STUCK_RULE, NOW), null);
  });

  it('follows the rule it is given', () => {
    const rule = { idleMs: 60_000, attempts: 1 };
    assert.match(stuckReason(learner([cell('failing', 1)]), rule, NOW) ?? '', /failed 1 times/);
    assert.match(stuckReason(learner([cell('working')], { lastProgressAt: NOW - 60_000 }), rule, NOW) ?? '', /1 minutes/);
  });
});

describe('counts', () => {
  it('counts each column by state, over learners still in the workshop', () => {
    const learners = [
      learner([cell('done'), cell('failing', 2)]),
      learner([cell('done'), cell('working')]),
      learner([cell('skipped'), cell('not_started')]),
      learner([cell('done'), cell('done')], { removed: true }),
    ];
    const zero = { not_started: 0, working: 0, failing: 0, skipped: 0, done: 0 };
    assert.deepEqual(countsOf(['a', 'b'], learners), [
      { ...zero, done: 2, skipped: 1 },
      { ...zero, failing: 1, working: 1, not_started: 1 },
    ]);
  });

  it('gives zeros for an empty class and nothing for no columns', () => {
    assert.deepEqual(countsOf(['a'], []), [{ not_started: 0, working: 0, failing: 0, skipped: 0, done: 0 }]);
    assert.deepEqual(countsOf([], [learner([])]), []);
  });
});
