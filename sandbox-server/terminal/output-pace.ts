// Paces a background terminal's output: a token bucket of bytes per second. A shell flooding
// its terminal (`yes`, `cat` of a huge file) runs as fast as the whole chain can carry it — the
// program itself, the pty, the engine's relay (containerd-shim and dockerd), this server — and
// that chain takes most of a small machine's cores. Flow control alone does not stop it: a
// viewer that draws fast acknowledges fast. While the learner types in another tab of the same
// sandbox, the flooding tab is therefore read only at a background rate; its shell stream is
// paused in between, so the program blocks on its pty and the cores are free for the tab in use.
// No byte is dropped: pacing only delays reading.

/** How fast a terminal is read while another tab of its sandbox is in use, and for how long. */
export interface PacingOptions {
  /** Bytes per second a background tab is read at. */
  backgroundBytesPerSecond: number;
  /** A tab counts as in use this long after its last input. */
  foregroundMs: number;
}

export const DEFAULT_PACING: PacingOptions = {
  // About 3 000 lines of 80 characters a second: far more than anyone reads, and what `docker
  // build`, `docker logs -f` or `docker compose up` print is well below it.
  backgroundBytesPerSecond: 256 * 1024,
  foregroundMs: 5_000,
};

/** Bytes read at once before pacing starts (and after each pause, what a pause may let through). */
const BURST = 64 * 1024;

/** A token bucket of output bytes, with the pause it calls for. */
export class OutputPacer {
  private tokens = BURST;
  private at = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Bytes per second this terminal may be read at now; Infinity when it is not paced. */
    private readonly rate: () => number,
    /** The pause began or ended: the owner pauses or resumes its shell's stream. */
    private readonly changed: () => void,
  ) {}

  /** True while reading must wait. */
  get pausing(): boolean {
    return this.timer !== undefined;
  }

  /** Counts `bytes` just read; starts a pause when they overdraw the bucket. */
  read(bytes: number, now = performance.now()): void {
    const rate = this.rate();
    if (!Number.isFinite(rate)) {
      this.tokens = BURST;
      this.at = now;
      return;
    }
    this.tokens = Math.min(BURST, this.tokens + ((now - this.at) * rate) / 1000);
    this.at = now;
    this.tokens -= bytes;
    // Bytes already on their way still arrive during a pause (the stream's own buffer): they
    // deepen the debt, which the next pause pays back.
    if (this.tokens >= 0 || this.timer) return;
    this.timer = setTimeout(() => this.release(), Math.ceil((-this.tokens / rate) * 1000));
    this.changed();
  }

  /** Ends a pause now (the tab is in use again). */
  release(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.changed();
  }

  /** Forgets a pause without telling anyone (the terminal has ended). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
