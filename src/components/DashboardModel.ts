// The instructor dashboard's state in the browser: the snapshot from the event stream, kept up
// to date by learner/workshop/warm events, and what is derived from it: the completion chart,
// the columns' short names, and the rows shown (sorted, filtered, searched). The shapes
// and the rules (who is stuck, per-step counts) are the shared contract's (contract/dashboard.ts,
// contract/dashboard-rules.ts), so the page and the server can never disagree.
import { dashboardEvent, type DashboardEvent, type DashboardView, type LearnerView, type StepColumn, type WarmProgress } from '../../contract/dashboard.js';
import { failureGroups, idleReason, stuckReason } from '../../contract/dashboard-rules.js';

export interface DashboardState {
  snapshot?: DashboardView;
  warm?: WarmProgress;
}

/** The names of the stream's events. */
export const DASHBOARD_EVENT_TYPES: ReadonlyArray<DashboardEvent['type']> = dashboardEvent.options.map((option) => option.shape.type.value);

/** One event of the stream, or undefined when it does not fit the contract (the next snapshot corrects the page). */
export function readEvent(type: string, data: string): DashboardEvent | undefined {
  try {
    const parsed = dashboardEvent.safeParse({ type, data: JSON.parse(data) });
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Applies an event to the state; false when it changes nothing shown (a change before the first snapshot). */
export function applyEvent(state: DashboardState, event: DashboardEvent): boolean {
  switch (event.type) {
    case 'snapshot':
      state.snapshot = event.data;
      return true;
    case 'warm':
      state.warm = event.data;
      return true;
    case 'workshop':
      if (!state.snapshot) return false;
      state.snapshot.workshop = event.data;
      return true;
    case 'learner': {
      if (!state.snapshot) return false;
      const learners = state.snapshot.learners;
      const i = learners.findIndex((l) => l.id === event.data.id);
      if (i === -1) learners.push(event.data);
      else learners[i] = event.data;
      // The class view follows each learner's change, by the rule the server used for the snapshot.
      state.snapshot.failures = failureGroups(state.snapshot.columns, learners);
      return true;
    }
  }
}

/** Cumulative completions over time as an SVG path, from the start to now. */
export function chartPath(snapshot: DashboardView, width: number, height: number, now = Date.now()): { path: string; total: number; max: number; from: number; to: number } {
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

/**
 * A short name per column that identifies the step without hovering: the lesson's place in the
 * workshop and the step's place in the lesson ("L2·3").
 */
export function columnLabels(columns: ReadonlyArray<Pick<StepColumn, 'lesson'>>): string[] {
  const lessons: string[] = [];
  const steps = new Map<string, number>();
  return columns.map((c) => {
    if (!lessons.includes(c.lesson)) lessons.push(c.lesson);
    const n = (steps.get(c.lesson) ?? 0) + 1;
    steps.set(c.lesson, n);
    return `L${lessons.indexOf(c.lesson) + 1}·${n}`;
  });
}

export type GridSort = 'roster' | 'name' | 'progress' | 'activity' | 'stuck';
export type GridFilter = 'all' | 'stuck' | 'idle' | 'failing';

export interface GridView {
  sort: GridSort;
  filter: GridFilter;
  /** Part of a name, any case. */
  search: string;
  showRemoved: boolean;
}

/** The rows the grid shows, in the order asked: a class of 30–40 is read by sorting and narrowing. */
export function visibleLearners(snapshot: DashboardView, view: GridView, now = Date.now()): LearnerView[] {
  const needle = view.search.trim().toLocaleLowerCase();
  const stuck = (l: LearnerView) => stuckReason(l, snapshot.stuckRule) !== null;
  const idle = (l: LearnerView) => idleReason(l, snapshot.stuckRule, now) !== null;
  const shown = snapshot.learners.filter((l) => {
    if (l.removed && !view.showRemoved) return false;
    if (needle && !l.name.toLocaleLowerCase().includes(needle)) return false;
    if (view.filter === 'stuck') return stuck(l);
    if (view.filter === 'idle') return idle(l);
    if (view.filter === 'failing') return l.cells.some((c) => c.status === 'failing');
    return true;
  });
  const byName = (a: LearnerView, b: LearnerView) => a.name.localeCompare(b.name);
  switch (view.sort) {
    case 'roster':
      return shown;
    case 'name':
      return shown.sort(byName);
    // Furthest first; among equals, whoever finished their last step first.
    case 'progress':
      return shown.sort((a, b) => b.done - a.done || a.lastProgressAt - b.lastProgressAt || byName(a, b));
    // Longest without input first: whoever may need a look.
    case 'activity':
      return shown.sort((a, b) => a.lastActivityAt - b.lastActivityAt || byName(a, b));
    // Stuck first, then idle, then the rest; fewest steps done first within each.
    case 'stuck': {
      const rank = (l: LearnerView) => (stuck(l) ? 0 : idle(l) ? 1 : 2);
      return shown.sort((a, b) => rank(a) - rank(b) || a.done - b.done || byName(a, b));
    }
  }
}
