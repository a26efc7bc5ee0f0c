// Where the server reaches the ports a swarm sandbox publishes (the web preview). Not at its
// address: that is on its node's bridge, which is not routed from the server's machine (and must
// not be, or sandboxes of other nodes could reach it too). Each connection is instead a relay in
// the sandbox itself, an exec through its node's API (exec-tunnel.ts), to the port on the
// sandbox's loopback, where its engine publishes what `docker run -p` and compose `ports:` ask
// for as on its every address.
//
// The relay is bash and cat from the sandbox image: it runs as the learner's own root, and what it
// sends back is only what the learner's app could send anyway.
import type http from 'node:http';
import type Docker from 'dockerode';
import { ENGINE_PORTS } from '../docker/preview-host.js';
import type { PreviewHost } from '../driver.js';
import { ExecTunnelAgent, type TunnelTarget } from './exec-tunnel.js';

/**
 * Connects to 127.0.0.1:$1 and copies both ways; it ends when the app closes the connection (the
 * reader, which the script becomes) or the server does (the writer then ends the reader), so no
 * relay outlives its connection. Nothing listening: it ends at once, and the proxy says so.
 */
const RELAY = [
  'exec 3<>"/dev/tcp/127.0.0.1/$1" 2>/dev/null || exit 7',
  'exec 4<&0',
  '{ cat <&4 >&3; kill $$ 2>/dev/null; } &',
  'exec cat <&3',
].join('\n');

export function swarmPreviewHost(placementOf: (id: string) => Promise<TunnelTarget>): PreviewHost {
  /** Addresses found, by container: a container keeps its address while it lives. */
  const addresses = new Map<string, string>();
  return {
    reservedPorts: ENGINE_PORTS,
    /** The sandbox's address on its node, as `docker inspect` there tells it: a sign it runs. */
    async address(id) {
      const placement = await placementOf(id).catch(() => undefined);
      if (!placement) return undefined;
      const known = addresses.get(placement.containerId);
      if (known) return known;
      const info: Docker.ContainerInspectInfo | undefined = await placement.node.getContainer(placement.containerId).inspect().catch(() => undefined);
      if (!info?.State.Running) return undefined;
      const address = Object.values(info.NetworkSettings.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
      if (address) addresses.set(placement.containerId, address);
      return address;
    },
    agent: (id: string, options: http.AgentOptions) =>
      new ExecTunnelAgent(() => placementOf(id), (request) => ['bash', '-c', RELAY, 'slipway-preview-relay', String(Number(request.port))], { ...options, endClosesInput: true }),
  };
}
