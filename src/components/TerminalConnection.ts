// The browser side of the terminal protocol (docs/terminal-protocol.md), independent of
// xterm: one WebSocket at a time, hello with the resume point, output handed to a screen that
// reports when it has drawn it (acks), input split into small frames, and automatic
// reconnection with exponential backoff when the network drops. Frames and close codes are the
// shared contract's (contract/terminal.ts); a server frame that does not fit it is ignored.
import { CLOSE, PROTOCOL_VERSION } from '../../contract/terminal-constants.js';
import type { ClientMessage, ExitMessage, ServerHello, ServerMessage, ViewerMode } from '../../contract/terminal.js';

export type ConnectionState =
  /** First connection, or a fresh one after an exit. */
  | 'connecting'
  | 'connected'
  /** Lost; a new attempt is scheduled (see `retryAt`). */
  | 'reconnecting'
  /** The browser says it is offline; retries resume when it is back. */
  | 'offline'
  /** The shell ended; a keypress (or reconnect()) starts a new one. */
  | 'ended'
  /** The server refuses this page a terminal (no session or sandbox); the page must act. */
  | 'unavailable'
  | 'stopped';

export interface Screen {
  /** Terminal size to ask for. */
  size(): { cols: number; rows: number };
  /** Clears the screen before a full replay; `modes` restores the terminal modes first. */
  reset(modes: string): void;
  /** Draws bytes, calling `drawn` once they are on screen (that is when they are acked). */
  write(bytes: Uint8Array, drawn: () => void): void;
  /** A read-only viewer follows the owner's size. */
  follow(cols: number, rows: number): void;
}

/** Why the shell ended (the exit frame), given to listeners of the 'exit' event. */
export type ExitInfo = ExitMessage;

export interface StateDetail {
  state: ConnectionState;
  /** Plain words for the learner. */
  message: string;
  mode?: ViewerMode;
  /** For 'connected': whether the screen carried on from where it was (no replay needed). */
  resumed?: boolean;
  /** For 'reconnecting': when the next attempt starts (ms since epoch). */
  retryAt?: number;
  attempt?: number;
}

/** Pastes go out in frames of this size, well under the protocol's LIMITS.inputFrameBytes. */
const INPUT_FRAME = 16 * 1024;
/** Input waits while the socket holds more than this unsent. */
const SEND_BUFFER = 64 * 1024;
/** Acks are sent at least this often in bytes... */
const ACK_EVERY = 4096;
/** ...or after this long, whichever comes first. */
const ACK_DELAY_MS = 20;
const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 15_000;
/** Typing while disconnected is kept (and sent on reconnect) up to this much. */
const PENDING_INPUT_MAX = 4096;

