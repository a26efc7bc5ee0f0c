// A small HTTP client for the security and fuzz tests: any method, headers and body (JSON or
// raw bytes), and the answer's status, headers and parsed JSON error.
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
  /** The API's error code, when the answer is an error body. */
  code: string | undefined;
  message: string | undefined;
}

export interface RequestOptions {
  cookie?: string | undefined;
  headers?: Record<string, string>;
  /** Sent as JSON with content-type application/json. */
  body?: unknown;
  /** Sent as it is (with the content-type given in headers, if any). */
  raw?: string | Buffer;
  signal?: AbortSignal;
}

export async function request(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.body !== undefined && method !== 'GET' && method !== 'HEAD' ? { 'content-type': 'application/json' } : {}), ...options.headers };
  const bodyless = method === 'GET' || method === 'HEAD';
  const body: BodyInit | undefined = bodyless ? undefined : options.raw === undefined ? (options.body !== undefined ? JSON.stringify(options.body) : undefined) : typeof options.raw === 'string' ? options.raw : new Uint8Array(options.raw);
  const response = await fetch(baseUrl + path, { method, headers, body, redirect: 'manual', ...(options.signal ? { signal: options.signal } : {}) });
  // An event stream never ends by itself: its status and headers are the answer.
  const streaming = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
  if (streaming) await response.body?.cancel();
  const text = streaming ? '' : await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (a page, CSV, SVG, an event stream).
  }
  return { status: response.status, headers: response.headers, text, json, code: json?.error?.code, message: json?.error?.message };
}

/** The `name=value` part of a Set-Cookie the answer carries for `name`. */
export function cookieFrom(answer: Answer, name: string): string {
  const header = answer.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!header) throw new Error(`no ${name} cookie in the answer (${answer.status}: ${answer.text.slice(0, 200)})`);
  return header.split(';')[0]!;
}

export const describeAnswer = (a: Answer) => `${a.status} ${a.text.slice(0, 300)}`;
