// CSRF protection without tokens, as Go's http.CrossOriginProtection does it: a browser tells
// the server where a request comes from (Sec-Fetch-Site since 2023 in every browser, Origin
// before that), and a page of another site cannot forge either. So every state-changing
// request (anything but GET, HEAD, OPTIONS) is refused when the browser says it comes from
// another origin. Requests with neither header come from no browser page (curl, tests,
// scripts), which carry no victim's cookies, and are let through.
import type { RequestHandler } from 'express';
import { originMatchesHost } from '../terminal/origin.js';
import { HttpError } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why this request must be refused as cross-origin, or undefined when it may go on. */
export function crossOriginRefusal(method: string, headers: { 'sec-fetch-site'?: string | string[] | undefined; origin?: string | undefined; host?: string | undefined }): string | undefined {
  if (SAFE_METHODS.has(method.toUpperCase())) return undefined;
  const site = headers['sec-fetch-site'];
  if (site !== undefined) {
    // same-origin: a page of this site; none: the person typed it (a bookmark, the address bar).
    // same-site is another origin too (another port of this host, a sibling subdomain).
    if (site === 'same-origin' || site === 'none') return undefined;
    return `Refused: this ${method} comes from a page of another site (Sec-Fetch-Site: ${String(site).slice(0, 20)}). Use Slipway's own pages.`;
  }
  const origin = headers.origin;
  if (origin === undefined || originMatchesHost(origin, headers.host)) return undefined;
  return `Refused: this ${method} comes from a page of another site (Origin ${origin.slice(0, 100)} is not ${String(headers.host ?? 'this host').slice(0, 100)}). Use Slipway's own pages.`;
}

export const crossOriginProtection: RequestHandler = (req, _res, next) => {
  const refusal = crossOriginRefusal(req.method, req.headers);
  next(refusal ? new HttpError('cross_origin', refusal) : undefined);
};
