// Progress as the API and the browser see it: each step done, current (the one being worked
// on, with its last result), skipped by the learner (not done; the steps after it go on), or
// pending (reached once the steps before it are done or skipped). The shapes are the shared
// contract's (contract/progress.ts).
import type { CheckView, LessonProgressView, StepStatus, StepView } from '../../contract/progress.js';
import type { Step } from '../../lessons/schema.js';
import type { LoadedLesson } from '../lessons/library.js';
import type { LessonProgressRow, StepProgressRow } from '../store/progress.js';
import { expectation } from './expectation.js';
import type { CheckResult } from './result.js';

function checkView(result: CheckResult): CheckView {
  return {
    kind: result.kind,
    label: result.label,
    passed: result.passed,
    message: result.message,
    ...(result.error ? { error: true } : {}),
    ...(result.checks ? { checks: result.checks.map(checkView) } : {}),
  };
}

function unchecked(step: Step): CheckView[] {
  return step.checks.map((check) => ({ kind: check.kind, label: expectation(check), passed: null, message: null }));
}

export function stepView(step: Step, row: StepProgressRow | undefined, status: StepStatus): StepView {
  let checks = unchecked(step);
  if (row?.last_results) {
    try {
      checks = (JSON.parse(row.last_results) as CheckResult[]).map(checkView);
    } catch {
      // An unreadable record shows the checks unevaluated; the next evaluation rewrites it.
    }
  }
  return {
    id: step.id,
    title: step.title,
    status,
    firstSeenAt: row?.first_seen_at ?? null,
    doneAt: row?.done_at ?? null,
    attempts: row?.attempts ?? 0,
    skippedAt: row?.done_at ? null : (row?.skipped_at ?? null),
    markedBy: row?.done_at ? (row.marked_by ?? null) : null,
    independent: step.independent === true,
    message: row?.last_message ?? null,
    checkedAt: row?.last_checked_at ?? null,
    checks,
  };
}

export function lessonView(loaded: LoadedLesson, opened: LessonProgressRow | undefined, rows: StepProgressRow[], ahead: string[] = []): LessonProgressView {
  const byStep = new Map(rows.map((r) => [r.step, r]));
  let currentFound = false;
  const steps = loaded.lesson.steps.map((step) => {
    const row = byStep.get(step.id);
    if (row?.done_at) return stepView(step, row, 'done');
    if (row?.skipped_at) return stepView(step, row, 'skipped');
    const status = currentFound || !opened ? 'pending' : 'current';
    currentFound = true;
    return stepView(step, row, status);
  });
  return {
    lesson: loaded.slug,
    title: loaded.lesson.title,
    openedAt: opened?.opened_at ?? null,
    done: steps.filter((s) => s.status === 'done').length,
    total: steps.length,
    steps,
    ahead,
  };
}
