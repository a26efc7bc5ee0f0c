// Cookies between the browser and a previewed app. Browsers keep cookies per host, not per
// port, so every preview port and Slipway itself share one cookie jar (in subdomain mode a
// preview has a host of its own, but a parent domain's cookies still reach it). The proxy keeps
// them apart: the app sees only its own cookies (stored under a prefix naming its preview),
// never Slipway's or another preview's, and whatever the app sets is stored under that prefix,
// so it can never take the name of one of Slipway's cookies.
import { parseCookieHeader } from '../sessions/cookie.js';

/** The prefix of a previewed app's cookies in the browser, for one preview (its port or label). */
export const appCookiePrefix = (key: string) => `pv${key}_`;

/** The cookie that holds the browser's grant for one preview. */
export const grantCookieName = (key: string) => `slipway_preview_${key}`;

/** The Cookie header the app gets: only its own cookies, under the names it gave them. */
export function cookiesForApp(header: string | undefined, key: string): string | undefined {
  const prefix = appCookiePrefix(key);
  const own = parseCookieHeader(header)
    .filter((pair) => pair.name.startsWith(prefix) && pair.name.length > prefix.length)
    .map((pair) => `${pair.name.slice(prefix.length)}=${pair.value}`);
  return own.length ? own.join('; ') : undefined;
}

/**
 * A Set-Cookie header of the app, stored under the app's prefix. Its Domain attribute is dropped,
 * so the cookie stays with the preview's own host: one for a parent domain would reach Slipway's
 * site and the other previews. A malformed one is dropped rather than passed on as it is.
 */
export function rewriteSetCookie(header: string, key: string): string | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const at = pair.indexOf('=');
  const name = at > 0 ? pair.slice(0, at).trim() : '';
  // RFC 6265 token characters only: a name that could split or smuggle a header is dropped.
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return undefined;
  const kept = attributes.filter((attribute) => !/^\s*domain\s*=/i.test(attribute));
  return [`${appCookiePrefix(key)}${name}=${pair.slice(at + 1).trim()}`, ...kept.map((a) => a.trim())].join('; ');
}
