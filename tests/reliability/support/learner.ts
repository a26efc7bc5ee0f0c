// A learner as the lesson page drives the server: a session cookie, the JSON API, the progress
// event stream and the terminal WebSocket. Keeps what went wrong (failed requests, lost streams,
// error frames) so that soak scripts can count it instead of stopping at the first problem.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LessonProgressView } from '../../../contract/progress.js';
import type { SessionView } from '../../../contract/session-api.js';
import { readServerSentEvents } from '../../support/sse.js';
import { TermClient } from '../../terminal/support/client.js';

/** Two-step lesson whose steps are done by commands typed in the terminal (`echo hello-classroom`, `ls -la`). */
export const FIXTURE_LESSONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'classroom', 'fixtures', 'lessons');
export const FIXTURE_LESSON = 'classroom-basics';

export interface StepArrival {
  step: string;
  status: string;
  /** performance.now() when the event arrived. */
  at: number;
}

/**
 * The session's server-sent event stream (GET /api/session/events), as EventSource reads it,
 * noting each step event with its arrival time and whether the stream ended without being asked.
 */
export class ProgressStream {
  readonly steps: StepArrival[] = [];
  /** Set when the server ended the stream or the connection broke. */
  lost: string | undefined;
  private readonly abort = new AbortController();
  private closing = false;
  private readonly waiters = new Set<() => void>();

  private constructor() {}

  static async open(url: string, cookie: string): Promise<ProgressStream> {
    const stream = new ProgressStream();
    const response = await fetch(`${url}/api/session/events`, { headers: { cookie, accept: 'text/event-stream' }, signal: stream.abort.signal });
    if (response.status !== 200 || !response.body) throw new Error(`GET /api/session/events answered ${response.status}: ${await response.text()}`);
    void stream.read(response.body);
    return stream;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    try {
      await readServerSentEvents(body, (event, data) => {
        if (event !== 'step') return;
        const { step } = data as { step: { id: string; status: string } };
        this.steps.push({ step: step.id, status: step.status, at: performance.now() });
        this.wake();
      });
      if (!this.closing) this.lost = 'the server ended the event stream';
    } catch (err) {
      if (!this.closing) this.lost = `the event stream broke: ${(err as Error).message}`;
    }
    this.wake();
  }

  /** The arrival of `step` turning done, waiting for it up to timeoutMs. */
  async done(step: string, timeoutMs = 30_000): Promise<StepArrival> {
    const find = () => this.steps.find((s) => s.step === step && s.status === 'done');
    const deadline = Date.now() + timeoutMs;
    while (!find()) {
      if (this.lost) throw new Error(`no done event for ${step}: ${this.lost}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no done event for ${step} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
    return find()!;
  }

  close(): void {
    this.closing = true;
    this.abort.abort();
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Learner {
  events: ProgressStream | undefined;
  terminal: TermClient | undefined;

  private constructor(
    readonly url: string,
    readonly cookie: string,
  ) {}

  /** POST /api/session: a new learner, as a first visit to the site makes. */
  static async join(url: string): Promise<Learner> {
    const response = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    if (response.status !== 201) throw new ApiError(response.status, `POST /api/session answered ${response.status}: ${await response.text()}`);
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
    return new Learner(url, cookie);
  }

  /** The same learner (cookie) against another server process, e.g. after a restart. */
  on(url: string): Learner {
    return new Learner(url, this.cookie);
  }

  async api<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`, { method, headers: { cookie: this.cookie } });
    const text = await response.text();
    if (!response.ok) throw new ApiError(response.status, `${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  session(): Promise<SessionView> {
    return this.api('GET', '/api/session');
  }

  /** Opens a lesson as its page does: takes a sandbox if needed, copies starter files, starts checking. */
  openLesson(slug: string): Promise<LessonProgressView> {
    return this.api('POST', `/api/lessons/${slug}/open`);
  }

  progress(slug: string): Promise<LessonProgressView> {
    return this.api('GET', `/api/lessons/${slug}/progress`);
  }

  /** The page's "Reset sandbox" button: a fresh sandbox replaces the current one. */
  reset(): Promise<SessionView> {
    return this.api('POST', '/api/session/sandbox/reset');
  }

  async listen(): Promise<ProgressStream> {
    this.events = await ProgressStream.open(this.url, this.cookie);
    return this.events;
  }

  /** Opens the terminal (resuming an earlier one, as the page does after a drop) and waits for the shell's prompt. */
  async connectTerminal(resume?: { terminal: string; seq: number }): Promise<TermClient> {
    await this.terminal?.close();
    this.terminal = await TermClient.connect(this.url, { cookie: this.cookie, cols: 120, rows: 30, ...(resume ? { resume } : {}) });
    await this.terminal.waitFor(PROMPT, 60_000);
    return this.terminal;
  }

  /** Closes the event stream and the terminal, as closing the tab does. */
  async leave(): Promise<void> {
    this.events?.close();
    this.events = undefined;
    await this.terminal?.close();
    this.terminal = undefined;
  }
}

/** The sandbox shell's prompt at the end of the output (escape sequences removed). */
export const PROMPT = /# $/;
