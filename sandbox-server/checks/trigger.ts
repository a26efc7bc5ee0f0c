// Coalesces bursts of triggers into one evaluation. `docker run` alone emits create, connect
// and start events; the shell's prompt follows. Waiting a little after the last trigger (but
// never longer than MAX_WAIT after the first) evaluates once per burst, promptly.
export type TriggerReason = 'engine' | 'prompt' | 'save' | 'check' | 'open';

/** Quiet time after an engine event before evaluating. */
export const ENGINE_QUIET_MS = 200;
/**
 * After a prompt the command is over and its engine events have been sent; only stragglers
 * remain, so a short wait suffices.
 */
export const PROMPT_QUIET_MS = 40;
/** A steady stream of events (a container restarting in a loop) still gets evaluated. */
export const MAX_WAIT_MS = 1000;

export class Trigger {
  private timer: NodeJS.Timeout | undefined;
  private firstAt = 0;
  private reasons = new Set<TriggerReason>();

  constructor(private readonly fire: (reasons: Set<TriggerReason>) => void) {}

  schedule(reason: TriggerReason): void {
    const now = Date.now();
    if (this.reasons.size === 0) this.firstAt = now;
    this.reasons.add(reason);
    // A save, like a prompt, ends what the learner did: nothing more is on its way.
    const quiet = this.reasons.has('prompt') || this.reasons.has('save') ? PROMPT_QUIET_MS : ENGINE_QUIET_MS;
    const delay = Math.max(0, Math.min(quiet, this.firstAt + MAX_WAIT_MS - now));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const reasons = this.reasons;
      this.reasons = new Set();
      this.fire(reasons);
    }, delay);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.reasons = new Set();
  }
}
