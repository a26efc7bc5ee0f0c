// Terminal WebSocket fuzzing (docs/terminal-protocol.md): seeded cases that each open a socket
// (the owner's, a read-only viewer's, or one that must be refused) and send a sequence of
// frames: hellos, resizes and acks valid or not, out of order (before hello, twice, beyond
// what was sent, lower than before), input, random JSON and text, invalid UTF-8, frames too
// large for their kind or for the socket, text where binary belongs and the reverse.
//
// The oracle follows the protocol document, frame by frame: after each frame the client sends
// a probe (a text frame one byte over the control limit, of a length unique to it), whose
// too_large error marks where the answers to that frame end. Every answer must be the one the
// document names; the server never sends anything but JSON text frames of known types, never
// closes for one bad frame, never logs an error.
import fc from 'fast-check';
import WebSocket from 'ws';
import { CLOSE, LIMITS, OWNER_PATH, serverMessage, terminalErrorCode, VIEWER_PATH } from '../../../contract/terminal.js';
import type { FuzzTarget } from './fuzz-server.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Frame =
  | { kind: 'hello' | 'resize'; message: { [key: string]: Json } }
  | { kind: 'ack'; at: 'received' | 'lower' | 'near' | 'beyond' }
  | { kind: 'ackValue'; message: { [key: string]: Json } }
  | { kind: 'input'; text: string }
  | { kind: 'bigInput'; size: number }
  | { kind: 'json'; value: Json }
  | { kind: 'text'; text: string }
  | { kind: 'bytesAsText'; base64: string }
  | { kind: 'controlAsBinary'; message: { [key: string]: Json } }
  | { kind: 'bigText'; size: number }
  | { kind: 'empty'; binary: boolean };

export interface TermCase {
  route: 'owner' | 'viewer' | 'badToken' | 'noCookie' | 'forgedCookie' | 'unknownPath';
  origin: 'same' | 'none' | 'evil';
  frames: Frame[];
  /** Ends with a frame over the socket's 1 MiB limit (close 1009). */
  huge: boolean;
  /** Sends 55 bad frames in a row without probes (close 4400 after 50 errors). */
  flood: boolean;
}

const KNOWN_ERRORS = new Set<string>(terminalErrorCode.options);
const KNOWN_TYPES = new Set<string>(serverMessage.options.map((message) => message.shape.type.value));

// --- the frames ---------------------------------------------------------------------------

const oddNumber = fc.constantFrom<Json>(-1, 0, 1, 1.5, 1001, 501, 2 ** 53, -(2 ** 31), '80', null, true, [], {});
const cols = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 2, max: 1000 }) }, { weight: 1, arbitrary: oddNumber });
const rows = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 500 }) }, { weight: 1, arbitrary: oddNumber });
const extra = fc.oneof({ weight: 6, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, { maxKeys: 2 }) });
const resume = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.record({ terminal: fc.oneof(fc.string({ maxLength: 12 }), fc.constant('t-' + 'x'.repeat(70))), seq: fc.oneof(fc.nat(), fc.constantFrom<Json>(-1, 1.5, 2 ** 60, 'x')) }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
);
const version = fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constantFrom<Json>(0, 2, '1', null) });

const withoutUndefined = (o: Record<string, Json | undefined>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [key: string]: Json };

