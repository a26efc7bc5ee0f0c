// The terminals' WebSocket endpoint, on the site's own HTTP server: checks the Origin, asks the
// route's authorizer whose terminal this is and in which mode, then hands the socket to a
// TerminalConnection. Authorizers are injected, so that other roles (an instructor's read-only
// view) add routes without touching this file. A refused handshake is answered in the API's
// error format, with the status the HTTP layer gives its code (injected: terminal/ knows no HTTP
// statuses of its own).
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiErrorCode } from '../../contract/errors.js';
import { CLOSE, LIMITS, MAX_TABS, TAB_PARAM, tabNumber } from '../../contract/terminal.js';
import type { Logger } from '../log.js';
import { TerminalConnection, type TerminalGrant } from './connection.js';
import type { TerminalHub } from './hub.js';
import { sameOrigin } from './origin.js';

export type TerminalAuthorizer = (req: http.IncomingMessage) => TerminalGrant | null | Promise<TerminalGrant | null>;

/** The HTTP status of a refusal with this code (http/errors.ts). */
export type StatusOf = (code: ApiErrorCode) => number;

const HEARTBEAT_MS = 30_000;

export class TerminalGateway {
  private readonly routes = new Map<string, TerminalAuthorizer>();
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxPayloadBytes,
    perMessageDeflate: false,
    // Text frames are validated as JSON by the protocol, which answers garbage with an error
    // frame; ws would otherwise drop the connection on invalid UTF-8.
    skipUTF8Validation: true,
  });
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly hub: TerminalHub,
    private readonly log: Logger,
    private readonly statusOf: StatusOf,
  ) {}

  /** Serves terminals at `path` for the requests `authorize` grants. */
  route(path: string, authorize: TerminalAuthorizer): this {
    this.routes.set(path, authorize);
    return this;
  }

  attach(server: http.Server): void {
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void this.onUpgrade(server, req, socket, head));
    if (!this.heartbeat) {
      // A browser that vanished (laptop lid closed) never sends a close; pings find it out.
      this.heartbeat = setInterval(() => {
        for (const ws of this.wss.clients) {
          if (this.alive.get(ws) === false) ws.terminate();
          else {
            this.alive.set(ws, false);
            ws.ping();
          }
        }
      }, HEARTBEAT_MS);
      this.heartbeat.unref();
    }
  }

  /** Bytes each open terminal socket holds queued for sending (flow control keeps this small). */
  socketBuffers(): number[] {
    return [...this.wss.clients].map((ws) => ws.bufferedAmount);
  }

  /** Closes every terminal socket; the shells stay with the hub and clients reconnect. */
  disconnectAll(code: number = CLOSE.goingAway, reason = 'server stopping'): void {
    for (const ws of this.wss.clients) {
      ws.close(code, reason);
      setTimeout(() => ws.terminate(), 1000).unref();
    }
  }

  /** Stops serving: closes every socket and the heartbeat. */
  close(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.disconnectAll();
  }

  private async onUpgrade(server: http.Server, req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '/').split('?')[0]!;
    const authorize = this.routes.get(path);
    if (!authorize) {
      // Another part of the server may serve this path; answer only when nobody else listens.
      if (server.listenerCount('upgrade') === 1) this.refuse(socket, 'not_found', 'No WebSocket endpoint here.');
      return;
    }
    if (!sameOrigin(req)) {
      this.log.warn({ origin: req.headers.origin, host: req.headers.host }, 'terminal refused: cross-origin');
      this.refuse(socket, 'cross_origin', 'The Origin of this request is not this site.');
      return;
    }
    const asked = new URL(req.url ?? '/', 'http://terminal.invalid').searchParams.get(TAB_PARAM);
    const tab = tabNumber.safeParse(asked ?? 1);
    if (!tab.success) {
      this.refuse(socket, 'invalid_input', `${TAB_PARAM}: a terminal number from 1 to ${MAX_TABS}, got "${String(asked).slice(0, 20)}".`);
      return;
    }
    let grant: TerminalGrant | null = null;
    try {
      const granted = await authorize(req);
      grant = granted && { ...granted, tab: tab.data };
    } catch (err) {
      this.log.error({ err }, 'terminal authorizer failed');
    }
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!grant) {
        // Upgraded anyway so the browser can tell the learner why (it cannot read a 401).
        ws.send(JSON.stringify({ type: 'error', code: 'unauthorized', message: 'No terminal for this request: no session, no live sandbox, or no right to view it.' }));
        ws.close(CLOSE.unauthorized, 'unauthorized');
        return;
      }
      this.alive.set(ws, true);
      ws.on('pong', () => this.alive.set(ws, true));
      new TerminalConnection(ws, grant, this.hub, this.log);
    });
  }

  private refuse(socket: Duplex, code: ApiErrorCode, message: string): void {
    const status = this.statusOf(code);
    const body = JSON.stringify({ error: { code, message } });
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
}
