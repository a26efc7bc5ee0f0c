// Cross-site WebSocket hijacking guard: browsers send cookies with a WebSocket handshake from
// any page, so a terminal is only opened for a page of this very site (Origin host = Host).
import type { IncomingMessage } from 'node:http';

export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
