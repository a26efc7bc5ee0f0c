// The web preview: a learner opens an app running in their sandbox (any port it publishes) in
// their browser, through the server, on an origin of its own. Two ways to give it one:
// - port mode (the default, no wildcard DNS): the only other origins a host has are its other
//   ports, so each preview gets a port of its own from SLIPWAY_PREVIEW_PORTS, opened when the
//   first link to it is made and closed when its sandbox ends;
// - subdomain mode (SLIPWAY_PREVIEW_DOMAIN, wildcard DNS): each preview gets a host of its own,
//   <label>.<domain>, on the site's own port (subdomains.ts puts those hosts before the site).
// Either way a preview's origin serves nothing but the app: never Slipway's pages, API or
// terminals. This file keeps the previews (a key each: the port, or the label) and makes links;
// proxy.ts serves their requests, the same code for both modes.
//
// The app is learner-written code, hostile until proven otherwise, and may run in an
// instructor's browser. So: a link carries a short-lived signed capability, traded at once for a
// cookie grant of that origin; the app never sees Slipway's cookies (nor another preview's), and
// what it sets is stored under a prefix of its own (cookies.ts); requests and responses are
// bounded in size, number and time; a preview reaches only its own sandbox's port.
import http from 'node:http';
import type { Socket } from 'node:net';
import { PREVIEW_TOKEN_PARAM, type PreviewLink } from '../../contract/preview-api.js';
import type { Config } from '../config/config.js';
import type { SandboxChannel } from '../feed/sandboxes.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import type { SandboxDriver } from '../sandboxes/driver.js';
import type { SandboxStore } from '../store/sandboxes.js';
import { PreviewError } from './errors.js';
import type { PreviewGrants, PreviewTarget } from './grants.js';
import { pages } from './pages.js';
import { PreviewProxy, type Binding } from './proxy.js';
import { frontServer, newLabel, previewLabel, type HostRouter } from './subdomains.js';

/** A link opens the preview once, soon after it was made. */
const LINK_TTL_MS = 60_000;
/** A preview port nobody used for this long may be given to another preview when all are taken. */
const REUSE_IDLE_AFTER_MS = 10 * 60_000;
/** Subdomain mode: previews one sandbox keeps at once; a new one past it replaces its least used. */
const SUBDOMAINS_PER_SANDBOX = 16;

export interface PreviewDeps {
  config: Pick<Config, 'host' | 'previewPorts' | 'previewDomain' | 'previewMaxBody' | 'previewMaxResponse' | 'previewConnections' | 'previewTimeout' | 'sandboxLifetime'>;
  driver: SandboxDriver;
  store: SandboxStore;
  grants: PreviewGrants;
  sandboxes: SandboxChannel;
  metrics: Metrics;
  log: Logger;
}

/** How the browser reached the site: where a link to a preview must point. */
export interface SiteAddress {
  /** The Host header (name or address, and port when not the default). */
  host: string | undefined;
  /** http or https, as the browser sees it (a trusted reverse proxy's X-Forwarded-Proto). */
  protocol: string;
}

export class Previews implements HostRouter {
  private readonly bindings = new Map<string, Binding>();
  private readonly proxy: PreviewProxy;
  private readonly onEnded = (sandboxId: string) => void this.release(sandboxId);
  private readonly range: { from: number; to: number } | undefined;
  private readonly domain: string;

  constructor(private readonly deps: PreviewDeps) {
    const match = /^(\d+)-(\d+)$/.exec(deps.config.previewPorts);
    this.range = match ? { from: Number(match[1]), to: Number(match[2]) } : undefined;
    // SLIPWAY_PREVIEW_PORTS=off turns previews off in both modes.
    this.domain = this.range ? deps.config.previewDomain : '';
    this.proxy = new PreviewProxy(deps);
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
   * The server that listens for the site: in subdomain mode one that serves preview hosts before
   * the site; in port mode the site's own server, unchanged.
   */
  front(site: http.Server): http.Server {
    return this.domain ? frontServer(site, this) : site;
  }

  /** A link to `port` of the sandbox, for the browser that reached the site at `site`. */
  async link(sandboxId: string, port: number, site: SiteAddress): Promise<PreviewLink> {
    const host = this.deps.driver.capabilities.preview;
    if (!this.range || !host) throw new PreviewError('preview_off', this.range ? 'This server\'s sandboxes cannot be previewed (the local driver runs apps on this machine: open them at localhost).' : 'Web previews are turned off on this server (SLIPWAY_PREVIEW_PORTS=off).');
    if (host.reservedPorts.includes(port)) throw new PreviewError('reserved_port', `port: ${port} is the sandbox's own Docker Engine, which is never previewed. Publish your app on another port.`);
    const binding = this.domain ? this.bindHost(sandboxId, port) : await this.bindPort(sandboxId, port);
    const { token, expiresAt } = this.deps.grants.issue('link', binding, LINK_TTL_MS);
    const query = `/?${PREVIEW_TOKEN_PARAM}=${encodeURIComponent(token)}`;
    if (binding.listener !== undefined) return { url: `http://${previewHostname(site.host)}:${binding.listener}${query}`, port, expiresAt };
    const scheme = site.protocol === 'https' ? 'https' : 'http';
    return { url: `${scheme}://${binding.key}.${this.domain}${sitePort(site.host)}${query}`, port, expiresAt };
  }

  /** The previews open now, for tests and diagnostics. */
  listeners(): Array<PreviewTarget & { listener?: number }> {
    return [...this.bindings.values()].map(({ sandboxId, port, key, listener }) => ({ sandboxId, port, key, listener }));
  }

  /** Subdomain mode: a request for a preview host goes to its preview, or gets "no such preview". */
  request(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const label = previewLabel(req.headers.host, this.domain);
    if (label === undefined) return false;
    const binding = this.bindings.get(label);
    if (binding) this.proxy.request(binding, req, res);
    else this.proxy.page(res, pages.noSuchPreview());
    return true;
  }

  upgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): boolean {
    const label = previewLabel(req.headers.host, this.domain);
    if (label === undefined) return false;
    const binding = this.bindings.get(label);
    if (binding) this.proxy.upgrade(binding, req, socket, head);
    else this.proxy.refuseUpgrade(socket, pages.noSuchPreview());
    return true;
  }