const hello = fc.tuple(cols, rows, version, resume, extra).map(([c, r, v, res, x]) => ({ kind: 'hello' as const, message: withoutUndefined({ ...x, type: 'hello', cols: c, rows: r, version: v, resume: res }) }));
const resize = fc.tuple(cols, rows, extra).map(([c, r, x]) => ({ kind: 'resize' as const, message: withoutUndefined({ ...x, type: 'resize', cols: c, rows: r }) }));
// Keystrokes the shell can take without harm: no Enter (nothing runs), no Ctrl-D (no exit), no
// Ctrl-S (no frozen output); each ends with Ctrl-C so the command line never grows.
const safeInput = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789 -_./'.split(''), '\x7f', '\x1b[D'), maxLength: 200 }).map((text) => ({ kind: 'input' as const, text: text + '\x03' }));

const frame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 4, arbitrary: hello },
  { weight: 3, arbitrary: resize },
  { weight: 4, arbitrary: fc.constantFrom('received', 'lower', 'near', 'beyond').map((at) => ({ kind: 'ack' as const, at: at as 'received' })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom<Json>(-1, 1.5, 'x', 2 ** 60, null), extra).map(([seq, x]) => ({ kind: 'ackValue' as const, message: { ...x, type: 'ack', seq } })) },
  { weight: 4, arbitrary: safeInput },
  // Input frames at the limit and over it. At the limit rarely: the shell has to echo it all.
  { weight: 1, arbitrary: fc.oneof({ weight: 1, arbitrary: fc.constant(LIMITS.inputFrameBytes) }, { weight: 8, arbitrary: fc.constantFrom(LIMITS.inputFrameBytes + 1, 200 * 1024) }).map((size) => ({ kind: 'bigInput' as const, size })) },
  { weight: 2, arbitrary: (fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>).map((value) => ({ kind: 'json' as const, value })) },
  { weight: 2, arbitrary: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('{"type":"ack","seq":', '{"type":"hello"', '[', '{"type":"ack","seq":00}', '{"type":"ack","seq":1e3}')).map((text) => ({ kind: 'text' as const, text })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'bytesAsText' as const, base64: Buffer.from(bytes).toString('base64') })) },
  // JSON around bytes that are not UTF-8: still not a valid text frame.
  { weight: 1, arbitrary: fc.constantFrom('"\xff"', '{"type":"hello\xff","cols":80,"rows":24}', '{"type":"ack","seq":1,"\xc3":1}', '["\xed\xa0\x80"]').map((text) => ({ kind: 'bytesAsText' as const, base64: Buffer.from(text, 'latin1').toString('base64') })) },
  { weight: 1, arbitrary: fc.oneof(hello, resize).map((f) => ({ kind: 'controlAsBinary' as const, message: f.message })) },
  { weight: 1, arbitrary: fc.constantFrom(LIMITS.controlFrameBytes, LIMITS.controlFrameBytes + 1, 100_000).map((size) => ({ kind: 'bigText' as const, size })) },
  { weight: 1, arbitrary: fc.boolean().map((binary) => ({ kind: 'empty' as const, binary })) },
);

