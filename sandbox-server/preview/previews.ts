// The web preview: a learner opens an app running in their sandbox (any port it publishes) in
// their browser, through the server, on an origin of its own. Without wildcard DNS the only
// other origins a host has are its other ports, so each preview gets a port of its own from
// SLIPWAY_PREVIEW_PORTS, opened when the first link to it is made and closed when its sandbox
// ends. That port serves nothing but the app: never Slipway's pages, API or terminals.
//
// The app is learner-written code, hostile until proven otherwise, and may run in an
// instructor's browser. So: a link carries a short-lived signed capability, traded at once for a
// cookie grant of that origin; the app never sees Slipway's cookies (nor another preview's), and
// what it sets is stored under a prefix of its own (cookies.ts); requests and responses are
// bounded in size, number and time; a preview reaches only its own sandbox's port.
import http from 'node:http';
import type { Socket } from 'node:net';
import HttpProxy from 'http-proxy';
import { PREVIEW_TOKEN_PARAM, type PreviewLink } from '../../contract/preview-api.js';
import type { Config } from '../config/config.js';
import { formatSize } from '../config/units.js';
import type { SandboxChannel } from '../feed/sandboxes.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import type { SandboxDriver } from '../sandboxes/driver.js';
import type { SandboxStore } from '../store/sandboxes.js';
import { cookieValues } from '../sessions/cookie.js';
import { cookiesForApp, grantCookieName, rewriteSetCookie } from './cookies.js';
import { PreviewError } from './errors.js';
import type { PreviewGrants, PreviewTarget } from './grants.js';
import { pages, renderPage, type PreviewPage } from './pages.js';

/** A link opens the preview once, soon after it was made. */
const LINK_TTL_MS = 60_000;
/** How long a connection to the app is kept for the next request. */
const IDLE_UPSTREAM_MS = 1000;
/** A preview port nobody used for this long may be given to another preview when all are taken. */
const REUSE_IDLE_AFTER_MS = 10 * 60_000;

export interface PreviewDeps {
  config: Pick<Config, 'host' | 'previewPorts' | 'previewMaxBody' | 'previewMaxResponse' | 'previewConnections' | 'previewTimeout' | 'sandboxLifetime'>;
  driver: SandboxDriver;
  store: SandboxStore;
  grants: PreviewGrants;
  sandboxes: SandboxChannel;
  metrics: Metrics;
  log: Logger;
}

/** One preview port, showing one port of one sandbox. */
interface Binding extends PreviewTarget {
  server: http.Server;
  proxy: HttpProxy;
  /** Connections to the app kept open between requests: a new one costs about a millisecond. */
  agent: http.Agent;
  sockets: Set<Socket>;
  lastUsed: number;
}

export class Previews {
  private readonly bindings = new Map<number, Binding>();
  /** Requests and WebSockets open now, per sandbox. */
  private readonly open = new Map<string, number>();
  private readonly onEnded = (sandboxId: string) => void this.release(sandboxId);
  private readonly range: { from: number; to: number } | undefined;

  constructor(private readonly deps: PreviewDeps) {
    const match = /^(\d+)-(\d+)$/.exec(deps.config.previewPorts);
    this.range = match ? { from: Number(match[1]), to: Number(match[2]) } : undefined;
  }

  start(): void {
    this.deps.sandboxes.on('ended', this.onEnded);
  }

  async stop(): Promise<void> {
    this.deps.sandboxes.off('ended', this.onEnded);
    await Promise.all([...this.bindings.values()].map((b) => this.close(b)));
  }

  /** Whether previews are on, and the driver can reach sandbox ports. */
  get available(): boolean {
    return this.range !== undefined && this.deps.driver.capabilities.preview !== undefined;
  }

  /**
   * A link to `port` of the sandbox, for the browser that asked on `siteHost` (its Host header:
   * the preview is on the same host name or address, another port).
   */
  async link(sandboxId: string, port: number, siteHost: string | undefined): Promise<PreviewLink> {
    const host = this.deps.driver.capabilities.preview;
    if (!this.range || !host) throw new PreviewError('preview_off', this.range ? 'This server\'s sandboxes cannot be previewed (the local driver runs apps on this machine: open them at localhost).' : 'Web previews are turned off on this server (SLIPWAY_PREVIEW_PORTS=off).');
    if (host.reservedPorts.includes(port)) throw new PreviewError('reserved_port', `port: ${port} is the sandbox's own Docker Engine, which is never previewed. Publish your app on another port.`);
    const binding = await this.bind(sandboxId, port);
    const { token, expiresAt } = this.deps.grants.issue('link', binding, LINK_TTL_MS);
    const url = `http://${previewHostname(siteHost)}:${binding.listener}/?${PREVIEW_TOKEN_PARAM}=${encodeURIComponent(token)}`;
    return { url, port, expiresAt };
  }

  /** The preview ports in use now, for tests and diagnostics. */
  listeners(): PreviewTarget[] {
    return [...this.bindings.values()].map(({ sandboxId, port, listener }) => ({ sandboxId, port, listener }));
  }

