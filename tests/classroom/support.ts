// Helpers for the classroom tests: an instructor logged in over HTTP, learners joining, and a
// reader of the dashboard's server-sent events.
import type { TestServer } from '../support/server.js';
import { readServerSentEvents } from '../support/sse.js';

export interface Http {
  status: number;
  body: any;
  headers: Headers;
  text: string;
}

export async function call(server: TestServer, method: string, path: string, options: { cookie?: string; body?: unknown } = {}): Promise<Http> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  let body: any = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    // CSV, SVG.
  }
  return { status: response.status, body, headers: response.headers, text };
}

export const cookieOf = (res: Http, name: string): string => {
  const header = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!header) throw new Error(`no ${name} cookie in the answer (${res.status}: ${res.text.slice(0, 200)})`);
  return header.split(';')[0]!;
};

/** Logs in with the one-time token, as the printed link does; returns the instructor cookie. */
export async function instructorCookie(server: TestServer): Promise<string> {
  const token = new URL(server.instructorLink(server.url)).searchParams.get('token')!;
  const res = await call(server, 'POST', '/api/instructor/login', { body: { token } });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${res.text}`);
  return cookieOf(res, 'slipway_instructor');
}

export interface SseEvent {
  type: string;
  data: any;
}

/** Reads a server-sent event stream into a list, until closed. */
export class EventReader {
  readonly events: SseEvent[] = [];
  private readonly controller = new AbortController();
  private done: Promise<void>;

  constructor(url: string, cookie: string) {
    this.done = (async () => {
      const response = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: this.controller.signal });
      if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
      await readServerSentEvents(response.body, (type, data) => this.events.push({ type, data }));
    })().catch((err: Error) => {
      if (err.name !== 'AbortError') throw err;
    });
  }

  async until(what: string, condition: (events: SseEvent[]) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition(this.events)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last events: ${JSON.stringify(this.events.slice(-3)).slice(0, 1500)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): Promise<void> {
    this.controller.abort();
    return this.done;
  }
}
