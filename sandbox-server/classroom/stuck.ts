// Who looks stuck: no step finished for a while, or the same step failing again and again.
export const STUCK_IDLE_MS = 5 * 60_000;
export const STUCK_ATTEMPTS = 3;

export interface StuckInput {
  /** When the learner last finished a step (or joined, if none yet). */
  lastProgressAt: number;
  /** Failed attempts at the step they are on now. */
  failingAttempts: number;
  /** Every step of the workshop is done. */
  finished: boolean;
}

/** Why the learner is stuck, in words, or null. */
export function stuckReason(input: StuckInput, now = Date.now()): string | null {
  if (input.finished) return null;
  if (input.failingAttempts >= STUCK_ATTEMPTS) return `the same check failed ${input.failingAttempts} times`;
  const idle = now - input.lastProgressAt;
  if (idle >= STUCK_IDLE_MS) return `no step done for ${Math.floor(idle / 60_000)} minutes`;
  return null;
}
