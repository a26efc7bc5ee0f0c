// Rules the server and the instructor's page both apply to the dashboard, so that they can never
// disagree: who looks stuck (the same step failing again and again) and, apart from that, who
// looks idle (no input for a while: reading, away, or never started), how many learners are in
// each state per step, and the class view (per step, the learners failing it grouped by the
// near-miss diagnosis or the failing message). The page re-applies the rules as time passes and
// learners change. No zod here: the page imports these without the schemas.
import type { CellStatus, FailureGroup, LearnerView, StatusCounts, StepColumn, StuckRule } from './dashboard.js';
import { diagnosisOf, sameFailure } from './diagnoses.js';

export const STUCK_RULE: StuckRule = {
  /** No terminal input for this long is idle... */
  idleMs: 5 * 60_000,
  /** ...and this many failed attempts at the step the learner is on is stuck. */
  attempts: 3,
};

type Judged = Pick<LearnerView, 'removed' | 'queuePosition' | 'cells'>;

/** Only someone admitted, in the workshop, with something left to do is judged at all. */
function judged(learner: Judged): boolean {
  return !learner.removed && learner.queuePosition === null && learner.cells.some((c) => c.status !== 'done' && c.status !== 'skipped');
}

/** Why the learner looks stuck, in words, or null: their current step failed again and again. */
export function stuckReason(learner: Judged, rule: StuckRule = STUCK_RULE): string | null {
  if (!judged(learner)) return null;
  const current = learner.cells.find((c) => c.status !== 'done' && c.status !== 'skipped')!;
  return current.status === 'failing' && current.attempts >= rule.attempts ? `the same check failed ${current.attempts} times` : null;
}

/** Why the learner looks idle, in words, or null: no input in a terminal for the rule's time. */
export function idleReason(learner: Judged & Pick<LearnerView, 'lastActivityAt'>, rule: StuckRule = STUCK_RULE, now = Date.now()): string | null {
  if (!judged(learner)) return null;
  const idle = now - learner.lastActivityAt;
  return idle >= rule.idleMs ? `no input for ${Math.floor(idle / 60_000)} minutes` : null;
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

/**
 * The class view: per step, the learners still in the workshop whose cell is failing, grouped by
 * the near-miss diagnosis of the failing check, or else by its message (without the times in
 * it); in the order of the steps, the largest group of a step first.
 */
export function failureGroups(columns: ReadonlyArray<Pick<StepColumn, 'lesson' | 'step'>>, learners: ReadonlyArray<Pick<LearnerView, 'id' | 'removed' | 'cells'>>): FailureGroup[] {
  const active = learners.filter((l) => !l.removed);
  return columns.flatMap((column, i) => {
    const groups = new Map<string, FailureGroup>();
    for (const learner of active) {
      const cell = learner.cells[i]!;
      if (cell.status !== 'failing') continue;
      const message = cell.message ?? 'the check failed';
      const diagnosis = diagnosisOf(message);
      const reason = diagnosis ?? sameFailure(message);
      const group = groups.get(reason) ?? { column: i, lesson: column.lesson, step: column.step, reason, diagnosed: diagnosis !== undefined, example: message, learners: [], of: active.length };
      group.learners.push(learner.id);
      groups.set(reason, group);
    }
    return [...groups.values()].sort((a, b) => b.learners.length - a.learners.length);
  });
}
