// The instructor dashboard's state in the browser: the snapshot from the event stream, kept up
// to date by learner/workshop/warm events, and the completion chart derived from it. The shapes
// and the rules (who is stuck, per-step counts) are the shared contract's (contract/dashboard.ts,
// contract/dashboard-rules.ts), so the page and the server can never disagree.
import { dashboardEvent, type DashboardEvent, type DashboardView, type WarmProgress } from '../../contract/dashboard.js';

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
