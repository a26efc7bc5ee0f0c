// Rules the server and the instructor's page both apply to the dashboard, so that they can never
// disagree: who looks stuck (no step finished for a while, or the same step failing again and
// again) and how many learners are in each state per step. The page re-applies the stuck rule
// as time passes. No zod here: the page imports these without the schemas.
import type { CellStatus, LearnerView, StatusCounts, StuckRule } from './dashboard.js';

export const STUCK_RULE: StuckRule = {
  /** No step done for this long... */
  idleMs: 5 * 60_000,
  /** ...or this many failed attempts at the step the learner is on. */
  attempts: 3,
};

/** Why the learner looks stuck, in words, or null (removed, queued, or nothing left to do). */
export function stuckReason(learner: Pick<LearnerView, 'removed' | 'queuePosition' | 'cells' | 'lastProgressAt'>, rule: StuckRule = STUCK_RULE, now = Date.now()): string | null {
  if (learner.removed || learner.queuePosition !== null || learner.cells.length === 0) return null;
  const current = learner.cells.find((c) => c.status !== 'done' && c.status !== 'skipped');
  if (!current) return null;
  if (current.status === 'failing' && current.attempts >= rule.attempts) return `the same check failed ${current.attempts} times`;
  const idle = now - learner.lastProgressAt;
  return idle >= rule.idleMs ? `no step done for ${Math.floor(idle / 60_000)} minutes` : null;
}

/** Per column, how many learners still in the workshop (not removed) are in each state. */
export function countsOf(columns: readonly unknown[], learners: ReadonlyArray<Pick<LearnerView, 'removed' | 'cells'>>): StatusCounts[] {
  const active = learners.filter((l) => !l.removed);
  return columns.map((_, i) => {
    const counts: Record<CellStatus, number> = { not_started: 0, working: 0, failing: 0, skipped: 0, done: 0 };
    for (const learner of active) counts[learner.cells[i]!.status]++;
    return counts;
  });
}
