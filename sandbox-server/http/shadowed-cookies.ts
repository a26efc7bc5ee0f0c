// A page on another port of this host (a previewed app) can plant a cookie named like the
// learner's session cookie, with a longer path so the browser sends it first, carrying a session
// of its author's. sessions/cookie.ts then recognises nobody; this answers such a request with
// a clear refusal and removes the planted copies: the same name, expired, at every path above
// the request's but the root (where the learner's own copy lives), host-only and for the
// domain. The next request finds the learner's own cookie alone again.
import net from 'node:net';
import type { RequestHandler } from 'express';
import { SESSION_COOKIE, signedSessionIds } from '../sessions/cookie.js';
import { HttpError } from './errors.js';

/** The paths a cookie may have to be sent with a request for `path`, longest first, the root left out. */
function shadowPaths(path: string): string[] {
  const parts = path.split('/').filter(Boolean).slice(0, 12);
  const paths: string[] = [];
  for (let n = parts.length; n >= 1; n--) {
    const prefix = `/${parts.slice(0, n).join('/')}`;
    paths.push(prefix, `${prefix}/`);
  }
  return paths;
}

export const refuseShadowedSession: RequestHandler = (req, res, next) => {
  if (signedSessionIds(req).length <= 1) return next();
  // Reached by an IP address, a Domain attribute makes no domain cookie: the browser keeps it
  // host-only, so `Path=/; Domain=<address>` would be the learner's own cookie, and remove it.
  const named = (req.hostname || '').replace(/^\[|\]$/g, '');
  const host = net.isIP(named) ? '' : named.replace(/[^A-Za-z0-9.-]/g, '');
  const expired = `${SESSION_COOKIE}=; Max-Age=0; HttpOnly; SameSite=Lax`;
  const path = req.originalUrl.split('?')[0] ?? '/';
  res.setHeader('set-cookie', [
    ...shadowPaths(path).map((at) => `${expired}; Path=${at}`),
    ...(host ? [`${expired}; Path=/; Domain=${host}`, ...shadowPaths(path).map((at) => `${expired}; Path=${at}; Domain=${host}`)] : []),
  ]);
  next(new HttpError('conflicting_cookies', `This browser sent two different ${SESSION_COOKIE} cookies: a page on another port of this host (such as an app you previewed) set one to take your place. It has been removed; reload the page.`));
};
