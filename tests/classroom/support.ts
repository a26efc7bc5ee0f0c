// Helpers for the classroom tests: an instructor logged in over HTTP, learners joining, and a
// reader of the dashboard's server-sent events.
import type { Browser, BrowserContext, Page } from 'playwright-core';
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

/**
 * Waits until the instructor's dashboard shows a running workshop. When it does not, the error
 * says what the page showed instead: its state, whether its event stream was live, its problem
 * line, and the answer of the same event stream asked from outside the browser.
 */
export async function waitForRunningDashboard(page: Page, server: TestServer, timeoutMs = 90_000): Promise<void> {
  try {
    await page.waitForSelector('.dashboard[data-state="running"]', { timeout: timeoutMs });
  } catch (err) {
    const shown = await page.evaluate(() => ({
      url: location.href,
      state: document.querySelector<HTMLElement>('.dashboard')?.dataset.state,
      live: document.getElementById('ws-live')?.textContent,
      problem: document.getElementById('dash-problem')?.textContent,
    }));
    const cookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const id = new URL(shown.url).searchParams.get('id') ?? '';
    const controller = new AbortController();
    const stream = await fetch(`${server.url}/api/instructor/workshops/${id}/events`, { headers: { cookie: cookies }, signal: controller.signal }).catch((e: Error) => e);
    const answer = stream instanceof Error ? stream.message : `${stream.status} ${stream.headers.get('content-type')}`;
    controller.abort();
    throw new Error(`the dashboard did not show a running workshop: ${JSON.stringify(shown)}; its event stream answers ${answer}; ${(err as Error).message.split('\n')[0]}`);
  }
}

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

/** A workshop of `lessons`, created and started by the instructor (whose cookie comes with it). */
export async function startedWorkshop(server: TestServer, body: { title: string; lessons: string[]; expectedSize: number; sessionMinutes: number }): Promise<{ instructor: string; workshop: { id: string; code: string } }> {
  const instructor = await instructorCookie(server);
  const workshop = (await call(server, 'POST', '/api/instructor/workshops', { cookie: instructor, body })).body;
  const started = await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/start`, { cookie: instructor });
  if (started.status !== 200) throw new Error(`start answered ${started.status}: ${started.text}`);
  return { instructor, workshop };
}

/** A browser context of a learner who joined with `code` as `name` over HTTP (it carries their session cookie). */
export async function joinedContext(server: TestServer, browser: Browser, code: string, name: string): Promise<BrowserContext> {
  const joined = await call(server, 'POST', '/api/classroom/join', { body: { code, name } });
  if (joined.status !== 200) throw new Error(`join answered ${joined.status}: ${joined.text}`);
  const [cookieName, value] = cookieOf(joined, 'slipway_session').split('=') as [string, string];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: cookieName, value, url: server.url }]);
  return context;
}