export function termCase(): fc.Arbitrary<TermCase> {
  return fc.record({
    route: fc.oneof({ weight: 12, arbitrary: fc.constant('owner' as const) }, { weight: 4, arbitrary: fc.constant('viewer' as const) }, { weight: 1, arbitrary: fc.constantFrom('badToken' as const, 'noCookie' as const, 'forgedCookie' as const, 'unknownPath' as const) }),
    origin: fc.oneof({ weight: 20, arbitrary: fc.constant('same' as const) }, { weight: 1, arbitrary: fc.constantFrom('none' as const, 'evil' as const) }),
    // Most cases start with a valid hello, so that what follows meets an attached terminal.
    frames: fc.tuple(fc.oneof({ weight: 3, arbitrary: hello.filter((f) => validMessage(f.message) === 'hello') }, { weight: 1, arbitrary: frame }), fc.array(frame, { maxLength: 7 })).map(([first, rest]) => [first, ...rest]),
    huge: fc.oneof({ weight: 30, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    flood: fc.oneof({ weight: 40, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  });
}

export function describeTermCase(c: TermCase): string {
  const frames = c.frames.map((f) => {
    switch (f.kind) {
      case 'hello':
      case 'resize':
      case 'ackValue':
      case 'controlAsBinary':
        return `${f.kind} ${JSON.stringify(f.message).slice(0, 120)}`;
      case 'ack':
        return `ack ${f.at}`;
      case 'input':
        return `input ${JSON.stringify(f.text.slice(0, 40))}`;
      case 'json':
        return `json ${JSON.stringify(f.value).slice(0, 80)}`;
      case 'text':
        return `text ${JSON.stringify(f.text.slice(0, 80))}`;
      case 'bytesAsText':
        return `text bytes ${Buffer.from(f.base64, 'base64').toString('hex').slice(0, 80)}`;
      case 'bigInput':
      case 'bigText':
        return `${f.kind} ${f.size}`;
      case 'empty':
        return `empty ${f.binary ? 'binary' : 'text'}`;
    }
  });
  return `${c.route} route, ${c.origin} origin: ${frames.join(' | ')}${c.huge ? ' | a frame over 1 MiB' : ''}${c.flood ? ' | a flood of 55 bad frames' : ''}`;
}

// --- the protocol document as an oracle ------------------------------------------------------

const isInt = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const onlyKeys = (o: object, keys: string[]) => Object.keys(o).every((k) => keys.includes(k));

/** Which valid message this JSON is, per the document's tables, or undefined. */
export function validMessage(value: unknown): 'hello' | 'resize' | 'ack' | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const m = value as Record<string, unknown>;
  const size = isInt(m.cols, 2, 1000) && isInt(m.rows, 1, 500);
  if (m.type === 'hello') {
    const r = m.resume as Record<string, unknown> | undefined;
    const resumeOk = r === undefined || (typeof r === 'object' && r !== null && !Array.isArray(r) && onlyKeys(r, ['terminal', 'seq']) && typeof r.terminal === 'string' && r.terminal.length <= 64 && isInt(r.seq, 0, Number.MAX_SAFE_INTEGER));
    return onlyKeys(m, ['type', 'version', 'cols', 'rows', 'resume']) && (m.version === undefined || m.version === 1) && size && resumeOk ? 'hello' : undefined;
  }
  if (m.type === 'resize') return onlyKeys(m, ['type', 'cols', 'rows']) && size ? 'resize' : undefined;
  if (m.type === 'ack') return onlyKeys(m, ['type', 'seq']) && isInt(m.seq, 0, Number.MAX_SAFE_INTEGER) ? 'ack' : undefined;
  return undefined;
}

function strictUtf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

// --- a socket that records what the server says ---------------------------------------------

class Recorder {
  readonly controls: Array<Record<string, unknown>> = [];
  /** Output bytes received, as sequence numbers (hello.seq on). */
  received = 0;
  closed: number | undefined;
  readonly problems: string[] = [];
  private readonly waiters = new Set<() => void>();

  /** Where the server has the client's ack, once attached. */
  session = { state: 'hello' as 'hello' | 'attached', acked: 0 };
  /** A fuzz frame is on its way: the server's ack is not known until its probe answers. */
  busy = false;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        this.received += data.length;
        this.ackAll();
      } else {
        let message: Record<string, unknown> | undefined;
        try {
          message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
        } catch {
          this.problems.push(`the server sent a text frame that is not JSON: ${data.toString('utf8').slice(0, 100)}`);
        }
        if (message) {
          if (!KNOWN_TYPES.has(String(message.type))) this.problems.push(`the server sent an unknown message type: ${JSON.stringify(message).slice(0, 200)}`);
          if (message.type === 'error' && (!KNOWN_ERRORS.has(String(message.code)) || typeof message.message !== 'string' || !message.message)) this.problems.push(`an error frame without a known code and a message: ${JSON.stringify(message)}`);
          if (message.type === 'hello') this.received = Number(message.seq);
          this.controls.push(message);
        }
      }
      this.wake();
    });
    ws.on('close', (code) => {
      this.closed = code;
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  /**
   * Acknowledges what arrived, as the browser does, so that flow control never holds the
   * shell. Only between fuzz frames, when the client knows where the server has its ack, so
   * that this ack is valid and never answered.
   */
  ackAll(): void {
    if (this.busy || this.session.state !== 'attached' || this.ws.readyState !== this.ws.OPEN || this.received <= this.session.acked) return;
    this.session.acked = this.received;
    this.ws.send(JSON.stringify({ type: 'ack', seq: this.session.acked }));
  }

  until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

type Opened = { recorder: Recorder } | { status: number } | { error: string };

function open(t: FuzzTarget, c: TermCase): Promise<Opened> {
  const path = { owner: OWNER_PATH, viewer: `${VIEWER_PATH}?token=${t.viewerToken}`, badToken: `${VIEWER_PATH}?token=${t.viewerToken.slice(0, -2)}zz`, noCookie: OWNER_PATH, forgedCookie: OWNER_PATH, unknownPath: '/api/terminal/nowhere' }[c.route];
  const cookie = { owner: t.learnerCookie, viewer: undefined, badToken: undefined, noCookie: undefined, forgedCookie: 'slipway_session=s%3Aforged.c2ln', unknownPath: t.learnerCookie }[c.route];
  const origin = { same: t.url, none: undefined, evil: 'http://evil.example' }[c.origin];
  const ws = new WebSocket(t.url.replace(/^http/, 'ws') + path, { headers: { ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}) }, perMessageDeflate: false });
  const recorder = new Recorder(ws);
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ recorder }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (err) => resolve({ error: err.message }));
  });
}

