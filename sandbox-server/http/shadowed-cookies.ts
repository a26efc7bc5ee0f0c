// A page on another port of this host (a previewed app) can plant a cookie named like the
// learner's session cookie, with a longer path so the browser sends it first, carrying a session
// of its author's. Two defences:
// - every browser that loads a Slipway page holds a copy at the root: its session, or until it
//   has one a placeholder (`sessionSlot`), HttpOnly so no page script can change it. A planted
//   copy is therefore always a second copy;
// - a request with more than one copy is refused (sessions/cookie.ts recognises nobody then),
//   and the planted copies are removed: the same name, expired, at every path above the
//   request's but the root, host-only, for the site's host and for each parent domain of it (a
//   preview in subdomain mode, preview/subdomains.ts, can plant one for a domain it shares with
//   the site). The next request is whole again.
import net from 'node:net';
import type { RequestHandler } from 'express';
import { cookieValues, SESSION_COOKIE } from '../sessions/cookie.js';
import { HttpError } from './errors.js';

/** The site's host and its parent domains of two labels or more: where a planted copy may live. */
function cookieDomains(host: string): string[] {
  const labels = host.split('.');
  const parents = labels.slice(1, -1).map((_label, at) => labels.slice(at + 1).join('.'));
  return [host, ...parents].slice(0, 4);
}

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
  if (cookieValues(req.headers.cookie, SESSION_COOKIE).length <= 1) return next();
  // Reached by an IP address, a Domain attribute makes no domain cookie: the browser keeps it
  // host-only, so `Path=/; Domain=<address>` would be the learner's own cookie, and remove it.
  const named = (req.hostname || '').replace(/^\[|\]$/g, '');
  const host = net.isIP(named) ? '' : named.replace(/[^A-Za-z0-9.-]/g, '');
  const expired = `${SESSION_COOKIE}=; Max-Age=0; HttpOnly; SameSite=Lax`;
  const path = req.originalUrl.split('?')[0] ?? '/';
  res.setHeader('set-cookie', [
    ...shadowPaths(path).map((at) => `${expired}; Path=${at}`),
    ...(host ? cookieDomains(host).flatMap((domain) => [`${expired}; Path=/; Domain=${domain}`, ...shadowPaths(path).map((at) => `${expired}; Path=${at}; Domain=${domain}`)]) : []),
  ]);
  // The instructor's endpoints never read the learner session: they go on, healed all the same.
  if (path.startsWith('/api/instructor/')) return next();
  next(new HttpError('conflicting_cookies', `This browser sent two ${SESSION_COOKIE} cookies: a page on another port of this host (such as an app you previewed) set one to take your place. It has been removed; reload the page.`));
};

/** The value of the placeholder: not a signed session, so it names nobody. */
export const NO_SESSION_YET = 'none';

/**
 * On the site's pages: a browser without a session cookie gets the placeholder at the root, so
 * that a cookie planted later under that name is a second copy, never the only one.
 */
export const sessionSlot: RequestHandler = (req, res, next) => {
  if ((req.method === 'GET' || req.method === 'HEAD') && cookieValues(req.headers.cookie, SESSION_COOKIE).length === 0) {
    res.cookie(SESSION_COOKIE, NO_SESSION_YET, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
  }
  next();
};
