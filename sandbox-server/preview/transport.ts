// Whether a preview request reached Slipway over HTTPS: on a TLS socket of its own, or through a
// reverse proxy on this same host that says so (X-Forwarded-Proto). The same trust as the site's
// (express's `trust proxy` is `loopback`): a header from any other address is ignored, so a
// client cannot talk the server into thinking a plain connection is encrypted, or the reverse.
import type http from 'node:http';
import type { TLSSocket } from 'node:tls';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

export function arrivedOverHttps(req: Pick<http.IncomingMessage, 'headers'> & { socket: Pick<TLSSocket, 'remoteAddress'> & { encrypted?: boolean } }): boolean {
  if (req.socket.encrypted === true) return true;
  if (!LOOPBACK.test(req.socket.remoteAddress ?? '')) return false;
  const forwarded = req.headers['x-forwarded-proto'];
  // The proxy nearest to us is the last one to add a value.
  const nearest = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').pop()?.trim().toLowerCase();
  return nearest === 'https';
}
