// Clients of the engines the swarm driver talks to, from the configuration: a manager's (services,
// tasks, nodes) and each node's (exec, files, the sandbox's own engine). A node's client is made
// the first time a sandbox runs there, from its named endpoint or the template, and kept.
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import type { Config } from '../../config/config.js';
import { nodeEndpointText, parseEndpoint, parseNodeEndpoints, type EngineEndpoint } from '../../config/swarm-endpoints.js';

export interface SwarmEndpoints {
  /** A client of a manager's engine: services, tasks and nodes. */
  manager: Docker;
  /** A client of a node's engine, by its host name and address as the swarm lists them; undefined when the configuration names none. */
  node(node: { hostname: string; addr: string }): Docker | undefined;
}

/** Endpoints from SLIPWAY_SWARM_MANAGER, SLIPWAY_SWARM_NODES and SLIPWAY_SWARM_TLS. */
export function configuredEndpoints(config: Pick<Config, 'swarmManager' | 'swarmNodes' | 'swarmTls'>): SwarmEndpoints {
  let files: TlsFiles | undefined;
  const tls = () => (files ??= readTls(config.swarmTls));
  const manager = clientOf(parseEndpoint(config.swarmManager), tls);
  const entries = parseNodeEndpoints(config.swarmNodes);
  const clients = new Map<string, Docker>();
  return {
    manager,
    node(node) {
      const text = nodeEndpointText(entries, node);
      if (!text) return undefined;
      let client = clients.get(text);
      if (!client) {
        client = clientOf(parseEndpoint(text), tls);
        clients.set(text, client);
      }
      return client;
    },
  };
}

interface TlsFiles {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

function clientOf(endpoint: EngineEndpoint, tls: () => TlsFiles): Docker {
  if (endpoint.kind === 'unix') return new Docker({ socketPath: endpoint.socketPath });
  if (endpoint.kind === 'ssh') return new Docker({ protocol: 'ssh', host: endpoint.host, port: endpoint.port, ...(endpoint.user ? { username: endpoint.user } : {}), sshOptions: { agent: process.env.SSH_AUTH_SOCK } });
  return new Docker({ protocol: 'https', host: endpoint.host, port: endpoint.port, ...tls() });
}

/** The client certificate for tcp:// endpoints; a plain-TCP engine API is refused, as it is root on its node for anyone who reaches it. */
function readTls(folder: string): TlsFiles {
  if (!folder.trim()) throw new Error('A tcp:// swarm endpoint needs SLIPWAY_SWARM_TLS, the folder of ca.pem, cert.pem and key.pem: a node API without TLS is root on that node for anyone who reaches it.');
  const read = (name: string) => {
    const file = path.join(folder, name);
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new Error(`SLIPWAY_SWARM_TLS: cannot read ${name} in ${folder} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}
