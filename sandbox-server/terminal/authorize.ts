// Who may attach to which terminal. The learner owns their session's sandbox (read-write),
// recognised by the signed session cookie exactly as the HTTP API does. Viewer tokens grant a
// read-only (or, when asked, read-write) view of one sandbox for a while: for tests now, and
// for the instructor's dashboard to hand out.
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import cookieParser from 'cookie-parser';
import type { Request, Response } from 'express';
import type { ViewerMode } from '../../contract/terminal.js';
import { sessionIdOf } from '../sessions/cookie.js';
import type { Sessions } from '../sessions/sessions.js';
import type { TerminalAuthorizer } from './gateway.js';

export function ownerAuthorizer(sessions: Sessions, cookieSecret: string): TerminalAuthorizer {
  const parseCookies = cookieParser(cookieSecret);
  return (req) => {
    const request = req as unknown as Request;
    // cookie-parser only reads req.headers.cookie and calls next() synchronously.
    parseCookies(request, {} as Response, () => undefined);
    const sessionId = sessionIdOf(request);
    const session = sessionId ? sessions.get(sessionId) : undefined;
    const sandbox = session ? sessions.liveSandbox(session) : undefined;
    return sandbox ? { sandboxId: sandbox.id, mode: 'rw' } : null;
  };
}

interface Grant {
  sandboxId: string;
  mode: ViewerMode;
  expiresAt: number;
}

export class ViewerTokens {
  private readonly grants = new Map<string, Grant>();

  /** A token for `?token=` on the viewer route, valid for `ttlMs` (reconnects included). */
  issue(sandboxId: string, options: { mode?: ViewerMode; ttlMs?: number } = {}): string {
    const now = Date.now();
    for (const [token, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(token);
    const token = crypto.randomBytes(24).toString('base64url');
    this.grants.set(token, { sandboxId, mode: options.mode ?? 'ro', expiresAt: now + (options.ttlMs ?? 10 * 60_000) });
    return token;
  }

  revoke(token: string): void {
    this.grants.delete(token);
  }

  authorizer(): TerminalAuthorizer {
    return (req: IncomingMessage) => {
      const token = new URL(req.url ?? '/', 'http://terminal').searchParams.get('token');
      const grant = token ? this.grants.get(token) : undefined;
      if (!grant || grant.expiresAt <= Date.now()) return null;
      return { sandboxId: grant.sandboxId, mode: grant.mode };
    };
  }
}
