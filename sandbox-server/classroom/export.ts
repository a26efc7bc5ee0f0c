// Results of a workshop as CSV (one row per learner, lesson and step reached) and JSON.
import type { DashboardView } from '../../contract/dashboard.js';

export const CSV_HEADER = ['learner', 'lesson', 'step', 'done_at', 'attempts', 'status', 'skipped_at'] as const;

const iso = (at: number | null): string => (at ? new Date(at).toISOString() : '');

/** RFC 4180 quoting; a leading =, +, - or @ is defused so a spreadsheet never runs it. */
export function csvField(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Every learner × step; done_at and skipped_at are ISO 8601 (UTC) or empty; status as the grid shows it. */
export function resultsCsv(view: DashboardView): string {
  const lines = [CSV_HEADER.join(',')];
  for (const learner of view.learners) {
    view.columns.forEach((column, i) => {
      const cell = learner.cells[i]!;
      lines.push([learner.name, column.lesson, column.step, iso(cell.doneAt), cell.attempts, cell.status, iso(cell.skippedAt)].map(csvField).join(','));
    });
  }
  return lines.join('\r\n') + '\r\n';
}

export function resultsJson(view: DashboardView): unknown {
  return {
    workshop: view.workshop,
    exportedAt: new Date().toISOString(),
    learners: view.learners.map((learner) => ({
      name: learner.name,
      joinedAt: new Date(learner.joinedAt).toISOString(),
      removed: learner.removed,
      done: learner.done,
      steps: view.columns.map((column, i) => {
        const cell = learner.cells[i]!;
        return { lesson: column.lesson, step: column.step, status: cell.status, doneAt: iso(cell.doneAt) || null, skippedAt: iso(cell.skippedAt) || null, attempts: cell.attempts, lastMessage: cell.message };
      }),
    })),
  };
}
