// One preview's requests and WebSockets on their way to the app, whichever way the preview is
// reached (a port of its own, or a host of its own in subdomain mode): the link traded for a
// grant cookie, refusals with a clear page, the app's cookies kept apart (cookies.ts), bodies,
// responses, open requests and silence bounded, and metrics. previews.ts decides which preview
// a request is for; everything after that is here, once for both modes.
import http from 'node:http';
import type { Socket } from 'node:net';
import HttpProxy from 'http-proxy';
import { PREVIEW_TOKEN_PARAM } from '../../contract/preview-api.js';
import type { Config } from '../config/config.js';
import { formatSize } from '../config/units.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import type { SandboxDriver } from '../sandboxes/driver.js';
import type { SandboxStore } from '../store/sandboxes.js';
import { cookieValues } from '../sessions/cookie.js';
import { cookiesForApp, grantCookieName, rewriteSetCookie } from './cookies.js';
import { arrivedOverHttps } from './transport.js';
import type { PreviewGrants, PreviewTarget } from './grants.js';
import { pages, renderPage, type PreviewPage } from './pages.js';

/** How long a connection to the app is kept for the next request. */
const IDLE_UPSTREAM_MS = 1000;

export interface ProxyDeps {
  config: Pick<Config, 'previewMaxBody' | 'previewMaxResponse' | 'previewConnections' | 'previewTimeout' | 'sandboxLifetime'>;
  driver: SandboxDriver;
  store: SandboxStore;
  grants: PreviewGrants;
  metrics: Metrics;
  log: Logger;
}

/** One preview: one port of one sandbox, on an origin of its own. */
export interface Binding extends PreviewTarget {
  /** Port mode: the preview port and its server. Subdomain mode: neither (the site's server). */
  listener?: number;
  server?: http.Server;
  proxy: HttpProxy;
  /** Connections to the app kept open between requests: a new one costs about a millisecond. */
  agent: http.Agent;
  /** The browser's connections this preview has served, closed with it. */
  sockets: Set<Socket>;
  lastUsed: number;
}

export class PreviewProxy {
  /** Requests and WebSockets open now, per sandbox. */
  private readonly open = new Map<string, number>();

  constructor(private readonly deps: ProxyDeps) {}

  /** A preview's proxy and agent, answering through this. */
  create(target: PreviewTarget, listener?: number): Binding {
    // One agent per preview: a kept connection only ever carries this sandbox's port, so an app
    // that answers out of turn confuses nobody but its own viewer. Idle ones are closed after a
    // second, before an app's own keep-alive limit (2 s and up) can close one under a request:
    // reuse is for a page and its assets asked at once.
    const options: http.AgentOptions = { keepAlive: true, maxSockets: this.deps.config.previewConnections, maxFreeSockets: 8, timeout: IDLE_UPSTREAM_MS };
    const agent = this.deps.driver.capabilities.preview?.agent?.(target.sandboxId, options) ?? new http.Agent(options);
    const proxy = HttpProxy.createProxyServer({ xfwd: true, ws: true, agent });
    const binding: Binding = { ...target, listener, proxy, agent, sockets: new Set(), lastUsed: Date.now() };
    // The app's silence is timed here, not with http-proxy's proxyTimeout: that one aborts the
    // request, which reads as "socket hang up" like an app that closed the connection, so the
    // learner would be told nothing listens instead of that the app took too long.
    proxy.on('proxyReq', (proxyReq) => proxyReq.setTimeout(this.deps.config.previewTimeout, () => proxyReq.destroy(new AppSilent())));
    proxy.on('proxyRes', (proxyRes) => this.answer(binding, proxyRes));
    proxy.on('error', (err, _req, res) => {
      if (res instanceof http.ServerResponse) this.fail(binding, res, err);
      else res.destroy();
    });
    return binding;
  }

  /** Whether requests of this sandbox's previews are open now. */
  busy(sandboxId: string): boolean {
    return (this.open.get(sandboxId) ?? 0) > 0;
  }

  request(binding: Binding, req: http.IncomingMessage, res: http.ServerResponse): void {
    this.track(binding, req.socket);
    void this.handle(binding, req, res).catch((err: Error) => this.fail(binding, res, err));
  }

  upgrade(binding: Binding, req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    this.track(binding, socket);
    void this.upgradeTo(binding, req, socket, head).catch(() => socket.destroy());
  }

  /** Answers with one of the preview's own pages instead of the app. */
  page(res: http.ServerResponse, page: PreviewPage): void {
    this.deps.metrics.previewRequests.inc({ outcome: String(page.status) });
    res.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(renderPage(page));
  }

