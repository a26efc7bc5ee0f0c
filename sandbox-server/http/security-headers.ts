// Security headers (helmet) and the site's Content-Security-Policy.
//
// The policy is as narrow as the built site allows:
// - Scripts: only this origin's files, plus the inline scripts Astro wrote into the built
//   pages, each named by its SHA-256 hash (read from dist/ at start). Astro inlines small
//   bundled scripts, and Base.astro's `is:inline` theme script must run before first paint, so
//   it cannot be a file. No 'unsafe-inline', no 'unsafe-eval', no inline event handlers: an
//   injected <script> or onclick never runs.
// - Styles: 'self' and 'unsafe-inline'. xterm.js creates <style> elements at run time (theme
//   colours, cell size) whose text no hash can name in advance and which take no nonce, and
//   Shiki colours code with style attributes. CSS cannot run code; scripts stay locked.
// - Connections: 'self', which covers the terminal's WebSocket on this same host and port
//   (CSP 3 lets 'self' match ws: and wss: of the page's own host).
// - Nothing may frame the site (clickjacking on the instructor pages), no plugins, forms and
//   <base> only to this origin.
// - No upgrade-insecure-requests and no HSTS: the server speaks plain HTTP on a classroom's
//   network (http://192.168.x.y:4321), where upgrading would break every asset. TLS, when
//   there is any, is a reverse proxy's business and so is its HSTS.
// - Referrer-Policy same-origin: the instructor's one-time link carries its token in the URL;
//   it must never leave in a Referer to another site. (no-referrer, helmet's default, would
//   also make browsers without Sec-Fetch-Site send "Origin: null" on same-origin POSTs, which
//   the CSRF guard would refuse.)
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Every HTML file under `dir`. */
function htmlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** CSP hash sources ('sha256-…') of every inline <script> in the built site's pages. */
export function inlineScriptHashes(siteDir: string): string[] {
  const hashes = new Set<string>();
  for (const file of htmlFiles(siteDir)) {
    const html = fs.readFileSync(file, 'utf8');
    for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
      if (/\bsrc\s*=/i.test(match[1]!)) continue;
      hashes.add(`'sha256-${crypto.createHash('sha256').update(match[2]!, 'utf8').digest('base64')}'`);
    }
  }
  return [...hashes].sort();
}

/** The CSP directives for a site whose inline scripts have these hashes. */
export function cspDirectives(scriptHashes: string[]): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'", ...scriptHashes],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

export function securityHeaders(siteDir: string): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(inlineScriptHashes(siteDir)) },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  }) as RequestHandler;
}