  /** Subdomain mode: the sandbox port's preview, or a new one under a new label. */
  private bindHost(sandboxId: string, port: number): Binding {
    const own = [...this.bindings.values()].filter((b) => b.sandboxId === sandboxId);
    const found = own.find((b) => b.port === port);
    if (found) return found;
    if (own.length >= SUBDOMAINS_PER_SANDBOX) void this.close(own.sort((a, b) => a.lastUsed - b.lastUsed)[0]!);
    let key = newLabel();
    while (this.bindings.has(key)) key = newLabel();
    const binding = this.proxy.create({ sandboxId, port, key });
    this.bindings.set(key, binding);
    this.deps.log.info({ sandbox: sandboxId, port, host: `${key}.${this.domain}` }, 'preview opened');
    return binding;
  }

  /** Port mode: the sandbox port's preview, or a new one on a free preview port. */
  private async bindPort(sandboxId: string, port: number): Promise<Binding> {
    for (const binding of this.bindings.values()) {
      if (binding.sandboxId === sandboxId && binding.port === port) return binding;
    }
    const { from, to } = this.range!;
    for (let listener = from; listener <= to; listener++) {
      if (this.bindings.has(String(listener))) continue;
      const binding = await this.listen(sandboxId, port, listener);
      if (binding) return binding;
    }
    // Every preview port is taken: the one unused longest, if nobody used it for a while.
    const now = Date.now();
    const idle = [...this.bindings.values()].filter((b) => now - b.lastUsed > REUSE_IDLE_AFTER_MS && !this.proxy.busy(b.sandboxId)).sort((a, b) => a.lastUsed - b.lastUsed)[0];
    if (idle?.listener !== undefined) {
      await this.close(idle);
      const binding = await this.listen(sandboxId, port, idle.listener);
      if (binding) return binding;
    }
    throw new PreviewError('preview_busy', `All ${to - from + 1} preview ports of this server are in use. Try again in a few minutes, or ask the operator to widen SLIPWAY_PREVIEW_PORTS.`);
  }

  /** Opens the preview port; undefined when something else holds it. */
  private async listen(sandboxId: string, port: number, listener: number): Promise<Binding | undefined> {
    const binding = this.proxy.create({ sandboxId, port, key: String(listener) }, listener);
    const server = http.createServer();
    binding.server = server;
    server.on('connection', (socket) => {
      binding.sockets.add(socket);
      socket.on('close', () => binding.sockets.delete(socket));
    });
    server.on('request', (req, res) => this.proxy.request(binding, req, res));
    server.on('upgrade', (req, socket: Socket, head) => this.proxy.upgrade(binding, req, socket, head));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(listener, this.deps.config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      binding.proxy.close();
      binding.agent.destroy();
      this.deps.log.warn({ port: listener, err: (err as Error).message }, 'a preview port is taken by something else; trying the next');
      return undefined;
    }
    this.bindings.set(binding.key, binding);
    this.deps.log.info({ sandbox: sandboxId, port, listener }, 'preview opened');
    return binding;
  }

  private async release(sandboxId: string): Promise<void> {
    await Promise.all([...this.bindings.values()].filter((b) => b.sandboxId === sandboxId).map((b) => this.close(b)));
  }

  private async close(binding: Binding): Promise<void> {
    if (this.bindings.get(binding.key) === binding) this.bindings.delete(binding.key);
    binding.proxy.close();
    binding.agent.destroy();
    for (const socket of binding.sockets) socket.destroy();
    const server = binding.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The host name (or address) of the site as the browser reached it, without its port. */
export function previewHostname(siteHost: string | undefined): string {
  const host = (siteHost ?? '').trim();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1) || '127.0.0.1';
  const name = host.split(':')[0] ?? '';
  return /^[A-Za-z0-9.-]{1,253}$/.test(name) ? name : '127.0.0.1';
}

/** The port of the site as the browser reached it (':4321'), or '' for the scheme's default. */
export function sitePort(siteHost: string | undefined): string {
  const port = /:(\d{1,5})$/.exec((siteHost ?? '').trim())?.[1];
  return port ? `:${port}` : '';
}
