// The browser's side of the classroom API (instructor and learner pages).
import { ApiError } from './api.js';

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
    const error = (json as { error?: { code?: string; message?: string } }).error;
    throw new ApiError(response.status, error?.code ?? 'error', error?.message ?? `The server answered ${response.status}.`);
  }
  return { status: response.status, body: json as T };
}

export interface LearnerState {
  workshop: { title: string; code: string; state: string; lessons: Array<{ slug: string; title: string }> };
  name: string;
  status: 'ready' | 'queued' | 'removed' | 'ended';
  position: number | null;
  expiresAt: number | null;
  warnBeforeMs: number;
  start: string;
}

/** "1 h 05 min", "12 min", "40 s". */
export function timeLeft(ms: number): string {
  if (ms <= 0) return 'no time';
  const minutes = Math.floor(ms / 60_000);
  if (minutes >= 60) return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
  if (minutes >= 1) return `${minutes} min`;
  return `${Math.ceil(ms / 1000)} s`;
}
