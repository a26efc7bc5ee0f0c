// Binds a browser to its learner session with an HttpOnly signed cookie (no accounts). The HTTP
// routes and the terminal's owner check both recognise the learner by it.
//
// Browsers keep cookies per host, not per port, so a page on another port of this host (a
// previewed app) can set a cookie of the same name with a longer path, which the browser then
// sends first. It cannot read or overwrite the HttpOnly original, so every copy is read here:
// a header with more than one copy means no session at all, never the planted one (and every
// browser holds a copy at the root from its first page on: http/shadowed-cookies.ts).
import cookieParser from 'cookie-parser';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'slipway_session';

interface CookiePair {
  name: string;
  value: string;
}

/** The pairs of a Cookie header, in order, duplicates kept (a shadowing cookie is a duplicate). */
export function parseCookieHeader(header: string | undefined): CookiePair[] {
  if (!header) return [];
  return header.split(';').flatMap((part) => {
    const at = part.indexOf('=');
    if (at <= 0) return [];
    return [{ name: part.slice(0, at).trim(), value: part.slice(at + 1).trim() }];
  });
}

/** Every value the header carries for `name` (more than one when a cookie shadows another). */
export function cookieValues(header: string | undefined, name: string): string[] {
  return parseCookieHeader(header)
    .filter((pair) => pair.name === name)
    .map((pair) => pair.value);
}

/** The distinct session ids the request's copies of the session cookie carry, validly signed. */
export function signedSessionIds(req: Request): string[] {
  const secret = (req as Request & { secret?: string }).secret;
  if (!secret) return [];
  const ids = cookieValues(req.headers.cookie, SESSION_COOKIE).flatMap((raw) => {
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      return [];
    }
    const id = cookieParser.signedCookie(value, secret);
    return typeof id === 'string' && id !== value ? [id] : [];
  });
  return [...new Set(ids)];
}

/** The learner's session id; none when the header carries more than one copy of the cookie (one was planted). */
export function sessionIdOf(req: Request): string | undefined {
  if (cookieValues(req.headers.cookie, SESSION_COOKIE).length > 1) return undefined;
  const ids = signedSessionIds(req);
  return ids.length === 1 ? ids[0] : undefined;
}

export function setSessionCookie(res: Response, sessionId: string, secure: boolean): void {
  res.cookie(SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: 'lax', signed: true, secure, path: '/', maxAge: 7 * 24 * 3600 * 1000 });
}
