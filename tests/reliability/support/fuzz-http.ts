// HTTP fuzzing: seeded cases (fast-check) against every endpoint of the router stack, each with
// a method (often the wrong one), a path with good or bad parameters, credentials, a content
// type, and a body that is valid, nearly valid (a field dropped, added, of the wrong type),
// arbitrary JSON, malformed JSON, random bytes, oversized or absurdly nested. Plus raw bytes on
// the TCP port. The oracle: never a 5xx, never an unanswered request, an error body that names
// the problem, never a state change from another site, never an instructor answer without the
// instructor cookie, and no error in the server's log.
import net from 'node:net';
import fc from 'fast-check';
import { OWNER_PATH, VIEWER_PATH } from '../../../contract/terminal.js';
import { fill, label, STATE_CHANGING, type Endpoint } from './endpoints.js';
import type { FuzzTarget } from './fuzz-server.js';
import { request } from './http.js';

type Credentials = 'none' | 'learner' | 'instructor' | 'both' | 'forged' | 'malformed';
type Site = 'none' | 'same-origin' | 'cross-site' | 'odd-origin';

export type HttpCase =
  | {
      kind: 'request';
      endpoint: string;
      method: string;
      path: string;
      credentials: Credentials;
      site: Site;
      contentType: string | undefined;
      contentEncoding: string | undefined;
      body: BodySpec;
    }
  | { kind: 'raw'; bytes: string; why: string };

type BodySpec =
  | { type: 'none' }
  | { type: 'json'; value: unknown; why: string }
  | { type: 'text'; text: string; why: string }
  | { type: 'bytes'; base64: string }
  | { type: 'repeat'; prefix: string; fill: string; size: number; suffix: string; why: string };

/** Valid bodies for the endpoints that take one; the fuzzer sends them as they are or bent. */
const TEMPLATES: Record<string, { body: (t: FuzzTarget) => Record<string, unknown>; /** Never sent valid (it would end the fuzz workshop). */ bentOnly?: boolean }> = {
  'POST /api/session': { body: () => ({ displayName: 'Fuzz' }) },
  'POST /api/classroom/join': { body: (t) => ({ code: t.workshop.code, name: 'Fuzzer' }) },
  'POST /api/instructor/login': { body: () => ({ password: 'not the password' }) },
  'POST /api/instructor/workshops': { body: () => ({ title: 'Fuzzed', lessons: ['hello-containers'], expectedSize: 1, sessionMinutes: 30 }) },
  'POST /api/instructor/workshops/:id/extend': { body: () => ({ minutes: 5 }) },
  'POST /api/instructor/workshops/:id/learners/:learner/extend': { body: () => ({ minutes: 5 }) },
  'POST /api/instructor/workshops/:id/end': { body: () => ({ confirm: true }), bentOnly: true },
};

const ODD_STRINGS = ['', ' ', '..', '%2e%2e', '%00', '%zz', '%', 'a'.repeat(3000), '💥', '<script>alert(1)</script>', "'; DROP TABLE sessions; --", '__proto__', 'constructor', '-1', '1e309', 'null', '[]', '{}', 'hello-containers/../../etc/passwd', '\u0000', 'ÄÖÜ', 'sbx-0000000000'];

const anyString = fc.oneof(fc.constantFrom(...ODD_STRINGS), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
const anyJson = fc.jsonValue({ maxDepth: 4 });

function paramValue(name: string, t: FuzzTarget): fc.Arbitrary<{ value: string; encode: boolean }> {
  const real: Record<string, string[]> = { id: [t.workshop.id], slug: ['hello-containers', 'networks'], learner: [] };
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(real[name]?.length ? real[name]! : ['nobody'])).map((value) => ({ value, encode: true })) },
    { weight: 2, arbitrary: anyString.map((value) => ({ value, encode: true })) },
    // Sent as written: malformed percent-encoding, slashes, dots.
    { weight: 1, arbitrary: fc.constantFrom('%zz', '%', '%E0%A4%A', 'a/b', '..', '.', '%2F', '%5C', '%u0041').map((value) => ({ value, encode: false })) },
  );
}

