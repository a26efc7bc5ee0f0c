// Results of a workshop as CSV (one row per learner and step of the workshop's lessons) and
// JSON, and its instructors' audit log (in the JSON, and as a CSV of its own). Every time in
// them is ISO 8601 in UTC (or empty/null): the dashboard's epoch milliseconds are converted
// here, at the export boundary, and nowhere else.
import type { DashboardView, LearnerView } from '../../contract/dashboard.js';
import { auditLine, type AuditEntry } from '../../contract/instructors.js';

export const CSV_HEADER = ['learner_id', 'learner', 'joined_at', 'removed', 'removed_at', 'readmitted_at', 'lesson', 'step', 'status', 'marked_by', 'done_at', 'skipped_at', 'attempts', 'hints_shown', 'solution_opened_at', 'runs'] as const;

/** ISO 8601 UTC ("2026-05-04T09:12:31.000Z"), or null for no time. */
export function isoTime(at: number | null): string | null {
  return at === null ? null : new Date(at).toISOString();
}

/** RFC 4180 quoting; a leading =, +, - or @ is defused so a spreadsheet never runs it. */
export function csvField(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Every learner (removed ones too, flagged) × step. The learner id tells apart two learners of
 * the same name; status is the grid's (not_started, working, failing, skipped, done).
 */
export function resultsCsv(view: DashboardView): string {
  const lines = [CSV_HEADER.join(',')];
  for (const learner of view.learners) {
    view.columns.forEach((column, i) => {
      const cell = learner.cells[i]!;
      const row: Record<(typeof CSV_HEADER)[number], string | number | boolean | null> = {
        learner_id: learner.id,
        learner: learner.name,
        joined_at: isoTime(learner.joinedAt),
        removed: learner.removed,
        removed_at: isoTime(learner.removedAt),
        readmitted_at: isoTime(learner.readmittedAt),
        lesson: column.lesson,
        step: column.step,
        status: cell.status,
        marked_by: cell.markedBy,
        done_at: isoTime(cell.doneAt),
        skipped_at: isoTime(cell.skippedAt),
        attempts: cell.attempts,
        hints_shown: cell.hintsShown,
        solution_opened_at: isoTime(cell.solutionOpenedAt),
        runs: cell.runs,
      };
      lines.push(CSV_HEADER.map((key) => csvField(row[key])).join(','));
    });
  }
  return lines.join('\r\n') + '\r\n';
}

function learnerJson(view: DashboardView, learner: LearnerView) {
  return {
    id: learner.id,
    name: learner.name,
    joinedAt: isoTime(learner.joinedAt),
    removed: learner.removed,
    removedAt: isoTime(learner.removedAt),
    readmittedAt: isoTime(learner.readmittedAt),
    expiresAt: isoTime(learner.expiresAt),
    done: learner.done,
    steps: view.columns.map((column, i) => {
      const cell = learner.cells[i]!;
      return { lesson: column.lesson, step: column.step, status: cell.status, markedBy: cell.markedBy, doneAt: isoTime(cell.doneAt), skippedAt: isoTime(cell.skippedAt), attempts: cell.attempts, hintsShown: cell.hintsShown, solutionOpenedAt: isoTime(cell.solutionOpenedAt), runs: cell.runs, lastMessage: cell.message };
    }),
  };
}

export const AUDIT_CSV_HEADER = ['at', 'instructor_id', 'instructor', 'action', 'learner_id', 'learner', 'details', 'summary'] as const;

/** One entry of the audit log, for the JSON export. */
export function auditJson(entry: AuditEntry) {
  return {
    at: isoTime(entry.at),
    instructor: entry.instructor,
    action: entry.action,
    learner: entry.learner,
    details: entry.details,
    summary: auditLine(entry),
  };
}

/** The audit log, oldest first (the order things happened), one row per action. */
export function auditCsv(entries: AuditEntry[]): string {
  const lines = [AUDIT_CSV_HEADER.join(',')];
  for (const entry of [...entries].sort((a, b) => a.at - b.at || a.id - b.id)) {
    const row: Record<(typeof AUDIT_CSV_HEADER)[number], string | null> = {
      at: isoTime(entry.at),
      instructor_id: entry.instructor.id,
      instructor: entry.instructor.name,
      action: entry.action,
      learner_id: entry.learner?.id ?? null,
      learner: entry.learner?.name ?? null,
      details: entry.details,
      summary: auditLine(entry),
    };
    lines.push(AUDIT_CSV_HEADER.map((key) => csvField(row[key])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

export function resultsJson(view: DashboardView, now = Date.now(), audit: AuditEntry[] = []) {
  const { workshop } = view;
  return {
    workshop: {
      id: workshop.id,
      code: workshop.code,
      title: workshop.title,
      lessons: workshop.lessons,
      expectedSize: workshop.expectedSize,
      sessionMinutes: workshop.sessionMinutes,
      state: workshop.state,
      createdAt: isoTime(workshop.createdAt),
      startedAt: isoTime(workshop.startedAt),
      endedAt: isoTime(workshop.endedAt),
      joinPath: workshop.joinPath,
    },
    exportedAt: isoTime(now),
    steps: view.columns.map((c) => ({ lesson: c.lesson, lessonTitle: c.lessonTitle, step: c.step, title: c.title })),
    learners: view.learners.map((learner) => learnerJson(view, learner)),
    /** What the instructors did, oldest first. */
    audit: [...audit].sort((a, b) => a.at - b.at || a.id - b.id).map(auditJson),
  };
}