let probeCounter = 0;

/** Runs one case; returns what went wrong, or undefined. */
export async function runTermCase(t: FuzzTarget, c: TermCase): Promise<string | undefined> {
  const problems: string[] = [];
  const opened = await open(t, c);
  const refusedStatus = c.route === 'unknownPath' ? 404 : c.origin !== 'same' ? 403 : undefined;
  if (!('recorder' in opened)) {
    const got = 'status' in opened ? opened.status : opened.error;
    if (got !== refusedStatus) problems.push(`the handshake answered ${got}, expected ${refusedStatus ?? 'an open socket'}`);
    return finish(t, problems);
  }
  const r = opened.recorder;
  if (refusedStatus !== undefined) {
    problems.push(`the handshake was accepted, expected HTTP ${refusedStatus}`);
    r.ws.terminate();
    return finish(t, problems);
  }
  try {
    if (c.route === 'badToken' || c.route === 'noCookie' || c.route === 'forgedCookie') {
      await r.until(() => r.closed !== undefined, 10_000);
      const error = r.controls.find((m) => m.type === 'error');
      if (r.closed !== CLOSE.unauthorized || error?.code !== 'unauthorized') problems.push(`an unauthorized socket got ${JSON.stringify(r.controls)} and close ${r.closed}`);
      return finish(t, [...problems, ...r.problems]);
    }
    const mode = c.route === 'viewer' ? 'ro' : 'rw';
    const session = r.session;

    for (const f of c.frames) {
      if (r.closed !== undefined) break;
      const step = await sendFrame(r, f, session, mode);
      if (step) {
        problems.push(step);
        break;
      }
    }
    if (!problems.length && r.closed === undefined && c.flood) {
      for (let i = 0; i < 55; i++) r.ws.send('!');
      await r.until(() => r.closed !== undefined, 10_000);
      const errors = r.controls.filter((m) => m.type === 'error').length;
      if (r.closed !== CLOSE.protocol) problems.push(`a flood of bad frames ended with close ${r.closed} after ${errors} errors, expected ${CLOSE.protocol}`);
    }
    if (!problems.length && r.closed === undefined && c.huge) {
      r.ws.send(Buffer.alloc(LIMITS.maxPayloadBytes + 1, 0x61), { binary: true });
      await r.until(() => r.closed !== undefined, 10_000);
      if (r.closed !== 1009) problems.push(`a frame over 1 MiB ended with close ${r.closed}, expected 1009`);
    }
    // A read-only viewer that falls behind the replay buffer is dropped (4009), as documented.
    const droppedViewer = mode === 'ro' && r.closed === CLOSE.behind;
    if (!problems.length && r.closed !== undefined && !c.flood && !c.huge && !droppedViewer) problems.push(`the server closed the socket (${r.closed}) after ${JSON.stringify(r.controls.slice(-3))}`);
  } finally {
    if (r.closed === undefined) {
      r.ws.close(1000);
      if (!(await r.until(() => r.closed !== undefined, 5000))) r.ws.terminate();
    }
  }
  return finish(t, [...problems, ...r.problems]);
}