function pathFor(endpoint: Endpoint, t: FuzzTarget): fc.Arbitrary<string> {
  const params = endpoint.params.map((name) => paramValue(name, t));
  const base = fc.tuple(...params).map((values) => {
    let i = 0;
    return endpoint.path.replace(/:(\w+)/g, () => {
      const { value, encode } = values[i++]!;
      return encode ? encodeURIComponent(value) : value;
    });
  });
  const suffix = fc.oneof(
    { weight: 6, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom('/', '/extra', '//', '?', '#frag', '.json') },
    { weight: 2, arbitrary: fc.array(fc.tuple(anyString, anyString), { maxLength: 4 }).map((pairs) => '?' + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')) },
    { weight: 1, arbitrary: fc.constantFrom('?__proto__[polluted]=1', '?a[b][c][d]=1', '?token=' + 'x'.repeat(5000), '?%zz=%zz') },
  );
  return fc.tuple(base, suffix).map(([path, tail]) => path + tail);
}

function bend(template: Record<string, unknown>): fc.Arbitrary<{ value: unknown; why: string }> {
  const keys = Object.keys(template);
  const key = fc.constantFrom(...keys);
  return fc.oneof(
    key.map((k) => ({ value: Object.fromEntries(Object.entries(template).filter(([name]) => name !== k)), why: `without ${k}` })),
    fc.tuple(anyString, anyJson).map(([k, v]) => ({ value: { ...template, [k || 'extra']: v }, why: `unknown field ${JSON.stringify(k || 'extra').slice(0, 40)}` })),
    fc.tuple(key, anyJson).map(([k, v]) => ({ value: { ...template, [k]: v }, why: `${k} of another type` })),
    fc.tuple(key, fc.constantFrom(null, -1, 0, 1.5, 2 ** 53, '', 'x'.repeat(10_000), [], {}, true)).map(([k, v]) => ({ value: { ...template, [k]: v }, why: `${k} out of range` })),
  );
}

function bodyFor(endpoint: Endpoint, t: FuzzTarget): fc.Arbitrary<BodySpec> {
  const template = TEMPLATES[label(endpoint)];
  const options: Array<fc.WeightedArbitrary<BodySpec>> = [
    { weight: 2, arbitrary: fc.constant({ type: 'none' as const }) },
    { weight: 2, arbitrary: anyJson.map((value) => ({ type: 'json' as const, value, why: 'arbitrary JSON' })) },
    { weight: 1, arbitrary: fc.constant({ type: 'json' as const, value: {}, why: 'empty object' }) },
    { weight: 2, arbitrary: fc.oneof(fc.string({ maxLength: 200 }), fc.json().map((text) => text.slice(0, Math.max(1, text.length - 1)))).map((text) => ({ type: 'text' as const, text, why: 'malformed JSON' })) },
    { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '1e309', '{"minutes":1e309}', '"\\ud800"', '{"code":"\\u0000","name":"\\u0000"}', '{"a":1,"a":2}', 'null', '[]', '{"confirm":"true"}').map((text) => ({ type: 'text' as const, text, why: 'tricky JSON' })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({ type: 'bytes' as const, base64: Buffer.from(bytes).toString('base64') })) },
    { weight: 1, arbitrary: fc.constantFrom(70 * 1024, 1024 * 1024 + 7).map((size) => ({ type: 'repeat' as const, prefix: '{"name":"', fill: 'a', size, suffix: '"}', why: `oversized (${size} bytes)` })) },
    { weight: 1, arbitrary: fc.constantFrom(1000, 20_000).map((size) => ({ type: 'repeat' as const, prefix: '', fill: '[', size, suffix: ']'.repeat(size), why: `nested ${size} deep` })) },
  ];
  if (template) {
    const valid = template.body(t);
    if (!template.bentOnly) options.push({ weight: 2, arbitrary: fc.constant({ type: 'json' as const, value: valid, why: 'valid' }) });
    // Bent, so never the valid body itself (which a bend may hit by chance).
    const bent = bend(valid).filter(({ value }) => JSON.stringify(value) !== JSON.stringify(valid));
    options.push({ weight: 4, arbitrary: bent.map(({ value, why }) => ({ type: 'json' as const, value, why })) });
  }
  return fc.oneof(...options);
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json; charset=nope', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=zz', 'application/vnd.api+json', ';;;', 'application/json; charset='];

function rawCase(): fc.Arbitrary<HttpCase> {
  return fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 512 }).map((bytes) => ({ kind: 'raw' as const, bytes: Buffer.from(bytes).toString('base64'), why: 'random bytes' })),
    fc.constantFrom(
      ['GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'a'.repeat(100_000) + '\r\n\r\n', 'a 100 KB header'],
      ['POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 'a bad chunk size'],
      ['POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{}', 'a body shorter than its Content-Length'],
      ['POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 'two Content-Lengths'],
      ['GET /api/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n', 'a dot-dot path'],
      ['GET \u0000 HTTP/1.1\r\n\r\n', 'a NUL path'],
      ['BREW /api/session HTTP/1.1\r\nHost: x\r\n\r\n', 'an unknown method'],
      ['GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n', 'an unknown HTTP version'],
    ).map(([text, why]) => ({ kind: 'raw' as const, bytes: Buffer.from(text!, 'latin1').toString('base64'), why: why! })),
  );
}

/** The arbitrary of one HTTP case against these endpoints (and the terminal paths over plain HTTP). */
export function httpCase(all: Endpoint[], t: FuzzTarget): fc.Arbitrary<HttpCase> {
  const targets: Endpoint[] = [...all, { method: 'GET', path: OWNER_PATH, params: [] }, { method: 'GET', path: VIEWER_PATH, params: [] }, { method: 'POST', path: '/api/no/such/thing', params: [] }];
  const requestCase = fc.constantFrom(...targets).chain((endpoint) =>
    fc.record({
      kind: fc.constant('request' as const),
      endpoint: fc.constant(label(endpoint)),
      method: fc.oneof({ weight: 5, arbitrary: fc.constant(endpoint.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      path: pathFor(endpoint, t),
      credentials: fc.constantFrom<Credentials>('none', 'learner', 'learner', 'instructor', 'instructor', 'both', 'forged', 'malformed'),
      site: fc.oneof({ weight: 6, arbitrary: fc.constantFrom<Site>('none', 'same-origin') }, { weight: 1, arbitrary: fc.constantFrom<Site>('cross-site', 'odd-origin') }),
      contentType: fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.constant(undefined) }),
      contentEncoding: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-nope') }),
      body: bodyFor(endpoint, t),
    }),
  );
  return fc.oneof({ weight: 19, arbitrary: requestCase }, { weight: 1, arbitrary: rawCase() });
}

function bodyBytes(body: BodySpec): Buffer | undefined {
  switch (body.type) {
    case 'none':
      return undefined;
    case 'json':
      return Buffer.from(JSON.stringify(body.value) ?? 'null');
    case 'text':
      return Buffer.from(body.text);
    case 'bytes':
      return Buffer.from(body.base64, 'base64');
    case 'repeat':
      return Buffer.from(body.prefix + body.fill.repeat(body.size) + body.suffix);
  }
}

/** A short description of the case, to print with its seed. */
export function describeHttpCase(c: HttpCase): string {
  if (c.kind === 'raw') return `raw bytes on the port (${c.why}): ${Buffer.from(c.bytes, 'base64').toString('latin1').slice(0, 120).replace(/[^\x20-\x7e]/g, '.')}`;
  const body = c.body.type === 'none' ? 'no body' : c.body.type === 'bytes' ? `${Buffer.from(c.body.base64, 'base64').length} random bytes` : c.body.type === 'repeat' ? c.body.why : `${c.body.why}: ${(c.body.type === 'json' ? JSON.stringify(c.body.value) ?? 'undefined' : c.body.text).slice(0, 160)}`;
  return `${c.method} ${c.path.slice(0, 160)} (endpoint ${c.endpoint}; ${c.credentials} credentials; ${c.site}; ${c.contentType ?? 'no content-type'}${c.contentEncoding ? `; encoding ${c.contentEncoding}` : ''}; ${body})`;
}

const INSTRUCTOR_OPEN = new Set(['/api/instructor/status', '/api/instructor/login']);

/** Runs one case; returns what is wrong with the server's answer, or undefined. */
export async function runHttpCase(t: FuzzTarget, c: HttpCase): Promise<string | undefined> {
  if (c.kind === 'raw') return runRaw(t, Buffer.from(c.bytes, 'base64'));
  const cookies: Record<Credentials, string | undefined> = {
    none: undefined,
    learner: t.learnerCookie,
    instructor: t.instructorCookie,
    both: `${t.learnerCookie}; ${t.instructorCookie}`,
    forged: 'slipway_session=s%3Aforged.c2lnbmF0dXJl; slipway_instructor=bm9uY2U.c2lnbmF0dXJl',
    malformed: 'slipway_session=%E0%A4%A; slipway_instructor=%; =; ;;; a=b=c',
  };
  const headers: Record<string, string> = {};
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  if (c.contentEncoding !== undefined) headers['content-encoding'] = c.contentEncoding;
  if (c.site === 'same-origin') Object.assign(headers, { 'sec-fetch-site': 'same-origin', origin: t.url });
  if (c.site === 'cross-site') Object.assign(headers, { 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' });
  if (c.site === 'odd-origin') headers.origin = 'http://[::1';
  const bytes = bodyBytes(c.body);
  let answer;
  try {
    answer = await request(t.url, c.method, c.path, { cookie: cookies[c.credentials], headers, ...(bytes ? { raw: bytes } : {}), signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    // fetch refuses some requests itself (a malformed URL): not the server's doing.
    if (err instanceof TypeError && /Invalid URL|Failed to parse URL|cannot have body|Request cannot be constructed/i.test(err.message)) return undefined;
    return `no answer: ${(err as Error).message}`;
  }
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`answered ${answer.status}`);
  if (answer.status >= 400 && c.method !== 'HEAD' && (typeof answer.code !== 'string' || typeof answer.message !== 'string' || answer.message.length === 0)) {
    problems.push(`an error without a code and message: ${answer.text.slice(0, 200)}`);
  }
  // As express routes it: case-insensitive, a trailing slash ignored.
  const pathname = new URL(c.path, t.url).pathname.toLowerCase().replace(/(.)\/$/, '$1');
  if (answer.status < 300 && STATE_CHANGING.has(c.method) && c.site === 'cross-site') problems.push('a cross-site state-changing request went through');
  const instructorCookie = c.credentials === 'instructor' || c.credentials === 'both';
  if (answer.status < 300 && pathname.startsWith('/api/instructor/') && !INSTRUCTOR_OPEN.has(pathname) && !instructorCookie) problems.push('an instructor endpoint answered without the instructor cookie');
  const errors = t.takeErrors();
  if (errors.length) problems.push(`the server logged errors: ${errors.join(' | ').slice(0, 600)}`);
  return problems.length ? `${problems.join('; ')} (got ${answer.status} ${answer.text.slice(0, 200)})` : undefined;
}

function runRaw(t: FuzzTarget, bytes: Buffer): Promise<string | undefined> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve) => {
    let response = '';
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('data', (chunk) => (response += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1];
      const errors = t.takeErrors();
      if (status && Number(status) >= 500) resolve(`answered ${status}: ${response.slice(0, 200)}`);
      else if (errors.length) resolve(`the server logged errors: ${errors.join(' | ').slice(0, 600)}`);
      else resolve(undefined);
    });
  });
}
