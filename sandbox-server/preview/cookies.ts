// Cookies between the browser and a previewed app. Browsers keep cookies per host, not per
// port, so every preview origin and Slipway itself share one cookie jar. The proxy keeps them
// apart: the app sees only its own cookies (stored under a prefix naming its preview port),
// never Slipway's or another preview's, and whatever the app sets is stored under that prefix,
// so it can never take the name of one of Slipway's cookies.
import { parseCookieHeader } from '../sessions/cookie.js';

/** The prefix of a previewed app's cookies in the browser, for one preview port. */
export const appCookiePrefix = (listener: number) => `pv${listener}_`;

/** The cookie that holds the browser's grant for one preview port. */
export const grantCookieName = (listener: number) => `slipway_preview_${listener}`;

/** The Cookie header the app gets: only its own cookies, under the names it gave them. */
export function cookiesForApp(header: string | undefined, listener: number): string | undefined {
  const prefix = appCookiePrefix(listener);
  const own = parseCookieHeader(header)
    .filter((pair) => pair.name.startsWith(prefix) && pair.name.length > prefix.length)
    .map((pair) => `${pair.name.slice(prefix.length)}=${pair.value}`);
  return own.length ? own.join('; ') : undefined;
}

/**
 * A Set-Cookie header of the app, stored under the app's prefix. Its Domain attribute is dropped
 * (the cookie stays with this host) and so is a malformed one, rather than passed on as it is.
 */
export function rewriteSetCookie(header: string, listener: number): string | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const at = pair.indexOf('=');
  const name = at > 0 ? pair.slice(0, at).trim() : '';
  // RFC 6265 token characters only: a name that could split or smuggle a header is dropped.
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return undefined;
  const kept = attributes.filter((attribute) => !/^\s*domain\s*=/i.test(attribute));
  return [`${appCookiePrefix(listener)}${name}=${pair.slice(at + 1).trim()}`, ...kept.map((a) => a.trim())].join('; ');
}