function finish(t: FuzzTarget, problems: string[]): string | undefined {
  const errors = t.takeErrors();
  if (errors.length) problems.push(`the server logged errors: ${errors.join(' | ').slice(0, 600)}`);
  return problems.length ? problems.join('; ') : undefined;
}

/** The frame's bytes, whether it goes as binary, and the answers the document allows. */
function plan(f: Frame, session: { state: 'hello' | 'attached'; acked: number }, mode: 'rw' | 'ro', received: number): { data: Buffer; binary: boolean; expect: Array<string | null>; hello?: boolean; ack?: number } {
  const control = (value: unknown, data: Buffer = Buffer.from(JSON.stringify(value))) => {
    if (data.length > LIMITS.controlFrameBytes) return { data, binary: false, expect: ['too_large'] };
    const kind = validMessage(value);
    if (!kind) return { data, binary: false, expect: ['bad_message'] };
    if (kind === 'hello') return session.state === 'hello' ? { data, binary: false, expect: [], hello: true } : { data, binary: false, expect: ['out_of_order'] };
    if (session.state !== 'attached') return { data, binary: false, expect: ['not_ready'] };
    if (kind === 'resize') return { data, binary: false, expect: [mode === 'ro' ? 'read_only' : null] };
    const seq = (value as { seq: number }).seq;
    // Within acked..received: fine. Beyond received: the server may have sent more that is
    // still on its way, so either answer, unless it is far beyond anything sent.
    const expect = seq < session.acked ? ['out_of_order'] : seq <= received ? [null] : seq > received + 10_000_000 ? ['out_of_order'] : [null, 'out_of_order'];
    return { data, binary: false, expect, ack: seq };
  };
  const text = (data: Buffer) => {
    if (data.length > LIMITS.controlFrameBytes) return { data, binary: false, expect: ['too_large'] };
    const decoded = strictUtf8(data);
    let value: unknown;
    try {
      if (decoded === undefined) throw new Error('not UTF-8');
      value = JSON.parse(decoded);
    } catch {
      return { data, binary: false, expect: ['bad_json'] };
    }
    return control(value, data);
  };
  const input = (data: Buffer) => {
    if (data.length > LIMITS.inputFrameBytes) return { data, binary: true, expect: ['too_large'] };
    if (session.state !== 'attached') return { data, binary: true, expect: ['not_ready'] };
    return { data, binary: true, expect: mode === 'ro' ? ['read_only'] : [null, 'input_busy'] };
  };
  switch (f.kind) {
    case 'hello':
    case 'resize':
    case 'ackValue':
      return control(f.message);
    case 'ack': {
      const seq = { received, lower: session.acked - 1, near: received + 1 + (received % 97), beyond: received + 1e12 }[f.at];
      return control({ type: 'ack', seq });
    }
    case 'json':
      return text(Buffer.from(JSON.stringify(f.value)));
    case 'text':
      return text(Buffer.from(f.text));
    case 'bytesAsText':
      return text(Buffer.from(f.base64, 'base64'));
    case 'bigText':
      return text(Buffer.from(JSON.stringify({ type: 'ack', seq: 0, pad: 'x'.repeat(Math.max(0, f.size - 30)) }).slice(0, Math.max(f.size, 30))));
    case 'input':
      return input(Buffer.from(f.text));
    case 'controlAsBinary':
      return input(Buffer.from(JSON.stringify(f.message) + '\x03'));
    case 'bigInput':
      // NUL bytes (readline's set-mark: nothing to echo or redraw). The server passes input on
      // unread, so what the bytes are does not matter to it; the shell must not choke on
      // them: 64 KiB of letters cost readline minutes of redrawing a long command line.
      return input(Buffer.alloc(f.size, 0));
    case 'empty':
      return f.binary ? input(Buffer.alloc(0)) : text(Buffer.alloc(0));
  }
}

