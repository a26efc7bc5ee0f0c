// The door between sandboxes and the workshop registry: listens where sandboxes reach
// registry.workshop (their network's gateway) and passes requests on to the registry on
// loopback, letting reads through for everyone and writes only into the sender's own namespace.
// The sender is known by the connection's source address: each sandbox has its own on the
// sandbox network, and its Docker Engine pushes from it.
import http from 'node:http';
import type net from 'node:net';
import HttpProxy from 'http-proxy';
import type { Logger } from '../log.js';
import { judge, type RegistryErrors } from './policy.js';

/** The header a swarm node's relay names the sandbox's address in (images/mirror/run.sh). */
const RELAYED_FOR = 'x-slipway-sandbox';

/** A big layer pushed on a busy machine may take long; the default (5 min) would cut it. */
const REQUEST_TIMEOUT_MS = 30 * 60_000;
const RETRY_MS = 3_000;

export interface RegistryGateOptions {
  /** Port sandboxes connect to. */
  port: number;
  /** The registry behind the gate, such as http://127.0.0.1:5002. */
  upstream: string;
  /** The registry's address as learners write it (registry.workshop:5000), for messages. */
  name: string;
  /**
   * Which sandbox a connection from this address comes from, if any; `relayedFor` is the address
   * a relay (a swarm node's mirror) says it speaks for, which only the host can tell to trust.
   */
  sandboxAt(address: string, relayedFor: string | undefined): Promise<string | undefined>;
  /** The namespace of the learner who holds this sandbox, if anyone does. */
  namespaceOf(sandboxId: string): string | undefined;
  log: Logger;
}

export class RegistryGate {
  private server: http.Server | undefined;
  private host: string | undefined;
  /** Set while the port is taken by another process and listening is tried again. */
  private retry: NodeJS.Timeout | undefined;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly proxy: HttpProxy;
  /** A connection's sandbox, found once per connection and relayed address (a push sends many requests on one). */
  private readonly senders = new WeakMap<net.Socket, Map<string, Promise<string | undefined>>>();

  constructor(private readonly options: RegistryGateOptions) {
    this.proxy = HttpProxy.createProxyServer({ target: options.upstream, agent: this.agent, xfwd: false });
    this.proxy.on('error', (err, _req, res) => {
      options.log.warn({ err: err.message }, 'the workshop registry did not answer the gate');
      if (res instanceof http.ServerResponse) answer(res, 503, { errors: [{ code: 'UNAVAILABLE', message: 'the workshop registry is not answering right now; try again in a moment' }] });
    });
  }

  /** Where it listens now, if it does. */
  get address(): string | undefined {
    return this.server?.listening ? `${this.host}:${this.options.port}` : undefined;
  }

  /**
   * Listens on `host` (the sandbox network's gateway); moves there when it listened elsewhere.
   * When another process holds the port (a second server of this installation, or another
   * lessons:verify run, whose gate then serves the same sandboxes), it says so in the log and
   * tries again every few seconds, so it takes over once that process has gone.
   */
  async open(host: string): Promise<void> {
    if (this.host === host && (this.server || this.retry)) return;
    await this.close();
    this.host = host;
    await this.listen(host);
  }

  private async listen(host: string): Promise<void> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => {
        this.options.log.error({ err: err.message }, 'the workshop registry gate failed on a request');
        answer(res, 500, { errors: [{ code: 'UNKNOWN', message: 'the workshop registry gate failed; try again in a moment' }] });
      });
    });
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.port, host, () => resolve());
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      if (!this.retry) this.options.log.warn({ address: `${host}:${this.options.port}` }, 'the port where sandboxes reach the workshop registry is taken by another process (another Slipway server or lessons:verify run of this installation, or an image mirror from an older version: docker rm -f slipway-mirror); trying again every few seconds');
      this.retry = setTimeout(() => {
        if (this.host !== host) return;
        void this.listen(host).catch((error: Error) => this.options.log.error({ err: error.message }, 'the workshop registry gate cannot listen'));
      }, RETRY_MS);
      this.retry.unref();
      return;
    }
    if (this.host !== host) {
      // Closed or moved while it was starting to listen.
      server.close();
      return;
    }
    if (this.retry) this.options.log.info({ address: `${host}:${this.options.port}` }, 'the workshop registry gate listens now');
    clearTimeout(this.retry);
    this.retry = undefined;
    server.on('error', (err) => this.options.log.error({ err: err.message }, 'the workshop registry gate failed'));
    this.server = server;
  }

  async close(): Promise<void> {
    clearTimeout(this.retry);
    this.retry = undefined;
    this.host = undefined;
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Stops listening and lets go of the connections to the registry. */
  async stop(): Promise<void> {
    await this.close();
    this.proxy.close();
    this.agent.destroy();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    let namespace: string | undefined;
    let sandbox: string | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      try {
        const relayed = req.headers[RELAYED_FOR];
        sandbox = await this.senderOf(req.socket, typeof relayed === 'string' ? relayed : undefined);
      } catch (err) {
        this.options.log.warn({ err: (err as Error).message }, 'could not tell which sandbox a push to the workshop registry came from');
        return answer(res, 503, { errors: [{ code: 'UNAVAILABLE', message: 'the workshop registry could not tell which sandbox this came from; try again in a moment' }] });
      }
      namespace = sandbox ? this.options.namespaceOf(sandbox) : undefined;
    }
    const verdict = judge({ method, url: req.url ?? '/', namespace }, this.options.name);
    if (!verdict.allowed) {
      this.options.log.info({ sandbox, namespace, method, path: req.url?.split('?')[0] }, 'the workshop registry refused a write outside the sender\'s namespace');
      return answer(res, verdict.status, verdict.body);
    }
    this.proxy.web(req, res);
  }

  private senderOf(socket: net.Socket, relayedFor: string | undefined): Promise<string | undefined> {
    let known = this.senders.get(socket);
    if (!known) {
      known = new Map();
      this.senders.set(socket, known);
    }
    const key = relayedFor ?? '';
    let sender = known.get(key);
    if (!sender) {
      const address = socket.remoteAddress;
      sender = address ? this.options.sandboxAt(address, relayedFor) : Promise.resolve(undefined);
      known.set(key, sender);
      // A failed look-up is asked again on the next request rather than remembered.
      sender.catch(() => known.delete(key));
    }
    return sender;
  }
}

/** An answer in the registry's error format, which docker shows as "denied: <message>". */
function answer(res: http.ServerResponse, status: number, body: RegistryErrors): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'docker-distribution-api-version': 'registry/2.0',
  });
  res.end(text);
}
