// Subdomain mode (SLIPWAY_PREVIEW_DOMAIN): where the operator has wildcard DNS, each preview is
// reached at a host of its own, <label>.<domain>, on the site's own port. This file names those
// hosts and puts them in front of the site: the server that listens hands every request and
// WebSocket whose Host is under the preview domain to the previews before any of Slipway's
// middleware or routes sees it, so a preview host never serves Slipway's pages, API or terminal.
import crypto from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A new preview's label: 'p' and 80 random bits in lowercase base32 (17 characters, a valid DNS
 * label). It names one preview of one sandbox, never the sandbox, and is never given again.
 * The label is not the secret (the grant cookie is); being unguessable keeps previews unlisted.
 */
export function newLabel(): string {
  let bits = 0;
  let value = 0;
  let label = 'p';
  for (const byte of crypto.randomBytes(10)) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      label += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return label;
}

/**
 * Where a Host header points, for the preview domain: undefined when it is not under it (the
 * site's), else the label in front of the domain ('' for the domain itself, 'a.b' for a deeper
 * name: neither names a preview). A port, a trailing dot and letter case do not matter.
 */
export function previewLabel(host: string | undefined, domain: string): string | undefined {
  if (!domain || !host) return undefined;
  const name = host.trim().toLowerCase().replace(/:\d*$/, '').replace(/\.$/, '');
  if (name === domain) return '';
  return name.endsWith(`.${domain}`) ? name.slice(0, -(domain.length + 1)) : undefined;
}

/** Serves preview hosts; each method answers whether the request was a preview host's. */
export interface HostRouter {
  request(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  upgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): boolean;
}

/**
 * The server that listens in subdomain mode: preview hosts first, then the site's own server
 * (`site`, which never listens itself: its request handler and WebSocket endpoints get what
 * is left, exactly as they would have on their own).
 */
export function frontServer(site: http.Server, previews: HostRouter): http.Server {
  const front = http.createServer((req, res) => {
    if (!previews.request(req, res)) site.emit('request', req, res);
  });
  front.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    if (!previews.upgrade(req, socket, head)) site.emit('upgrade', req, socket, head);
  });
  return front;
}
