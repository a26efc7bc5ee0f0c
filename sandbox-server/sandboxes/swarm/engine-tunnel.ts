// A client of a swarm sandbox's own Docker Engine, with no socket file and no port on the node:
// each connection is an exec of `docker system dial-stdio` in the sandbox (exec-tunnel.ts). A
// tunnel runs a docker CLI in the sandbox (about 30 MiB while it is open), so connections are
// kept for reuse and closed after a few idle seconds.
import Docker from 'dockerode';
import { ExecTunnelAgent, type TunnelTarget } from './exec-tunnel.js';

/** How long an idle tunnel is kept for the next request. */
const IDLE_MS = 5000;
/** The CLI inside the sandbox, not the docker-shim, which would wait for an engine it need not. */
const DIAL_STDIO = ['/usr/bin/docker', 'system', 'dial-stdio'];

/**
 * A Docker client of the engine inside a sandbox's container, reached through the API of the
 * node running it; `find` is asked where that is each time a connection opens.
 */
export function tunnelledEngine(find: () => Promise<TunnelTarget>): Docker {
  // docker-modem takes an agent for its requests; dockerode's types do not list the option.
  const options: Docker.DockerOptions & { agent: ExecTunnelAgent } = { protocol: 'http', host: 'sandbox-engine', port: 2375, agent: new ExecTunnelAgent(find, () => DIAL_STDIO, { keepAlive: true, maxSockets: 4, maxFreeSockets: 1, timeout: IDLE_MS, endClosesInput: false }) };
  return new Docker(options);
}
