// One WebSocket attached to a terminal: reads the client's frames in protocol order (hello
// first, then input, resize and acks), answers every bad frame with an error frame, and is the
// viewer's sink for output and control.
import type { WebSocket } from 'ws';
import { CLOSE, LIMITS, serverMessage, type ServerMessage, type TerminalErrorCode, type ViewerMode } from '../../contract/terminal.js';
import type { Logger } from '../log.js';
import type { Attachment, TerminalHub } from './hub.js';
import { ProtocolError, parseControl } from './protocol.js';
import type { ViewerSink } from './viewer.js';

export interface TerminalGrant {
  sandboxId: string;
  mode: ViewerMode;
  /** Which of the sandbox's terminals (1 unless the request asked for another tab). */
  tab?: number;
}

export class TerminalConnection implements ViewerSink {
  private state: 'hello' | 'attaching' | 'attached' | 'closed' = 'hello';
  private attachment: Attachment | undefined;
  private errors = 0;
  private readonly helloTimer: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly grant: TerminalGrant,
    private readonly hub: TerminalHub,
    private readonly log: Logger,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('close', () => this.onClose());
    ws.on('error', (err) => this.log.debug({ err: err.message }, 'terminal socket error'));
    this.helloTimer = setTimeout(() => this.close(CLOSE.helloTimeout, 'no hello'), LIMITS.helloTimeoutMs);
  }

  sendBytes(bytes: Buffer): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(bytes, { binary: true });
  }

  /**
   * Checks the frame against the contract before sending: the browser does not parse control
   * frames (zod stays off the lesson page), so this is where one that does not fit is stopped.
   * Control frames are few (hello, size, exit, error), so the check costs little.
   */
  sendControl(message: ServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const checked = serverMessage.safeParse(message);
    if (!checked.success) {
      this.log.error({ type: message.type, issues: checked.error.issues }, 'a terminal control frame does not fit the contract; not sent');
      return;
    }
    this.ws.send(JSON.stringify(message), { binary: false });
  }

  close(code: number, reason: string): void {
    // Detaching is a no-op when the terminal itself is the one closing this viewer.
    const attachment = this.attachment;
    this.attachment = undefined;
    this.state = 'closed';
    if (attachment) attachment.terminal.detach(attachment.viewer);
    clearTimeout(this.helloTimer);
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.state === 'closed') return;
    try {
      if (isBinary) this.onInput(data);
      else this.onControl(data);
    } catch (err) {
      if (err instanceof ProtocolError) this.error(err.code, err.message);
      else {
        this.log.error({ err }, 'terminal frame failed');
        this.error('bad_message', 'The server could not handle this frame.');
      }
    }
  }

  private onInput(data: Buffer): void {
    if (data.length > LIMITS.inputFrameBytes) {
      throw new ProtocolError('too_large', `Input frames are at most ${LIMITS.inputFrameBytes} bytes; this one has ${data.length}. Split it.`);
    }
    const attached = this.requireAttached('input');
    attached.terminal.input(attached.viewer, data);
  }

  private onControl(data: Buffer): void {
    const message = parseControl(data);
    switch (message.type) {
      case 'hello':
        return this.onHello(message);
      case 'resize': {
        const attached = this.requireAttached('resize');
        return attached.terminal.resize(attached.viewer, { cols: message.cols, rows: message.rows });
      }
      case 'ack': {
        const attached = this.requireAttached('ack');
        return attached.terminal.ack(attached.viewer, message.seq);
      }
    }
  }

  private onHello(hello: Parameters<TerminalHub['attach']>[4]): void {
    if (this.state !== 'hello') throw new ProtocolError('out_of_order', 'hello was already received on this connection.');
    this.state = 'attaching';
    clearTimeout(this.helloTimer);
    this.hub.attach(this.grant.sandboxId, this.grant.tab ?? 1, this.grant.mode, this, hello).then(
      (attachment) => {
        if (this.state === 'closed') {
          attachment.terminal.detach(attachment.viewer);
          return;
        }
        this.attachment = attachment;
        this.state = 'attached';
      },
      (err: Error) => {
        if (this.state === 'closed') return;
        this.log.warn({ sandbox: this.grant.sandboxId, err: err.message }, 'could not open the terminal');
        this.sendControl({ type: 'error', code: 'unavailable', message: `The sandbox's shell could not be started: ${err.message}` });
        this.close(CLOSE.unavailable, 'shell unavailable');
      },
    );
  }

  private requireAttached(what: string): Attachment {
    if (this.state === 'attached' && this.attachment) return this.attachment;
    throw new ProtocolError('not_ready', `${what} before the terminal is attached: send hello and wait for the server's hello.`);
  }

  private error(code: TerminalErrorCode, message: string): void {
    this.sendControl({ type: 'error', code, message });
    if (++this.errors >= LIMITS.errorsBeforeClose) this.close(CLOSE.protocol, 'too many protocol errors');
  }

  private onClose(): void {
    clearTimeout(this.helloTimer);
    const attachment = this.attachment;
    this.attachment = undefined;
    this.state = 'closed';
    if (attachment) attachment.terminal.detach(attachment.viewer);
  }
}
