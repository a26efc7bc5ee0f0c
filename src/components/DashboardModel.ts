// The instructor dashboard's state in the browser: the snapshot from the event stream, kept up
// to date by learner/workshop events. Counts, stuck flags and the chart are derived from it.
import type { SandboxNotice } from '../../sandbox-server/sandboxes/notices.js';

export type CellStatus = 'not_started' | 'working' | 'failing' | 'skipped' | 'done';
export interface Cell { status: CellStatus; attempts: number; message: string | null; doneAt: number | null; skippedAt: number | null }
export interface Column { lesson: string; lessonTitle: string; step: string; title: string }
export interface Learner {
  id: string; name: string; joinedAt: number; queuePosition: number | null; sandbox: { id: string; state: string } | null;
  expiresAt: number | null; removed: boolean; done: number; lastProgressAt: number; stuck: string | null; cells: Cell[];
  /** The latest thing that happened to the learner's sandbox without their asking (the server's type). */
  notice: SandboxNotice | null;
}
export interface Workshop {
  id: string; code: string; title: string; lessons: string[]; expectedSize: number; sessionMinutes: number;
  state: 'created' | 'running' | 'ended'; createdAt: number; startedAt: number | null; endedAt: number | null; joinPath: string;
}
export interface Snapshot { workshop: Workshop; columns: Column[]; learners: Learner[]; stuckRule: { idleMs: number; attempts: number } }
export interface Warm { target: number; pooled: number; creating: number; inUse: number; capacity: { total: number; computation: string[] } }

/** The same rule as the server's (classroom/stuck.ts), re-applied as time passes. */
export function stuckReason(learner: Learner, rule: Snapshot['stuckRule'], now = Date.now()): string | null {
  if (learner.removed || learner.queuePosition !== null || learner.cells.length === 0) return null;
  const current = learner.cells.find((c) => c.status !== 'done' && c.status !== 'skipped');
  if (!current) return null;
  if (current.status === 'failing' && current.attempts >= rule.attempts) return `the same check failed ${current.attempts} times`;
  const idle = now - learner.lastProgressAt;
  return idle >= rule.idleMs ? `no step done for ${Math.floor(idle / 60_000)} minutes` : null;
}

export function counts(snapshot: Snapshot): Array<Record<CellStatus, number>> {
  const active = snapshot.learners.filter((l) => !l.removed);
  return snapshot.columns.map((_, i) => {
    const c: Record<CellStatus, number> = { not_started: 0, working: 0, failing: 0, skipped: 0, done: 0 };
    for (const learner of active) c[learner.cells[i]!.status]++;
    return c;
  });
}

/** Cumulative completions over time as an SVG path, from the start to now. */
export function chartPath(snapshot: Snapshot, width: number, height: number, now = Date.now()): { path: string; total: number; max: number; from: number; to: number } {
  const times = snapshot.learners.flatMap((l) => l.cells.map((c) => c.doneAt).filter((t): t is number => t !== null)).sort((a, b) => a - b);
  const from = snapshot.workshop.startedAt ?? snapshot.workshop.createdAt;
  const to = Math.max(snapshot.workshop.endedAt ?? now, from + 60_000);
  const max = Math.max(1, snapshot.learners.filter((l) => !l.removed).length * snapshot.columns.length);
  const x = (t: number) => ((t - from) / (to - from)) * width;
  const y = (n: number) => height - (n / max) * height;
  let path = `M0,${height}`;
  times.forEach((t, i) => {
    path += ` L${x(t).toFixed(1)},${y(i).toFixed(1)} L${x(t).toFixed(1)},${y(i + 1).toFixed(1)}`;
  });
  path += ` L${width},${y(times.length).toFixed(1)}`;
  return { path, total: times.length, max, from, to };
}