  /** Refuses a WebSocket handshake (a browser cannot show a page for it). */
  refuseUpgrade(socket: Socket, page: Pick<PreviewPage, 'status' | 'title'>): void {
    this.deps.metrics.previewRequests.inc({ outcome: String(page.status) });
    socket.end(`HTTP/1.1 ${page.status} ${page.title}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  }

  private track(binding: Binding, socket: Socket): void {
    if (binding.sockets.has(socket)) return;
    binding.sockets.add(socket);
    socket.once('close', () => binding.sockets.delete(socket));
  }

  /** Why this request may not reach the app (the page to show instead), or undefined. */
  private refusal(binding: Binding, cookieHeader: string | undefined): PreviewPage | undefined {
    const granted = cookieValues(cookieHeader, grantCookieName(binding.key)).some((value) => !this.deps.grants.refusal(value, 'grant', binding));
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
    if (token !== null) return this.trade(binding, token, url, req, res);
    const refused = this.refusal(binding, req.headers.cookie);
    if (refused) return this.page(res, refused);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.deps.config.previewMaxBody) return this.page(res, pages.tooLarge(formatSize(this.deps.config.previewMaxBody)));
    const address = await this.deps.driver.capabilities.preview!.address(binding.sandboxId);
    if (!address) return this.page(res, pages.nothingListens(binding.port));
    this.hold(binding.sandboxId, res);
    this.boundBody(req, res);
    forApp(req, binding.key);
    binding.proxy.web(req, res, { target: `http://${address}:${binding.port}` });
  }

  /**
   * A link's capability, traded for this origin's grant cookie; the address bar loses the token.
   * The cookie is host-only (no Domain): it goes back to this preview's host and to no other.
   */
  private trade(binding: Binding, token: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
    const refusal = this.deps.grants.refusal(token, 'link', binding);
    if (refusal) return this.page(res, refusal === 'expired' ? pages.linkExpired() : pages.noGrant());
    const grant = this.deps.grants.issue('grant', binding, this.deps.config.sandboxLifetime);
    url.searchParams.delete(PREVIEW_TOKEN_PARAM);
    res.writeHead(303, {
      location: `${url.pathname}${url.search}`,
      // Secure behind HTTPS, so the grant never travels over a plain connection to this host.
      'set-cookie': `${grantCookieName(binding.key)}=${grant.token}; Path=/; HttpOnly; SameSite=Lax${arrivedOverHttps(req) ? '; Secure' : ''}`,
      'cache-control': 'no-store',
    });
    res.end();
  }

  private async upgradeTo(binding: Binding, req: http.IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    binding.lastUsed = Date.now();
    const refused = this.refusal(binding, req.headers.cookie);
    if (refused) return this.refuseUpgrade(socket, refused);
    const address = await this.deps.driver.capabilities.preview!.address(binding.sandboxId);
    if (!address) return this.refuseUpgrade(socket, { status: 502, title: 'Nothing answers' });
    this.count(binding.sandboxId, 1);
    socket.once('close', () => this.count(binding.sandboxId, -1));
    this.deps.metrics.previewRequests.inc({ outcome: 'websocket' });
    forApp(req, binding.key);
    binding.proxy.ws(req, socket, head, { target: `http://${address}:${binding.port}` });
  }

  /** The app's answer on its way to the browser: its cookies under the prefix, its size bounded. */
  private answer(binding: Binding, proxyRes: http.IncomingMessage): void {
    const setCookie = proxyRes.headers['set-cookie'];
    if (setCookie) proxyRes.headers['set-cookie'] = setCookie.flatMap((header) => rewriteSetCookie(header, binding.key) ?? []);
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
    const timedOut = err instanceof AppSilent || err.code === 'ETIMEDOUT';
    if (!timedOut && !/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ECONNRESET/.test(err.code ?? '')) this.deps.log.warn({ sandbox: binding.sandboxId, port: binding.port, err: err.message }, 'preview request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.page(res, timedOut ? pages.timedOut(binding.port) : pages.nothingListens(binding.port));
  }
}

/** The app sent nothing for the preview's timeout: the request to it is given up. */
class AppSilent extends Error {
  constructor() {
    super('the app sent nothing within the preview timeout');
  }
}

/** The request as the app gets it: its own cookies only. */
function forApp(req: http.IncomingMessage, key: string): void {
  const cookies = cookiesForApp(req.headers.cookie, key);
  if (cookies) req.headers.cookie = cookies;
  else delete req.headers.cookie;
}