  private async bind(sandboxId: string, port: number): Promise<Binding> {
    for (const binding of this.bindings.values()) {
      if (binding.sandboxId === sandboxId && binding.port === port) return binding;
    }
    const { from, to } = this.range!;
    for (let listener = from; listener <= to; listener++) {
      if (this.bindings.has(listener)) continue;
      const binding = await this.listen({ sandboxId, port, listener });
      if (binding) return binding;
    }
    // Every preview port is taken: the one unused longest, if nobody used it for a while.
    const now = Date.now();
    const idle = [...this.bindings.values()].filter((b) => now - b.lastUsed > REUSE_IDLE_AFTER_MS && !this.open.get(b.sandboxId)).sort((a, b) => a.lastUsed - b.lastUsed)[0];
    if (idle) {
      await this.close(idle);
      const binding = await this.listen({ sandboxId, port, listener: idle.listener });
      if (binding) return binding;
    }
    throw new PreviewError('preview_busy', `All ${to - from + 1} preview ports of this server are in use. Try again in a few minutes, or ask the operator to widen SLIPWAY_PREVIEW_PORTS.`);
  }

  /** Opens the preview port; undefined when something else holds it. */
  private async listen(target: PreviewTarget): Promise<Binding | undefined> {
    const server = http.createServer();
    // One agent per preview: a kept connection only ever carries this sandbox's port, so an app
    // that answers out of turn confuses nobody but its own viewer. Idle ones are closed after a
    // second, before an app's own keep-alive limit (2 s and up) can close one under a request:
    // reuse is for a page and its assets asked at once.
    const agent = new http.Agent({ keepAlive: true, maxSockets: this.deps.config.previewConnections, maxFreeSockets: 8, timeout: IDLE_UPSTREAM_MS });
    const proxy = HttpProxy.createProxyServer({ xfwd: true, proxyTimeout: this.deps.config.previewTimeout, ws: true, agent });
    const binding: Binding = { ...target, server, proxy, agent, sockets: new Set(), lastUsed: Date.now() };
    server.on('connection', (socket) => {
      binding.sockets.add(socket);
      socket.on('close', () => binding.sockets.delete(socket));
    });
    server.on('request', (req, res) => void this.handle(binding, req, res).catch((err: Error) => this.fail(binding, res, err)));
    server.on('upgrade', (req, socket: Socket, head) => void this.upgrade(binding, req, socket, head).catch(() => socket.destroy()));
    proxy.on('proxyRes', (proxyRes) => this.answer(binding, proxyRes));
    proxy.on('error', (err, _req, res) => {
      if (res instanceof http.ServerResponse) this.fail(binding, res, err);
      else res.destroy();
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(target.listener, this.deps.config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      proxy.close();
      agent.destroy();
      this.deps.log.warn({ port: target.listener, err: (err as Error).message }, 'a preview port is taken by something else; trying the next');
      return undefined;
    }
    this.bindings.set(target.listener, binding);
    this.deps.log.info({ sandbox: target.sandboxId, port: target.port, listener: target.listener }, 'preview opened');
    return binding;
  }

  private async release(sandboxId: string): Promise<void> {
    await Promise.all([...this.bindings.values()].filter((b) => b.sandboxId === sandboxId).map((b) => this.close(b)));
  }

  private async close(binding: Binding): Promise<void> {
    if (this.bindings.get(binding.listener) === binding) this.bindings.delete(binding.listener);
    binding.proxy.close();
    binding.agent.destroy();
    for (const socket of binding.sockets) socket.destroy();
    await new Promise<void>((resolve) => binding.server.close(() => resolve()));
  }

  /** Why this request may not reach the app (the page to show instead), or undefined. */
  private refusal(binding: Binding, cookieHeader: string | undefined): PreviewPage | undefined {
    const granted = cookieValues(cookieHeader, grantCookieName(binding.listener)).some((value) => !this.deps.grants.refusal(value, 'grant', binding));
    if (!granted) return pages.noGrant();
    const row = this.deps.store.get(binding.sandboxId);
    if (!row || row.ended_at) return pages.sandboxEnded();
    if ((this.open.get(binding.sandboxId) ?? 0) >= this.deps.config.previewConnections) return pages.tooMany(this.deps.config.previewConnections);
    return undefined;
  }

  private async handle(binding: Binding, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    binding.lastUsed = Date.now();
    const url = new URL(req.url ?? '/', 'http://preview.invalid');
    const token = url.searchParams.get(PREVIEW_TOKEN_PARAM);
    if (token !== null) return this.trade(binding, token, url, res);
    const refused = this.refusal(binding, req.headers.cookie);
    if (refused) return this.page(binding, res, refused);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.deps.config.previewMaxBody) return this.page(binding, res, pages.tooLarge(formatSize(this.deps.config.previewMaxBody)));
    const address = await this.deps.driver.capabilities.preview!.address(binding.sandboxId);
    if (!address) return this.page(binding, res, pages.nothingListens(binding.port));
    this.hold(binding.sandboxId, res);
    this.boundBody(req, res);
    forApp(req, binding.listener);
    binding.proxy.web(req, res, { target: `http://${address}:${binding.port}` });
  }

  /** A link's capability, traded for this origin's grant cookie; the address bar loses the token. */
  private trade(binding: Binding, token: string, url: URL, res: http.ServerResponse): void {
    const refusal = this.deps.grants.refusal(token, 'link', binding);
    if (refusal) return this.page(binding, res, refusal === 'expired' ? pages.linkExpired() : pages.noGrant());
    const grant = this.deps.grants.issue('grant', binding, this.deps.config.sandboxLifetime);
    url.searchParams.delete(PREVIEW_TOKEN_PARAM);
    res.writeHead(303, {
      location: `${url.pathname}${url.search}`,
      'set-cookie': `${grantCookieName(binding.listener)}=${grant.token}; Path=/; HttpOnly; SameSite=Lax`,
      'cache-control': 'no-store',
    });
    res.end();
  }

  private async upgrade(binding: Binding, req: http.IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    binding.lastUsed = Date.now();
    const refused = this.refusal(binding, req.headers.cookie);
    const address = refused ? undefined : await this.deps.driver.capabilities.preview!.address(binding.sandboxId);
    if (!address) {
      socket.end(`HTTP/1.1 ${refused?.status ?? 502} ${refused?.title ?? 'Nothing answers'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    this.count(binding.sandboxId, 1);
    socket.once('close', () => this.count(binding.sandboxId, -1));
    this.deps.metrics.previewRequests.inc({ outcome: 'websocket' });
    forApp(req, binding.listener);
    binding.proxy.ws(req, socket, head, { target: `http://${address}:${binding.port}` });
  }

  /** The app's answer on its way to the browser: its cookies under the prefix, its size bounded. */
  private answer(binding: Binding, proxyRes: http.IncomingMessage): void {
    const setCookie = proxyRes.headers['set-cookie'];
    if (setCookie) proxyRes.headers['set-cookie'] = setCookie.flatMap((header) => rewriteSetCookie(header, binding.listener) ?? []);
    this.deps.metrics.previewRequests.inc({ outcome: String(proxyRes.statusCode ?? 0) });
    let bytes = 0;
    proxyRes.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      this.deps.metrics.previewBytes.inc({ direction: 'out' }, chunk.length);
      if (bytes > this.deps.config.previewMaxResponse) {
        this.deps.log.warn({ sandbox: binding.sandboxId, port: binding.port }, 'preview response over the limit; cut off');
        proxyRes.destroy();
      }
    });
  }

  /** Counts the request body and cuts off one past the limit (a body without a length header too). */
  private boundBody(req: http.IncomingMessage, res: http.ServerResponse): void {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      this.deps.metrics.previewBytes.inc({ direction: 'in' }, chunk.length);
      if (bytes > this.deps.config.previewMaxBody) {
        req.destroy();
        if (!res.headersSent) res.writeHead(413).end();
      }
    });
  }

  private hold(sandboxId: string, res: http.ServerResponse): void {
    this.count(sandboxId, 1);
    res.once('close', () => this.count(sandboxId, -1));
  }

  private count(sandboxId: string, by: number): void {
    const now = (this.open.get(sandboxId) ?? 0) + by;
    if (now > 0) this.open.set(sandboxId, now);
    else this.open.delete(sandboxId);
  }

  private fail(binding: Binding, res: http.ServerResponse, err: Error & { code?: string }): void {
    const timedOut = err.code === 'ECONNRESET' && /socket hang up/i.test(err.message) ? false : err.code === 'ETIMEDOUT' || /timeout/i.test(err.message);
    if (!/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ETIMEDOUT/.test(err.code ?? '')) this.deps.log.warn({ sandbox: binding.sandboxId, port: binding.port, err: err.message }, 'preview request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.page(binding, res, timedOut ? pages.timedOut(binding.port) : pages.nothingListens(binding.port));
  }

  private page(_binding: Binding, res: http.ServerResponse, page: PreviewPage): void {
    this.deps.metrics.previewRequests.inc({ outcome: String(page.status) });
    res.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(renderPage(page));
  }
}

/** The request as the app gets it: its own cookies only. */
function forApp(req: http.IncomingMessage, listener: number): void {
  const cookies = cookiesForApp(req.headers.cookie, listener);
  if (cookies) req.headers.cookie = cookies;
  else delete req.headers.cookie;
}

/** The host name (or address) of the site as the browser reached it, without its port. */
export function previewHostname(siteHost: string | undefined): string {
  const host = (siteHost ?? '').trim();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1) || '127.0.0.1';
  const name = host.split(':')[0] ?? '';
  return /^[A-Za-z0-9.-]{1,253}$/.test(name) ? name : '127.0.0.1';
}
