// A connection's control frames are checked against the contract before they go out: the
// browser reads them without parsing (the lesson page leaves zod out), so a frame that does not
// fit `serverMessage` must be logged and not sent, and frames that fit go out unchanged.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { WebSocket } from 'ws';
import type { ServerMessage } from '../../contract/terminal.js';
import { TerminalConnection } from './connection.js';
import type { TerminalHub } from './hub.js';

/** The part of a ws socket a connection uses before a hello: open, and recording what it sends. */
class RecordingSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CONNECTING = 0;
  readyState = 1;
  readonly sent: string[] = [];
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
}

describe('terminal connection', () => {
  it('logs and does not send a control frame that does not fit the contract', () => {
    const logged: string[] = [];
    const log = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (logged.push(chunk.toString('utf8')), done()) }));
    const socket = new RecordingSocket();
    // No hello comes, so the hub is never asked for anything.
    const connection = new TerminalConnection(socket as unknown as WebSocket, { sandboxId: 'sbx-1', mode: 'rw' }, {} as TerminalHub, log);
    try {
      connection.sendControl({ type: 'size', cols: 80, rows: 24 });
      // A sender's bug the type system would not see (a cast): an error frame needs a message.
      connection.sendControl({ type: 'error', code: 'not_ready', message: '' } as ServerMessage);
      connection.sendControl({ type: 'exit', code: 0, reason: 'exited', message: 'The shell ended.' });
      assert.deepEqual(
        socket.sent.map((frame) => JSON.parse(frame) as unknown),
        [
          { type: 'size', cols: 80, rows: 24 },
          { type: 'exit', code: 0, reason: 'exited', message: 'The shell ended.' },
        ],
      );
      assert.equal(logged.length, 1);
      assert.match(logged[0]!, /does not fit the contract/);
    } finally {
      connection.close(1000, 'done');
    }
  });
});
