// The browser's side of the session API, shared by every page that gives the learner a sandbox.
// The shapes are the shared contract's (contract/), so the pages and the API cannot drift apart.
import type { ApiErrorBody } from '../../contract/errors.js';
import type { SandboxNotice } from '../../contract/notices.js';
import type { SessionView } from '../../contract/session-api.js';

export type { SandboxNotice, SessionView };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Sends JSON (or nothing) and returns the JSON answer, or throws an ApiError with the server's words. */
export async function send<T>(path: string, method: 'GET' | 'POST' | 'DELETE' = 'GET', body?: unknown): Promise<{ status: number; body: T }> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'network', 'The Slipway server does not answer. Check your network connection.');
  }
  const json = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = (json as Partial<ApiErrorBody>).error;
    throw new ApiError(response.status, error?.code ?? 'error', error?.message ?? `The server answered ${response.status}.`);
  }
  return { status: response.status, body: json as T };
}

/** Calls the session API (POST with an empty JSON body, or GET) and returns its JSON. */
export async function api<T = SessionView>(path: string, method: 'GET' | 'POST' = 'POST'): Promise<T> {
  return (await send<T>(path, method, method === 'POST' ? {} : undefined)).body;
}

/** A sentence for the learner: what went wrong and, where it helps, what to do. */
export function explain(err: unknown): string {
  if (!(err instanceof ApiError)) return `Something went wrong: ${(err as Error).message}`;
  switch (err.code) {
    case 'capacity': return `No sandbox is free right now. ${err.message}`;
    case 'create_failed': return `Your sandbox could not be created. ${err.message}`;
    case 'engine_unavailable': return `The sandbox's Docker Engine is not available. ${err.message}`;
    case 'disk_full': return `The server is out of disk space. ${err.message}`;
    default: return err.message;
  }
}

/** Gets (or resumes) this browser's session and its sandbox. */
export async function ensureSandbox(): Promise<SessionView> {
  await api('/api/session');
  return api('/api/session/sandbox');
}

/** "Sandbox sbx-… · until 14:30", with the isolation warning when there is none. */
export function describeSandbox(view: SessionView): string {
  const sandbox = view.sandbox;
  if (!sandbox) return 'No sandbox';
  const expires = sandbox.expiresAt ? ` · until ${new Date(sandbox.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}` : '';
  const disk = sandbox.disk && sandbox.disk.level !== 'ok' ? ` · disk ${Math.round((100 * sandbox.disk.usedBytes) / sandbox.disk.limitBytes)}% full` : '';
  return `Sandbox ${sandbox.id}${expires}${disk}${sandbox.isolated ? '' : ' · NOT isolated (local driver)'}`;
}
