// A terminal client for tests, speaking the protocol of docs/terminal-protocol.md over a real
// WebSocket: sends hello, acknowledges output (unless told not to), keeps the recent output as
// text and waits for patterns in it. The server's hello is read with the shared contract.
import WebSocket from 'ws';
import { OWNER_PATH, serverHello, type ServerHello } from '../../../contract/terminal.js';

/** A control frame as it arrived, unchecked: protocol tests look at every field the server sent. */
export interface ControlFrame {
  type: string;
  [key: string]: unknown;
}

export interface ConnectOptions {
  /** Cookie header (the learner's session). */
  cookie?: string;
  /** Defaults to the server's own origin. */
  origin?: string;
  path?: string;
  cols?: number;
  rows?: number;
  resume?: { terminal: string; seq: number };
  /** Acknowledge output as it arrives (default true). */
  autoAck?: boolean;
  /** Keep at most this much recent output as text (default 1 MiB). */
  keepBytes?: number;
  /** Do not send hello (for protocol tests). */
  noHello?: boolean;
}

/**
 * How long a wait lasts before it fails, unless the caller says otherwise: a bound for a test that
 * would otherwise hang, not a measure of speed. Generous, as engine test files may run several at
 * a time and a shared machine may be slow.
 */
const WAIT_MS = 60_000;

export class TermClient {
  hello: ServerHello | undefined;
  /** Sequence number after the last byte received. */
  seq = 0;
  /** Bytes of output received on this connection. */
  received = 0;
  readonly controls: ControlFrame[] = [];
  closed: { code: number; reason: string } | undefined;
  private text = '';
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly ws: WebSocket,
    private readonly options: ConnectOptions,
  ) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        this.received += data.length;
        this.seq += data.length;
        this.text += data.toString('latin1');
        const keep = options.keepBytes ?? 1024 * 1024;
        if (this.text.length > keep * 2) this.text = this.text.slice(-keep);
        if (options.autoAck !== false) this.ack();
      } else {
        const message = JSON.parse(data.toString('utf8')) as ControlFrame;
        this.controls.push(message);
        const hello = message.type === 'hello' ? serverHello.safeParse(message) : undefined;
        if (hello?.success) {
          this.hello = hello.data;
          this.seq = hello.data.seq;
          if (hello.data.reset) this.text = '';
        }
      }
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static async connect(baseUrl: string, options: ConnectOptions = {}): Promise<TermClient> {
    const url = baseUrl.replace(/^http/, 'ws') + (options.path ?? OWNER_PATH);
    const ws = new WebSocket(url, {
      headers: { ...(options.cookie ? { cookie: options.cookie } : {}), origin: options.origin ?? baseUrl },
      perMessageDeflate: false,
    });
    const client = new TermClient(ws, options);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    if (!options.noHello) {
      client.control({ type: 'hello', cols: options.cols ?? 80, rows: options.rows ?? 24, ...(options.resume ? { resume: options.resume } : {}) });
      await client.until('the server hello', () => client.hello !== undefined || client.closed !== undefined, 60_000);
      if (!client.hello) throw new Error(`no hello; closed ${JSON.stringify(client.closed)} after ${JSON.stringify(client.controls)}`);
    }
    return client;
  }

  /** Output received (as latin1 text: bytes map 1:1 to characters). */
  get output(): string {
    return this.text;
  }

  /** Forgets output received so far, so a wait only looks at what comes next. */
  mark(): void {
    this.text = '';
  }

  type(text: string | Buffer): void {
    this.ws.send(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, { binary: true });
  }

  control(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  ack(): void {
    this.control({ type: 'ack', seq: this.seq });
  }

  errors(): ControlFrame[] {
    return this.controls.filter((c) => c.type === 'error');
  }

  /** Types a command line and waits until `expect` shows up in the output after it (as plain text). */
  async run(command: string, expect: RegExp, timeoutMs = WAIT_MS): Promise<string> {
    this.mark();
    this.type(`${command}\r`);
    return this.waitFor(expect, timeoutMs);
  }

  /** Waits until the output since the last mark, escape sequences removed, matches. */
  async waitFor(pattern: RegExp, timeoutMs = WAIT_MS): Promise<string> {
    await this.until(`output matching ${pattern}`, () => pattern.test(plain(this.text)), timeoutMs);
    return plain(this.text);
  }

  /** Like waitFor, on the raw bytes (cheap: for floods of output). */
  async waitForRaw(needle: string, timeoutMs = WAIT_MS): Promise<void> {
    await this.until(`output containing ${JSON.stringify(needle)}`, () => this.text.includes(needle), timeoutMs);
  }

  async waitControl(predicate: (c: ControlFrame) => boolean, what: string, timeoutMs = WAIT_MS): Promise<ControlFrame> {
    await this.until(what, () => this.controls.some(predicate), timeoutMs);
    return this.controls.find(predicate)!;
  }

  async waitClosed(timeoutMs = WAIT_MS): Promise<{ code: number; reason: string }> {
    await this.until('the socket to close', () => this.closed !== undefined, timeoutMs);
    return this.closed!;
  }

  /** Waits for a condition re-checked on every frame; fails with what was seen meanwhile. */
  until(what: string, condition: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; recent output: ${JSON.stringify(this.text.slice(-600))}; controls: ${JSON.stringify(this.controls.slice(-5))}; closed: ${JSON.stringify(this.closed)}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.ws.close();
    return this.waitClosed(10_000).then(() => undefined);
  }

  /** Drops the connection without a closing handshake, as a lost network would. */
  drop(): void {
    this.ws.terminate();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** A learner session with a sandbox, as a browser gets it: returns the cookie and sandbox id. */
export async function learnerSession(baseUrl: string): Promise<{ cookie: string; sandboxId: string }> {
  const created = await fetch(`${baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (created.status !== 201) throw new Error(`POST /api/session answered ${created.status}: ${await created.text()}`);
  const cookie = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
  const sandbox = await fetch(`${baseUrl}/api/session/sandbox`, { method: 'POST', headers: { cookie } });
  if (sandbox.status !== 200) throw new Error(`POST /api/session/sandbox answered ${sandbox.status}: ${await sandbox.text()}`);
  const view = (await sandbox.json()) as { sandbox: { id: string } };
  return { cookie, sandboxId: view.sandbox.id };
}

/** The text with terminal escape sequences removed, for matching what a person would read. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '').replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\x1b[()][0-9A-Za-z]/g, '');
}
