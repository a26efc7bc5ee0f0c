// A server-sent events client for tests (what the browser's EventSource does), keeping every
// event with the time it arrived.
import { readServerSentEvents } from '../../support/sse.js';
export interface ServerEvent {
  event: string;
  data: unknown;
  at: number;
}

export class EventStream {
  readonly events: ServerEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private constructor(private readonly abort: AbortController) {}

  static async open(url: string, cookie: string): Promise<EventStream> {
    const abort = new AbortController();
    const response = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: abort.signal });
    if (response.status !== 200 || !response.body) throw new Error(`event stream answered ${response.status}: ${await response.text()}`);
    const stream = new EventStream(abort);
    void stream.read(response.body);
    return stream;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    try {
      await readServerSentEvents(body, (event, data) => {
        this.events.push({ event, data, at: performance.now() });
        for (const wake of this.waiters) wake();
      });
    } catch {
      // Aborted by close().
    }
  }

  /** Resolves with the first event (already received or still to come) that matches. */
  async waitFor(what: string, match: (e: ServerEvent) => boolean, timeoutMs = 30_000): Promise<ServerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => [e.event, (e.data as { step?: { id: string; status: string } }).step ?? '']))}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
        setTimeout(wake, 100);
      });
    }
  }

  close(): void {
    this.abort.abort();
  }
}

/** Matches a `step` event for this step in this status. */
export const stepEvent = (id: string, status: string) => (e: ServerEvent) => {
  const step = (e.data as { step?: { id: string; status: string } }).step;
  return e.event === 'step' && step?.id === id && step.status === status;
};
