// Follows one sandbox's inner engine event stream (`docker events`) and calls back on each
// event that can change what a check sees. Reconnects while the sandbox lives: a learner may
// kill the inner dockerd, which the sandbox restarts. With other filters it follows any
// engine's events the same way (the sandbox monitor follows the host engine's).
import type Docker from 'dockerode';
import type { Logger } from '../log.js';

export interface EngineEvent {
  Type: string;
  Action: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

const RECONNECT_MS = [250, 500, 1000, 2000, 5000];
/** What a check can see change: containers, images, volumes, networks. */
const CHECK_FILTERS = { type: ['container', 'image', 'volume', 'network'] };

/**
 * exec_* events come from health checks (every interval, forever) and from `docker exec`,
 * including the check engine's own script checks: none of them changes container state.
 */
export function isRelevant(event: EngineEvent): boolean {
  return !event.Action.startsWith('exec_') && !['attach', 'resize', 'top', 'export', 'copy', 'archive-path', 'extract-to-dir'].includes(event.Action);
}

export class EngineEvents {
  private stream: NodeJS.ReadableStream | undefined;
  private stopped = false;
  private failures = 0;
  private connectedBefore = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly engine: Docker,
    private readonly onEvent: (event: EngineEvent) => void,
    /** Asked before reconnecting: false ends the watch (the sandbox is gone). */
    private readonly stillWanted: () => boolean,
    private readonly log: Logger,
    /** Docker's event filters (type, event, label...). */
    private readonly filters: Record<string, string[]> = CHECK_FILTERS,
  ) {}

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    (this.stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
    this.stream = undefined;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const stream = (await this.engine.getEvents({ filters: this.filters })) as NodeJS.ReadableStream;
      if (this.stopped) return void (stream as unknown as { destroy: () => void }).destroy();
      this.stream = stream;
      this.failures = 0;
      // Events may have been missed while disconnected: treat the reconnection as one.
      if (this.connectedBefore) this.onEvent({ Type: 'engine', Action: 'reconnect' });
      this.connectedBefore = true;
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (!line) continue;
          try {
            const event = JSON.parse(line) as EngineEvent;
            if (isRelevant(event)) this.onEvent(event);
          } catch {
            // A line that is not JSON is not an event; nothing to react to.
          }
        }
      });
      const ended = () => {
        if (this.stream !== stream) return;
        this.stream = undefined;
        this.retry();
      };
      stream.on('end', ended);
      stream.on('close', ended);
      stream.on('error', ended);
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'inner engine events unavailable');
      this.retry();
    }
  }

  private retry(): void {
    if (this.stopped) return;
    if (!this.stillWanted()) return this.stop();
    const delay = RECONNECT_MS[Math.min(this.failures++, RECONNECT_MS.length - 1)]!;
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }
}
