// The instructor's live dashboard on the wire: the snapshot (learners × the steps of the
// workshop's lessons, each cell not started, working, failing, skipped or done), and the events
// that keep it current on its server-sent event stream. The rules derived from it (who is
// stuck, per-step counts) are in dashboard-rules.ts, shared by the server and the page.
import { z } from 'zod';
import { sandboxNotice } from './notices.js';

export const cellStatus = z.enum(['not_started', 'working', 'failing', 'skipped', 'done']);
export type CellStatus = z.infer<typeof cellStatus>;

export const cell = z.object({
  status: cellStatus,
  attempts: z.number().int(),
  message: z.string().nullable(),
  doneAt: z.number().nullable(),
  /** When the learner skipped the step (null when they did not, or it is done). */
  skippedAt: z.number().nullable(),
  /** The instructor who marked the step done (a check that misfired); null when its checks did. */
  markedBy: z.string().nullable(),
  /** Help the learner used: hints shown, when they first opened the solution, Run buttons pressed. */
  hintsShown: z.number().int(),
  solutionOpenedAt: z.number().nullable(),
  runs: z.number().int(),
});
export type Cell = z.infer<typeof cell>;

export const stepColumn = z.object({ lesson: z.string(), lessonTitle: z.string(), step: z.string(), title: z.string() });
export type StepColumn = z.infer<typeof stepColumn>;

export const learnerView = z.object({
  /** Never the session id (the cookie's value): a hash of it. */
  id: z.string(),
  name: z.string(),
  joinedAt: z.number(),
  /** Place in the queue for a sandbox (1 = next), or null once admitted. */
  queuePosition: z.number().int().nullable(),
  /** `machine`: the one it runs on when sandboxes are spread over several (a swarm node), else null. */
  sandbox: z.object({ id: z.string(), state: z.string(), machine: z.string().nullable() }).nullable(),
  expiresAt: z.number().nullable(),
  removed: z.boolean(),
  /** When the instructor removed the learner (null while they are in, also once re-admitted). */
  removedAt: z.number().nullable(),
  /** When the instructor last re-admitted the learner after a removal. */
  readmittedAt: z.number().nullable(),
  done: z.number().int(),
  lastProgressAt: z.number(),
  /** The learner's last input in a terminal (or their admission, or their sandbox's start), whichever is latest. */
  lastActivityAt: z.number(),
  /** Why the learner looks stuck when the snapshot was taken: the same check failing again and again (the page re-applies the rule). */
  stuck: z.string().nullable(),
  /** Why the learner looks idle: no input for a while (apart from stuck: they may only be reading or away). */
  idle: z.string().nullable(),
  /** The latest thing that happened to the learner's sandbox without their asking (a limit hit, its engine restarted, removed...). */
  notice: sandboxNotice.nullable(),
  /** One per column of the workshop's steps, in the same order. */
  cells: z.array(cell),
  /** The learner's raised hand ("I need help"), until an instructor clears it or they lower it. */
  hand: z.object({ line: z.string(), raisedAt: z.number() }).nullable(),
});
export type LearnerView = z.infer<typeof learnerView>;

export const workshopState = z.enum(['created', 'running', 'ended']);
export type WorkshopState = z.infer<typeof workshopState>;

export const workshopView = z.object({
  id: z.string(),
  code: z.string(),
  title: z.string(),
  lessons: z.array(z.string()),
  expectedSize: z.number().int(),
  sessionMinutes: z.number().int(),
  state: workshopState,
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  joinPath: z.string(),
});
export type WorkshopView = z.infer<typeof workshopView>;

/** Idle: no terminal input for idleMs. Stuck: attempts failed attempts at the step the learner is on. */
export const stuckRule = z.object({ idleMs: z.number(), attempts: z.number().int() });
export type StuckRule = z.infer<typeof stuckRule>;

const statusCounts = z.object({ not_started: z.number().int(), working: z.number().int(), failing: z.number().int(), skipped: z.number().int(), done: z.number().int() });
export type StatusCounts = Record<CellStatus, number>;

/**
 * The class view: learners still in the workshop who are failing one step for one reason, the
 * near-miss diagnosis of the failing check (contract/diagnoses.ts) or else its message.
 */
export const failureGroup = z.object({
  /** Index into the columns. */
  column: z.number().int(),
  lesson: z.string(),
  step: z.string(),
  /** The diagnosis in a few words, or the failing check's message when it has none. */
  reason: z.string(),
  /** True when reason is a named near-miss diagnosis. */
  diagnosed: z.boolean(),
  /** One learner's full message, for the details. */
  example: z.string(),
  /** The learners' ids, in the roster's order. */
  learners: z.array(z.string()),
  /** Learners still in the workshop (the "of 30"). */
  of: z.number().int(),
});
export type FailureGroup = z.infer<typeof failureGroup>;

/** GET /api/instructor/workshops/:id, and the `snapshot` event. */
export const dashboardView = z.object({
  workshop: workshopView,
  columns: z.array(stepColumn),
  learners: z.array(learnerView),
  /** Per column: how many learners still in the workshop are in each state. */
  counts: z.array(statusCounts),
  /** Every completion time, ascending (the chart's data). */
  completions: z.array(z.number()),
  /** Per step, the learners failing it grouped by reason, largest group first (the page recomputes it as learners change). */
  failures: z.array(failureGroup),
  stuckRule,
});
export type DashboardView = z.infer<typeof dashboardView>;

/** How many sandboxes this machine holds, and how that was worked out. */
export const capacity = z.object({
  /** Sandboxes this server may run at once (pooled and in use). */
  total: z.number().int(),
  byMemory: z.number().int(),
  byCpu: z.number().int(),
  bySetting: z.number().int(),
  /** Sandboxes running now. */
  live: z.number().int(),
  /** One line per factor, in words, for the instructor page. */
  computation: z.array(z.string()),
});
export type Capacity = z.infer<typeof capacity>;

/** GET /api/instructor/capacity, and the `warm` event. */
export const warmProgress = z.object({
  /** Sandboxes the pool is filling up to (SLIPWAY_POOL_SIZE plus what workshops reserve). */
  target: z.number().int(),
  /** Warm sandboxes waiting (their engines answer). */
  pooled: z.number().int(),
  /** While a workshop runs: sandboxes waiting with their engines not started, for learners beyond the warm ones. */
  standby: z.object({ ready: z.number().int(), target: z.number().int() }),
  creating: z.number().int(),
  inUse: z.number().int(),
  /**
   * Learners' sandboxes whose Docker Engine is still to start (they have a prompt already):
   * waiting for their turn, and starting now. A class arriving at once shows here.
   */
  engines: z.object({ queued: z.number().int(), starting: z.number().int() }),
  capacity,
});
export type WarmProgress = z.infer<typeof warmProgress>;

/** GET /api/instructor/workshops/:id/events: a snapshot and the warm-up state first, then changes. */
export const dashboardEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), data: dashboardView }),
  /** One learner changed (joined, progressed, was reset, extended, renamed, removed or re-admitted). */
  z.object({ type: z.literal('learner'), data: learnerView }),
  /** The workshop started or ended. */
  z.object({ type: z.literal('workshop'), data: workshopView }),
  z.object({ type: z.literal('warm'), data: warmProgress }),
]);
export type DashboardEvent = z.infer<typeof dashboardEvent>;
