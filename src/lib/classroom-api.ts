// The browser's side of the classroom API (instructor and learner pages). The shapes are the
// shared contract's (contract/classroom-api.ts), so the pages and the API cannot drift apart.
export { send } from './api.js';
export type { LearnerState } from '../../contract/classroom-api.js';

/** "1 h 05 min", "12 min", "40 s". */
export function timeLeft(ms: number): string {
  if (ms <= 0) return 'no time';
  const minutes = Math.floor(ms / 60_000);
  if (minutes >= 60) return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
  if (minutes >= 1) return `${minutes} min`;
  return `${Math.ceil(ms / 1000)} s`;
}
