// How the swarm driver's engine endpoints are written in the configuration, and read back as
// plain data (the driver makes clients of them): a manager's engine, and each node's engine by
// its host name, or one template for every node. Kept apart from the driver so that a wrong
// endpoint is refused with the other settings, before anything starts.

/** One engine API endpoint. */
export type EngineEndpoint =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'ssh'; host: string; port: number; user: string | undefined };

/** A node's endpoint: for one host name, or a template ("*") with {addr} and {hostname} in it. */
export interface NodeEndpoint {
  hostname: string;
  /** The endpoint as written; for "*", with the placeholders still in it. */
  text: string;
}

const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;

/** Reads `unix:///path`, `tcp://host:port` or `ssh://[user@]host[:port]`; throws an Error naming what is wrong. */
export function parseEndpoint(text: string): EngineEndpoint {
  const trimmed = text.trim();
  if (trimmed.startsWith('unix://')) {
    const socketPath = trimmed.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new Error(`"${text}": a unix endpoint names an absolute socket path, such as unix:///var/run/docker.sock`);
    return { kind: 'unix', socketPath };
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(`"${text}": expected unix:///PATH, tcp://HOST:PORT or ssh://USER@HOST`);
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'ssh:') throw new Error(`"${text}": unknown scheme ${url.protocol.replace(/:$/, '')}; expected unix, tcp or ssh`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new Error(`"${text}": no host`);
  if (url.pathname && url.pathname !== '/') throw new Error(`"${text}": an engine endpoint has no path`);
  if (url.protocol === 'tcp:') {
    if (!url.port) throw new Error(`"${text}": a tcp endpoint names its port, such as tcp://${host}:2376`);
    return { kind: 'tcp', host, port: Number(url.port) };
  }
  return { kind: 'ssh', host, port: url.port ? Number(url.port) : 22, user: url.username || undefined };
}

/**
 * Reads SLIPWAY_SWARM_NODES: `HOSTNAME=ENDPOINT` entries separated by commas, where the host
 * name `*` gives a template for every node not named, such as `*=tcp://{addr}:2376`.
 */
export function parseNodeEndpoints(text: string): NodeEndpoint[] {
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  const seen = new Set<string>();
  return entries.map((entry) => {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new Error(`"${entry}": expected HOSTNAME=ENDPOINT (or *=ENDPOINT for every other node)`);
    const hostname = entry.slice(0, equals).trim();
    const endpoint = entry.slice(equals + 1).trim();
    if (hostname !== '*' && !HOSTNAME.test(hostname)) throw new Error(`"${entry}": "${hostname}" is not a host name`);
    if (seen.has(hostname)) throw new Error(`"${entry}": ${hostname} is named twice`);
    seen.add(hostname);
    const unknown = /\{(?!addr\}|hostname\})[^}]*\}/.exec(endpoint);
    if (unknown) throw new Error(`"${entry}": unknown placeholder ${unknown[0]}; only {addr} and {hostname}`);
    if (hostname !== '*' && /\{(addr|hostname)\}/.test(endpoint)) throw new Error(`"${entry}": placeholders belong in the * entry`);
    parseEndpoint(fillEndpoint(endpoint, { addr: '192.0.2.1', hostname: 'node' }));
    return { hostname, text: endpoint };
  });
}

/** The endpoint text for one node: a named entry, else the template with its placeholders filled in. */
export function nodeEndpointText(entries: NodeEndpoint[], node: { hostname: string; addr: string }): string | undefined {
  const named = entries.find((e) => e.hostname === node.hostname);
  if (named) return named.text;
  const template = entries.find((e) => e.hostname === '*');
  return template ? fillEndpoint(template.text, node) : undefined;
}

function fillEndpoint(text: string, node: { hostname: string; addr: string }): string {
  return text.replaceAll('{addr}', node.addr.includes(':') ? `[${node.addr}]` : node.addr).replaceAll('{hostname}', node.hostname);
}
