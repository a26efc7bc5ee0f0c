// The instructor's view of a workshop: learners × steps of its lessons, each cell not started,
// working, failing (with the last message), skipped by the learner or done; per-step counts;
// completions over time; who is stuck or idle; the class view's groups of learners failing a step.
// Built from the store's rows in the shapes of the shared contract (contract/dashboard.ts), with
// the rules the instructor's page applies too (contract/dashboard-rules.ts).
import crypto from 'node:crypto';
import type { Cell, CellStatus, DashboardView, LearnerView, StepColumn, WorkshopView } from '../../contract/dashboard.js';
import { countsOf, failureGroups, idleReason, STUCK_RULE, stuckReason } from '../../contract/dashboard-rules.js';
import type { SandboxNotice } from '../../contract/notices.js';
import type { LessonLibrary } from '../lessons/library.js';
import type { StepProgressRow } from '../store/progress.js';
import type { SandboxRow } from '../store/sandboxes.js';
import type { LearnerRow, WorkshopRow } from './store.js';

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
  if (!row) return { status: 'not_started', attempts: 0, message: null, doneAt: null, skippedAt: null, markedBy: null, hintsShown: 0, solutionOpenedAt: null, runs: 0 };
  const skippedAt = row.done_at ? null : row.skipped_at;
  const status: CellStatus = row.done_at ? 'done' : skippedAt ? 'skipped' : row.attempts > 0 ? 'failing' : 'working';
  return {
    status,
    attempts: row.attempts,
    message: row.last_message,
    doneAt: row.done_at,
    skippedAt,
    markedBy: row.done_at ? (row.marked_by ?? null) : null,
    hintsShown: row.hints_shown ?? 0,
    solutionOpenedAt: row.solution_opened_at ?? null,
    runs: row.runs ?? 0,
  };
}

export function learnerView(
  learner: LearnerRow,
  columns: StepColumn[],
  rows: StepProgressRow[],
  sandbox: SandboxRow | undefined,
  queuePosition: number | null,
  notice: SandboxNotice | null = null,
  now = Date.now(),
  hand: LearnerView['hand'] = null,
): LearnerView {
  const byKey = new Map(rows.map((r) => [`${r.lesson}\n${r.step}`, r]));
  const cells = columns.map((c) => cellOf(byKey.get(`${c.lesson}\n${c.step}`)));
  const doneTimes = cells.map((c) => c.doneAt).filter((t): t is number => t !== null);
  const lastProgressAt = Math.max(learner.admitted_at ?? learner.joined_at, ...doneTimes);
  // The sandbox's last activity is the learner's last terminal input or command (and its
  // hand-over to them): what tells idle apart from stuck.
  const lastActivityAt = Math.max(learner.admitted_at ?? learner.joined_at, learner.readmitted_at ?? 0, sandbox?.last_active_at ?? 0);
  const view: LearnerView = {
    id: learnerId(learner.session_id),
    name: learner.display_name,
    joinedAt: learner.joined_at,
    queuePosition,
    sandbox: sandbox ? { id: sandbox.id, state: sandbox.state, machine: null } : null,
    expiresAt: learner.expires_at,
    removed: learner.removed_at !== null,
    removedAt: learner.removed_at,
    readmittedAt: learner.readmitted_at,
    done: cells.filter((c) => c.status === 'done').length,
    lastProgressAt,
    lastActivityAt,
    stuck: null,
    idle: null,
    notice,
    cells,
    hand,
  };
  return { ...view, stuck: stuckReason(view, STUCK_RULE), idle: idleReason(view, STUCK_RULE, now) };
}

export function dashboardView(workshop: WorkshopRow, columns: StepColumn[], learners: LearnerView[]): DashboardView {
  return {
    workshop: workshopView(workshop),
    columns,
    learners,
    counts: countsOf(columns, learners),
    completions: learners.flatMap((l) => l.cells.map((c) => c.doneAt).filter((t): t is number => t !== null)).sort((a, b) => a - b),
    failures: failureGroups(columns, learners),
    stuckRule: STUCK_RULE,
  };
}
