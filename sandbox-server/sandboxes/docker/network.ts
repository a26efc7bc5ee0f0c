// The bridge all sandboxes of an installation sit on. Inter-container traffic is off (a sandbox
// cannot reach another), the network is internal unless egress is enabled, and a host firewall
// chain lets sandboxes reach only the image mirror on this host.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { labels, names } from '../../labels.js';
import type { Logger } from '../../log.js';

const run = promisify(execFile);

export interface SandboxNetwork {
  name: string;
  bridge: string;
  gateway: string;
  subnet: string;
  /** Whether the host firewall rules are in place (false when iptables is unavailable). */
  firewalled: boolean;
}

export async function ensureNetwork(docker: Docker, instance: string, egress: boolean, log: Logger): Promise<Omit<SandboxNetwork, 'firewalled'>> {
  const name = names.network(instance);
  const bridge = names.bridge(instance);
  let inspected = await docker.getNetwork(name).inspect().catch(() => undefined);
  if (inspected && inspected.Internal === egress) {
    const attached = Object.keys(inspected.Containers ?? {}).length;
    if (attached === 0) {
      log.info({ name, egress }, 'recreating the sandbox network for the new egress setting');
      await docker.getNetwork(name).remove();
      inspected = undefined;
    } else {
      log.warn({ name, attached }, 'egress setting changed but sandboxes are still attached; it applies once they are gone');
    }
  }
  if (!inspected) {
    await docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      Internal: !egress,
      CheckDuplicate: true,
      Labels: labels(instance, 'network'),
      Options: {
        'com.docker.network.bridge.enable_icc': 'false',
        'com.docker.network.bridge.name': bridge,
      },
    });
    inspected = await docker.getNetwork(name).inspect();
  }
  const ipam = inspected.IPAM?.Config?.[0];
  if (!ipam?.Gateway || !ipam.Subnet) throw new Error(`Network ${name} has no gateway address; remove it (docker network rm ${name}) and start again.`);
  return { name, bridge, gateway: ipam.Gateway, subnet: ipam.Subnet };
}

/** iptables chain names are limited to 28 characters; the bridge name is at most 15. */
const chainName = (bridge: string) => `SLIPWAY-${bridge}`.toUpperCase();

/** With egress off, what the sandboxes send beyond their own bridge is refused at once. */
const egressRefusal = (bridge: string) => ['-i', bridge, '!', '-o', bridge, '-j', 'REJECT', '--reject-with', 'icmp-net-unreachable'];

/**
 * Installs (idempotently) the rules that confine sandboxes on this host: from the sandbox
 * bridge, only the registries (the workshop registry's gate and the mirror) and the mirror's
 * DNS answer; cloud metadata addresses are unreachable even with egress on. With `egress` given, also the egress refusal: the network is internal
 * when egress is off, and Docker silently drops what tries to leave it, so `curl 192.0.2.1`
 * would hang for minutes; refused, it fails at once with "Network is unreachable" and no
 * packet leaves the host. Returns false, after logging why, when iptables cannot be used.
 */
export async function applyFirewall(bridge: string, mirrorPort: number, log: Logger, egress?: boolean): Promise<boolean> {
  const chain = chainName(bridge);
  const iptables = (...args: string[]) => run('iptables', ['-w', ...args]);
  try {
    await iptables('-N', chain).catch(() => undefined);
    await iptables('-F', chain);
    await iptables('-A', chain, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT');
    // The workshop registry's gate (the server itself, on the mirror port: registry/gate.ts)
    // and the read-only mirror (the next port).
    await iptables('-A', chain, '-p', 'tcp', '--dport', `${mirrorPort}:${mirrorPort + 1}`, '-j', 'ACCEPT');
    // The mirror's DNS server, which answers every lookup at once with "no such name".
    await iptables('-A', chain, '-p', 'udp', '--dport', '53', '-j', 'ACCEPT');
    await iptables('-A', chain, '-p', 'tcp', '--dport', '53', '-j', 'ACCEPT');
    await iptables('-A', chain, '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset');
    await iptables('-A', chain, '-j', 'REJECT', '--reject-with', 'icmp-port-unreachable');
    await iptables('-C', 'INPUT', '-i', bridge, '-j', chain).catch(() => iptables('-I', 'INPUT', '1', '-i', bridge, '-j', chain));
    // DOCKER-USER is consulted before Docker's own forwarding rules.
    await iptables('-N', 'DOCKER-USER').catch(() => undefined);
    const metadata = ['-i', bridge, '-d', '169.254.0.0/16', '-j', 'REJECT'];
    await iptables('-C', 'DOCKER-USER', ...metadata).catch(() => iptables('-I', 'DOCKER-USER', '1', ...metadata));
    if (egress === false) await iptables('-C', 'DOCKER-USER', ...egressRefusal(bridge)).catch(() => iptables('-I', 'DOCKER-USER', '1', ...egressRefusal(bridge)));
    if (egress === true) await iptables('-D', 'DOCKER-USER', ...egressRefusal(bridge)).catch(() => undefined);
    return true;
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not install firewall rules for sandboxes (is iptables installed and are we root?); sandboxes can reach host ports');
    return false;
  }
}

export async function removeFirewall(bridge: string): Promise<void> {
  const chain = chainName(bridge);
  const iptables = (...args: string[]) => run('iptables', ['-w', ...args]).catch(() => undefined);
  await iptables('-D', 'INPUT', '-i', bridge, '-j', chain);
  await iptables('-D', 'DOCKER-USER', '-i', bridge, '-d', '169.254.0.0/16', '-j', 'REJECT');
  await iptables('-D', 'DOCKER-USER', ...egressRefusal(bridge));
  await iptables('-F', chain);
  await iptables('-X', chain);
}