async function sendFrame(r: Recorder, f: Frame, session: { state: 'hello' | 'attached'; acked: number }, mode: 'rw' | 'ro'): Promise<string | undefined> {
  r.busy = true;
  try {
    return await sendAndCheck(r, f, session, mode);
  } finally {
    r.busy = false;
    r.ackAll();
  }
}

async function sendAndCheck(r: Recorder, f: Frame, session: { state: 'hello' | 'attached'; acked: number }, mode: 'rw' | 'ro'): Promise<string | undefined> {
  const { acked, received } = { acked: session.acked, received: r.received };
  const p = plan(f, session, mode, received);
  const before = r.controls.length;
  r.ws.send(p.data, { binary: p.binary });
  if (p.hello) {
    // The answer to a good hello comes when the shell is attached.
    await r.until(() => r.closed !== undefined || r.controls.slice(before).some((m) => m.type === 'hello' || m.type === 'error'), 60_000);
    const answer = r.controls.slice(before).find((m) => m.type === 'hello' || m.type === 'error');
    if (answer?.type !== 'hello') return `a valid hello got ${JSON.stringify(answer ?? null)} (close ${r.closed})`;
    if (answer.mode !== mode) return `the hello says mode ${String(answer.mode)}, expected ${mode}`;
    session.state = 'attached';
    session.acked = Number(answer.seq);
    return undefined;
  }
  // The probe: a control frame over the limit, of a length no recent probe has, nor the frame
  // (whose own too_large error names its length), nor a limit (the errors name those too).
  let probeLength = LIMITS.controlFrameBytes + 4 + (probeCounter++ % 50_000);
  if (probeLength === p.data.length) probeLength++;
  r.ws.send('x'.repeat(probeLength));
  // Its error names its length (a whole number: 204800 is not the probe of length 4800).
  const lengthPattern = new RegExp(`(^|\\D)${probeLength}(\\D|$)`);
  const isProbe = (m: Record<string, unknown>) => m.type === 'error' && m.code === 'too_large' && lengthPattern.test(String(m.message));
  if (!(await r.until(() => r.closed !== undefined || r.controls.slice(before).some(isProbe), 15_000))) return `no answer to the probe after ${describeFrame(f, p.data)}`;
  if (r.closed === CLOSE.behind && mode === 'ro') return undefined;
  if (r.closed !== undefined) return `the server closed the socket (${r.closed}) after ${describeFrame(f, p.data)}; it said ${JSON.stringify(r.controls.slice(before))}`;
  const answers = r.controls.slice(before, before + r.controls.slice(before).findIndex(isProbe)).filter((m) => m.type === 'error');
  const got = answers.length === 0 ? null : answers.length === 1 ? String(answers[0]!.code) : answers.map((a) => a.code).join('+');
  if (!p.expect.includes(got)) return `${describeFrame(f, p.data)} got ${got ?? 'no error'}, the protocol says ${p.expect.map((e) => e ?? 'no error').join(' or ')} (${JSON.stringify(answers).slice(0, 300)}; client: acked ${acked}, received ${received})`;
  if (p.ack !== undefined && got === null) session.acked = p.ack;
  return undefined;
}

function describeFrame(f: Frame, data: Buffer): string {
  return `${f.kind} frame (${data.length} bytes: ${JSON.stringify(data.toString('latin1').slice(0, 80))})`;
}
