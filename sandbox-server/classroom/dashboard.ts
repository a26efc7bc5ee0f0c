// The instructor's view of a workshop: learners × steps of its lessons, each cell not started,
// working, failing (with the last message), skipped by the learner or done; per-step counts; completions over time.
import crypto from 'node:crypto';
import type { LessonLibrary } from '../lessons/library.js';
import type { SandboxNotice } from '../sandboxes/notices.js';
import type { StepProgressRow } from '../store/progress.js';
import type { SandboxRow } from '../store/sandboxes.js';
import type { LearnerRow, WorkshopRow } from './store.js';
import { STUCK_ATTEMPTS, STUCK_IDLE_MS, stuckReason } from './stuck.js';

export type CellStatus = 'not_started' | 'working' | 'failing' | 'skipped' | 'done';

export interface Cell {
  status: CellStatus;
  attempts: number;
  message: string | null;
  doneAt: number | null;
  /** When the learner skipped the step (null when they did not, or it is done). */
  skippedAt: number | null;
}

export interface StepColumn {
  lesson: string;
  lessonTitle: string;
  step: string;
  title: string;
}

export interface LearnerView {
  id: string;
  name: string;
  joinedAt: number;
  /** Place in the queue for a sandbox (1 = next), or null once admitted. */
  queuePosition: number | null;
  sandbox: { id: string; state: string } | null;
  expiresAt: number | null;
  removed: boolean;
  done: number;
  lastProgressAt: number;
  stuck: string | null;
  /** The latest thing that happened to the learner's sandbox without their asking (a limit hit, its engine restarted, removed...). */
  notice: SandboxNotice | null;
  /** One per column of the workshop's steps, in the same order. */
  cells: Cell[];
}

export interface WorkshopView {
  id: string;
  code: string;
  title: string;
  lessons: string[];
  expectedSize: number;
  sessionMinutes: number;
  state: WorkshopRow['state'];
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  joinPath: string;
}

export interface DashboardView {
  workshop: WorkshopView;
  columns: StepColumn[];
  learners: LearnerView[];
  /** Per column: how many learners are in each state. */
  counts: Array<Record<CellStatus, number>>;
  /** Every completion time, ascending (the chart's data). */
  completions: number[];
  stuckRule: { idleMs: number; attempts: number };
}

/** The learner's id as the instructor's API shows it: never the session id (the cookie's value). */
export function learnerId(sessionId: string): string {
  return crypto.createHash('sha256').update(`learner:${sessionId}`).digest('hex').slice(0, 16);
}

export function workshopView(row: WorkshopRow): WorkshopView {
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    lessons: JSON.parse(row.lessons) as string[],
    expectedSize: row.expected_size,
    sessionMinutes: Math.round(row.session_ms / 60_000),
    state: row.state,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    joinPath: `/join/?code=${row.code}`,
  };
}

export function columnsOf(library: LessonLibrary, lessons: string[]): StepColumn[] {
  return lessons.flatMap((slug) => {
    const loaded = library.get(slug);
    if (!loaded) return [];
    return loaded.lesson.steps.map((step) => ({ lesson: slug, lessonTitle: loaded.lesson.title, step: step.id, title: step.title }));
  });
}

export function cellOf(row: StepProgressRow | undefined): Cell {
  if (!row) return { status: 'not_started', attempts: 0, message: null, doneAt: null, skippedAt: null };
  const skippedAt = row.done_at ? null : row.skipped_at;
  const status: CellStatus = row.done_at ? 'done' : skippedAt ? 'skipped' : row.attempts > 0 ? 'failing' : 'working';
  return { status, attempts: row.attempts, message: row.last_message, doneAt: row.done_at, skippedAt };
}

export function learnerView(
  learner: LearnerRow,
  columns: StepColumn[],
  rows: StepProgressRow[],
  sandbox: SandboxRow | undefined,
  queuePosition: number | null,
  notice: SandboxNotice | null = null,
  now = Date.now(),
): LearnerView {
  const byKey = new Map(rows.map((r) => [`${r.lesson}\n${r.step}`, r]));
  const cells = columns.map((c) => cellOf(byKey.get(`${c.lesson}\n${c.step}`)));
  const doneTimes = cells.map((c) => c.doneAt).filter((t): t is number => t !== null);
  const lastProgressAt = Math.max(learner.admitted_at ?? learner.joined_at, ...doneTimes);
  const current = cells.find((c) => c.status !== 'done' && c.status !== 'skipped');
  const done = cells.filter((c) => c.status === 'done').length;
  return {
    id: learnerId(learner.session_id),
    name: learner.display_name,
    joinedAt: learner.joined_at,
    queuePosition,
    sandbox: sandbox ? { id: sandbox.id, state: sandbox.state } : null,
    expiresAt: learner.expires_at,
    removed: learner.removed_at !== null,
    done,
    lastProgressAt,
    stuck:
      learner.removed_at !== null || queuePosition !== null
        ? null
        : stuckReason({ lastProgressAt, failingAttempts: current?.status === 'failing' ? current.attempts : 0, finished: done === columns.length && columns.length > 0 }, now),
    notice,
    cells,
  };
}

export function countsOf(columns: StepColumn[], learners: LearnerView[]): Array<Record<CellStatus, number>> {
  return columns.map((_, i) => {
    const counts: Record<CellStatus, number> = { not_started: 0, working: 0, failing: 0, skipped: 0, done: 0 };
    for (const learner of learners) counts[learner.cells[i]!.status]++;
    return counts;
  });
}

export function dashboardView(workshop: WorkshopRow, columns: StepColumn[], learners: LearnerView[]): DashboardView {
  return {
    workshop: workshopView(workshop),
    columns,
    learners,
    counts: countsOf(columns, learners),
    completions: learners.flatMap((l) => l.cells.map((c) => c.doneAt).filter((t): t is number => t !== null)).sort((a, b) => a - b),
    stuckRule: { idleMs: STUCK_IDLE_MS, attempts: STUCK_ATTEMPTS },
  };
}
