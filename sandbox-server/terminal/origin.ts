// Cross-site WebSocket hijacking guard: browsers send cookies with a WebSocket handshake from
// any page, so a terminal is only opened for a page of this very site (Origin host = Host).
import type { IncomingMessage } from 'node:http';

/** True when `origin` (an Origin header) names the site at `host` (a Host header). */
export function originMatchesHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === host.toLowerCase();
  } catch {
    // "null" (a sandboxed frame, a file), or garbage.
    return false;
  }
}

export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && originMatchesHost(origin, req.headers.host);
}
