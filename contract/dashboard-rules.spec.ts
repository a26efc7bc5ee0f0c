// The dashboard's shared rules on plain data: who looks stuck (failing the same step again and
// again) and, apart from that, idle (no input for a while); never someone removed, queued or
// finished; the per-step counts of learners still in the workshop; the class view's groups.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cell, CellStatus } from './dashboard.js';
import { countsOf, failureGroups, idleReason, STUCK_RULE, stuckReason } from './dashboard-rules.js';

const NOW = 1_000_000_000;
const cell = (status: CellStatus, attempts = 0): Cell => ({ status, attempts, message: null, doneAt: status === 'done' ? NOW : null, skippedAt: status === 'skipped' ? NOW : null, markedBy: null, hintsShown: 0, solutionOpenedAt: null, runs: 0 });
const learner = (cells: Cell[], over: { removed?: boolean; queuePosition?: number | null; lastActivityAt?: number } = {}) => ({
  removed: over.removed ?? false,
  queuePosition: over.queuePosition ?? null,
  lastActivityAt: over.lastActivityAt ?? NOW,
  cells,
});

describe('stuck and idle', () => {
  it('calls stuck a learner whose current step failed as many times as the rule says', () => {
    const l = learner([cell('done'), cell('failing', STUCK_RULE.attempts), cell('not_started')]);
    assert.equal(stuckReason(l, STUCK_RULE), `the same check failed ${STUCK_RULE.attempts} times`);
    assert.equal(stuckReason(learner([cell('done'), cell('failing', STUCK_RULE.attempts - 1)]), STUCK_RULE), null, 'one attempt fewer is not stuck');
  });

  it('judges the current step only: the first neither done nor skipped', () => {
    assert.equal(stuckReason(learner([cell('skipped'), cell('working'), cell('failing', 9)]), STUCK_RULE), null, 'failing later steps do not count');
    assert.match(stuckReason(learner([cell('skipped'), cell('failing', 9)]), STUCK_RULE) ?? '', /failed 9 times/);
  });

  it('calls idle, not stuck, a learner with no input for the idle time, in whole minutes', () => {
    const idle = (ms: number) => idleReason(learner([cell('working')], { lastActivityAt: NOW - ms }), STUCK_RULE, NOW);
    assert.equal(idle(STUCK_RULE.idleMs - 1), null);
    assert.equal(idle(STUCK_RULE.idleMs), `no input for ${Math.floor(STUCK_RULE.idleMs / 60_000)} minutes`);
    assert.equal(idle(12.9 * 60_000), 'no input for 12 minutes');
    assert.equal(stuckReason(learner([cell('working')], { lastActivityAt: NOW - 60 * 60_000 }), STUCK_RULE), null, 'a long pause alone is not stuck');
  });

  it('tells apart one who types and fails from one who paused: both can hold at once', () => {
    const active = learner([cell('failing', 4)], { lastActivityAt: NOW - 30_000 });
    assert.ok(stuckReason(active) && !idleReason(active, STUCK_RULE, NOW));
    const gone = learner([cell('failing', 4)], { lastActivityAt: NOW - 20 * 60_000 });
    assert.ok(stuckReason(gone) && idleReason(gone, STUCK_RULE, NOW));
  });

  it('never calls stuck or idle someone removed, still queued, finished, or in a workshop without steps', () => {
    const long = NOW - 10 * STUCK_RULE.idleMs;
    for (const l of [
      learner([cell('failing', 9)], { removed: true, lastActivityAt: long }),
      learner([cell('not_started')], { queuePosition: 1, lastActivityAt: long }),
      learner([cell('done'), cell('skipped')], { lastActivityAt: long }),
      learner([], { lastActivityAt: long }),
    ]) {
      assert.equal(stuckReason(l, STUCK_RULE), null);
      assert.equal(idleReason(l, STUCK_RULE, NOW), null);
    }
  });

  it('follows the rule it is given', () => {
    const rule = { idleMs: 60_000, attempts: 1 };
    assert.match(stuckReason(learner([cell('failing', 1)]), rule) ?? '', /failed 1 times/);
    assert.match(idleReason(learner([cell('working')], { lastActivityAt: NOW - 60_000 }), rule, NOW) ?? '', /1 minutes/);
  });
});

describe('class view', () => {
  const failing = (message: string, attempts = 1): Cell => ({ ...cell('failing', attempts), message });
  const columns = [{ lesson: 'l', step: 'a' }, { lesson: 'l', step: 'b' }];
  const swapped = (n: number) => `No running container named 'web' publishing 8080→80 — it publishes 80:8080 — the ports are the wrong way round: the host port comes first, so it is -p 8080:80. (${n})`;

  it('groups the learners failing a step by the near-miss diagnosis, whatever else their messages say', () => {
    const groups = failureGroups(columns, [
      { id: 'a', removed: false, cells: [cell('done'), failing(swapped(1))] },
      { id: 'b', removed: false, cells: [cell('done'), failing(swapped(2))] },
      { id: 'c', removed: false, cells: [cell('done'), failing("No container named 'web'.")] },
      { id: 'd', removed: false, cells: [cell('done'), cell('working')] },
      { id: 'e', removed: true, cells: [cell('done'), failing(swapped(3))] },
    ]);
    assert.deepEqual(groups.map((g) => [g.step, g.reason, g.diagnosed, g.learners, g.of]), [
      ['b', 'host and container ports swapped', true, ['a', 'b'], 4],
      ['b', "No container named 'web'.", false, ['c'], 4],
    ]);
    assert.equal(groups[0]!.example, swapped(1));
    assert.equal(groups[0]!.column, 1);
  });

  it('groups undiagnosed failures by their message without the times in it', () => {
    const groups = failureGroups(columns, [
      { id: 'a', removed: false, cells: [failing("Container 'clock' exited 3 seconds ago."), cell('not_started')] },
      { id: 'b', removed: false, cells: [failing("Container 'clock' exited about a minute ago."), cell('not_started')] },
    ]);
    assert.equal(groups.length, 1);
    assert.deepEqual(groups[0]!.learners, ['a', 'b']);
  });

  it('has no groups when nobody fails', () => {
    assert.deepEqual(failureGroups(columns, [{ id: 'a', removed: false, cells: [cell('done'), cell('working')] }]), []);
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
