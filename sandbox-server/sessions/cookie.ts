// Binds a browser to its learner session with an HttpOnly signed cookie (no accounts). The HTTP
// routes and the terminal's owner check both recognise the learner by it.
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'slipway_session';

export function sessionIdOf(req: Request): string | undefined {
  const value = (req.signedCookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof value === 'string' ? value : undefined;
}

export function setSessionCookie(res: Response, sessionId: string, secure: boolean): void {
  res.cookie(SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: 'lax', signed: true, secure, path: '/', maxAge: 7 * 24 * 3600 * 1000 });
}