export class TerminalConnection extends EventTarget {
  state: ConnectionState = 'stopped';
  hello: ServerHello | undefined;
  private ws: WebSocket | undefined;
  /** Resume point: the terminal and the sequence number after the last byte received. */
  private terminal: string | undefined;
  private seq = 0;
  private drawn = 0;
  private acked = 0;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private sending: Promise<void> = Promise.resolve();
  /** The server's words when it refused this page, shown instead of a generic message. */
  private lastError: string | undefined;
  /** Why the shell ended, from the exit frame that precedes the close. */
  private exit: ExitInfo | undefined;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly url: string,
    private readonly screen: Screen,
  ) {
    super();
    window.addEventListener('online', () => this.state === 'offline' || this.state === 'reconnecting' ? this.connectNow() : undefined);
    window.addEventListener('offline', () => this.state === 'reconnecting' && this.setState({ state: 'offline', message: 'You are offline. The terminal reconnects when the network is back.' }));
  }

  get mode(): ViewerMode | undefined {
    return this.hello?.mode;
  }

  /** Connects (or reconnects at once). `fresh` forgets the screen: a new sandbox, a new shell. */
  connect(options: { fresh?: boolean } = {}): void {
    if (options.fresh) {
      this.terminal = undefined;
      this.seq = 0;
    }
    this.attempt = 0;
    this.connectNow();
  }

  /** Closes the connection; `message` says why on the status line. */
  stop(message = 'Disconnected.'): void {
    clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = undefined;
    ws?.close(1000, 'page closed the terminal');
    this.setState({ state: 'stopped', message });
  }

  /** Sends keystrokes or pasted text; kept briefly while reconnecting. */
  input(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? this.encoder.encode(data) : data;
    if (bytes.length === 0) return;
    if (this.state !== 'connected' || !this.ws) {
      if (this.state === 'ended') {
        // Any key after the shell ended starts a new one (the key itself is not sent).
        this.connect({ fresh: true });
        return;
      }
      if (this.pendingBytes + bytes.length <= PENDING_INPUT_MAX) {
        this.pending.push(bytes);
        this.pendingBytes += bytes.length;
      }
      return;
    }
    if (this.hello?.mode !== 'rw') return;
    this.sendInput(this.ws, bytes);
  }

  resize(cols: number, rows: number): void {
    if (this.state === 'connected' && this.hello?.mode === 'rw') this.send({ type: 'resize', cols, rows });
  }

  private connectNow(): void {
    clearTimeout(this.retryTimer);
    const old = this.ws;
    this.ws = undefined;
    old?.close(1000, 'reconnecting');
    const ws = new WebSocket(new URL(this.url, location.href).href.replace(/^http/, 'ws'));
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.hello = undefined;
    if (this.state !== 'reconnecting' && this.state !== 'offline') this.setState({ state: 'connecting', message: 'Connecting to your sandbox…' });
    ws.onopen = () => {
      const { cols, rows } = this.screen.size();
      this.send({ type: 'hello', version: PROTOCOL_VERSION, cols, rows, ...(this.terminal ? { resume: { terminal: this.terminal, seq: this.seq } } : {}) });
    };
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      if (event.data instanceof ArrayBuffer) this.onBytes(new Uint8Array(event.data));
      else this.onControl(String(event.data));
    };
    ws.onclose = (event) => {
      if (ws !== this.ws) return;
      this.ws = undefined;
      this.onClosed(event.code, event.reason);
    };
  }

  private onControl(text: string): void {
    // The frame is not parsed against `serverMessage` here: the server checks each control frame
    // against it before sending (sandbox-server/terminal/connection.ts drops and logs one that
    // does not fit), and the page comes from the same server, so zod stays off the lesson page
    // (its JavaScript budget). A frame that is not a typed object, or of a type this page does
    // not know, changes nothing.
    let message: ServerMessage;
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') return;
      message = value as ServerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'hello': {
        this.exit = undefined;
        const hello = message;
        this.hello = hello;
        this.terminal = hello.terminal;
        if (hello.reset) this.screen.reset(hello.modes);
        this.seq = this.drawn = this.acked = hello.seq;
        if (hello.mode === 'ro') this.screen.follow(hello.cols, hello.rows);
        this.attempt = 0;
        this.setState({ state: 'connected', message: hello.mode === 'ro' ? 'Connected (read-only view).' : 'Connected.', mode: hello.mode, resumed: !hello.reset });
        // The size may have changed while connecting.
        const { cols, rows } = this.screen.size();
        if (hello.mode === 'rw' && (cols !== hello.cols || rows !== hello.rows)) this.resize(cols, rows);
        const pending = this.pending;
        this.pending = [];
        this.pendingBytes = 0;
        for (const bytes of pending) this.input(bytes);
        break;
      }
      case 'size':
        if (this.hello?.mode === 'ro') this.screen.follow(message.cols, message.rows);
        break;
      case 'exit':
        this.exit = message;
        this.dispatchEvent(new CustomEvent<ExitInfo>('exit', { detail: this.exit }));
        break;
      case 'error':
        this.dispatchEvent(new CustomEvent('protocol-error', { detail: message }));
        if (message.code === 'unauthorized' || message.code === 'unavailable') this.lastError = message.message;
        break;
    }
  }

  private onBytes(bytes: Uint8Array): void {
    const ws = this.ws;
    this.seq += bytes.length;
    this.screen.write(bytes, () => {
      // The screen may draw bytes of an older connection after a reconnect: not ours to ack.
      if (ws !== this.ws) return;
      this.drawn += bytes.length;
      this.scheduleAck();
    });
  }

  private scheduleAck(): void {
    if (this.drawn - this.acked >= ACK_EVERY) return this.sendAck();
    this.ackTimer ??= setTimeout(() => this.sendAck(), ACK_DELAY_MS);
  }

  private sendAck(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.drawn === this.acked || this.state !== 'connected') return;
    this.acked = this.drawn;
    this.send({ type: 'ack', seq: this.drawn });
  }

  private onClosed(code: number, reason: string): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.state === 'stopped') return;
    if (code === CLOSE.exit) {
      if (reason === 'sandbox_ended') {
        // A new shell needs a new sandbox: that is the page's call.
        this.setState({ state: 'unavailable', message: this.exit?.message ?? 'The sandbox ended.' });
      } else {
        this.setState({ state: 'ended', message: `${this.exit?.message ?? 'The shell ended.'} Press any key for a new one.` });
      }
      return;
    }
    if (code === CLOSE.unauthorized) {
      this.setState({ state: 'unavailable', message: this.lastError ?? 'This page may not open a terminal.' });
      return;
    }
    if (code === CLOSE.behind) {
      // Too far behind the server's buffer: resync at once, from a fresh screen.
      this.connectNow();
      return;
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (!navigator.onLine) {
      this.setState({ state: 'offline', message: 'You are offline. The terminal reconnects when the network is back.' });
      return;
    }
    // Exponential backoff with jitter, so a classroom does not reconnect in lockstep.
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
    const delay = Math.round(base / 2 + (Math.random() * base) / 2);
    this.attempt++;
    const retryAt = Date.now() + delay;
    this.setState({ state: 'reconnecting', message: 'Connection lost. Reconnecting…', retryAt, attempt: this.attempt });
    this.retryTimer = setTimeout(() => this.connectNow(), delay);
  }

  /** Large input (a paste) goes out in small frames, waiting whenever the socket is full. */
  private sendInput(ws: WebSocket, bytes: Uint8Array): void {
    this.sending = this.sending.then(async () => {
      for (let at = 0; at < bytes.length; at += INPUT_FRAME) {
        while (ws.bufferedAmount > SEND_BUFFER && ws.readyState === WebSocket.OPEN) await new Promise((r) => setTimeout(r, 10));
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(bytes.subarray(at, at + INPUT_FRAME));
      }
    });
  }

  private send(message: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private setState(detail: StateDetail): void {
    this.state = detail.state;
    this.dispatchEvent(new CustomEvent<StateDetail>('state', { detail }));
  }
}
