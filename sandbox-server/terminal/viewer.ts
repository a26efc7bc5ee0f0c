// One viewer of a terminal: where it is in the output (sent, acknowledged) and how to reach it.
// The WebSocket gateway is one kind of sink; tests and server-internal consumers can be others.
import crypto from 'node:crypto';
import type { ServerMessage, ViewerMode } from '../../contract/terminal.js';

export interface ViewerSink {
  /** Terminal output bytes. The viewer owns the buffer afterwards. */
  sendBytes(bytes: Buffer): void;
  sendControl(message: ServerMessage): void;
  /** Ends the viewer's connection; the terminal has already forgotten it. */
  close(code: number, reason: string): void;
}

export class Viewer {
  readonly id = crypto.randomBytes(6).toString('hex');
  /** Sequence number up to which output has been sent. */
  sent = 0;
  /** Sequence number up to which the viewer has shown output on its screen. */
  acked = 0;

  constructor(
    readonly mode: ViewerMode,
    readonly sink: ViewerSink,
  ) {}

  /** Output sent but not yet acknowledged: what flow control keeps under the high watermark. */
  get unacked(): number {
    return this.sent - this.acked;
  }
}
