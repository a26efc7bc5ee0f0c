// The bridge all sandboxes of an installation sit on. Inter-container traffic is off (a sandbox
// cannot reach another), the network is internal unless egress is enabled, and a firewall chain
// on the engine's host lets sandboxes reach only the image mirror there. The rules are written
// by a short-lived helper container on the engine's host network with NET_ADMIN, never by this
// process: so they hold the same whether the server runs as root, as a member of the docker
// group or against Docker Desktop's engine in its VM, and the host needs no iptables.
import type Docker from 'dockerode';
import { labels, names } from '../../labels.js';
import type { Logger } from '../../log.js';
import { SandboxError } from '../driver.js';
import { runToEnd } from './helper-run.js';
import { NO_VOLUME_FOR_ENGINE_DATA } from './isolation.js';

export interface SandboxNetwork {
  name: string;
  bridge: string;
  gateway: string;
  subnet: string;
  /** Whether the firewall rules are in place. */
  firewalled: boolean;
  firewall: FirewallState;
}

/**
 * applied: the rules are in place. off: the operator turned the firewall off
 * (SLIPWAY_NO_FIREWALL); sandboxes start and can reach every port the host serves on their
 * gateway. failed: the rules could not be applied; sandboxes are refused until they are.
 */
export interface FirewallState {
  status: 'applied' | 'off' | 'failed';
  /** Which iptables the rules went into (nft or legacy: the one the engine's own rules use). */
  backend?: string;
  /** For failed: the cause and the fix, in words for the operator. */
  reason?: string;
}


export async function ensureNetwork(docker: Docker, instance: string, egress: boolean, log: Logger): Promise<Omit<SandboxNetwork, 'firewalled' | 'firewall'>> {
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
const egressRefusal = (bridge: string) => `-i ${bridge} ! -o ${bridge} -j REJECT --reject-with icmp-net-unreachable`;
const metadataRefusal = (bridge: string) => `-i ${bridge} -d 169.254.0.0/16 -j REJECT`;
/** An address sandboxes must never reach, even with egress on (a swarm's server, where only nodes' relays may speak for them). */
const addressRefusal = (bridge: string, address: string) => `-i ${bridge} -d ${address}/32 -j REJECT`;

/**
 * The engine writes its own rules with one of two iptables back ends (nf_tables or legacy);
 * ours must go where its DOCKER chain is, or they would sit in tables the packets never see.
 * An engine started with --iptables=false has neither: the image's default is used.
 */
const PICK_BACKEND = `ipt=
for candidate in iptables-nft iptables-legacy; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -w -n -L DOCKER >/dev/null 2>&1; then ipt="$candidate"; break; fi
done
if [ -z "$ipt" ]; then
  command -v iptables >/dev/null 2>&1 || { echo "no iptables in the helper image"; exit 127; }
  ipt=iptables
fi
ipt() { "$ipt" -w "$@"; }
`;

/** A bridge name is what names.bridge makes (letters, digits, dashes): safe in a shell line. */
function assertBridgeName(bridge: string): void {
  if (!/^[a-z0-9-]{1,15}$/.test(bridge)) throw new Error(`Not a sandbox bridge name: ${bridge}`);
}

/**
 * The rules that confine sandboxes, as one shell script for the helper: from the sandbox bridge,
 * only the registries (the workshop registry's gate and the mirror), the package cache, the
 * Python index and the mirror's DNS answer;
 * cloud metadata addresses are unreachable even with egress on. With egress off, also the
 * egress refusal: the network is internal then, and Docker silently drops what tries to leave
 * it, so `curl 192.0.2.1` would hang for minutes; refused, it fails at once with "Network is
 * unreachable" and no packet leaves the host. Idempotent: run again after an engine restart.
 */
export function firewallScript(bridge: string, mirrorPort: number, egress: boolean, unreachable: string[] = []): string {
  assertBridgeName(bridge);
  for (const address of unreachable) if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) throw new Error(`Not an IPv4 address: ${address}`);
  const chain = chainName(bridge);
  return `set -e
${PICK_BACKEND}
ipt -N ${chain} 2>/dev/null || true
ipt -F ${chain}
ipt -A ${chain} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
# The workshop registry's gate (the server itself, on the mirror port: registry/gate.ts) and the
# read-only mirror (the next port).
ipt -A ${chain} -p tcp --dport ${mirrorPort}:${mirrorPort + 1} -j ACCEPT
# The package cache (apt for Debian's archive), on the port the archive's URLs name.
ipt -A ${chain} -p tcp --dport 80 -j ACCEPT
# The Python package index (pip, as pypi.workshop), on the mirror port + 4.
ipt -A ${chain} -p tcp --dport ${mirrorPort + 4} -j ACCEPT
# The mirror's DNS server, which answers every lookup at once with "no such name" (but the
# archive's names, with the gateway).
ipt -A ${chain} -p udp --dport 53 -j ACCEPT
ipt -A ${chain} -p tcp --dport 53 -j ACCEPT
ipt -A ${chain} -p tcp -j REJECT --reject-with tcp-reset
ipt -A ${chain} -j REJECT --reject-with icmp-port-unreachable
ipt -C INPUT -i ${bridge} -j ${chain} 2>/dev/null || ipt -I INPUT 1 -i ${bridge} -j ${chain}
# DOCKER-USER is consulted before the engine's own forwarding rules.
ipt -N DOCKER-USER 2>/dev/null || true
ipt -C DOCKER-USER ${metadataRefusal(bridge)} 2>/dev/null || ipt -I DOCKER-USER 1 ${metadataRefusal(bridge)}
${unreachable.map((address) => `ipt -C DOCKER-USER ${addressRefusal(bridge, address)} 2>/dev/null || ipt -I DOCKER-USER 1 ${addressRefusal(bridge, address)}`).join('\n')}
${
  egress
    ? `while ipt -D DOCKER-USER ${egressRefusal(bridge)} 2>/dev/null; do :; done`
    : `ipt -C DOCKER-USER ${egressRefusal(bridge)} 2>/dev/null || ipt -I DOCKER-USER 1 ${egressRefusal(bridge)}`
}
echo "backend=$ipt"
`;
}

/** Removes what `firewallScript` installs; missing rules are no error. */
export function removalScript(bridge: string): string {
  assertBridgeName(bridge);
  const chain = chainName(bridge);
  return `${PICK_BACKEND}
while ipt -D INPUT -i ${bridge} -j ${chain} 2>/dev/null; do :; done
while ipt -D DOCKER-USER ${metadataRefusal(bridge)} 2>/dev/null; do :; done
while ipt -D DOCKER-USER ${egressRefusal(bridge)} 2>/dev/null; do :; done
ipt -F ${chain} 2>/dev/null || true
ipt -X ${chain} 2>/dev/null || true
echo "backend=$ipt"
`;
}

export interface FirewallOptions {
  instance: string;
  bridge: string;
  mirrorPort: number;
  egress: boolean;
  /** The image the helper runs; it needs sh and iptables (the sandbox image has both). */
  image: string;
  /** SLIPWAY_NO_FIREWALL: the operator runs without the firewall, knowingly. */
  disabled: boolean;
  /** Addresses beyond the bridge sandboxes never reach, even with egress on. */
  unreachable?: string[];
}

const FIX =
  'The firewall is applied by a short-lived helper container on the engine\'s host network with NET_ADMIN; ' +
  'the engine must allow that (a rootless engine or one that forbids host networking cannot). ' +
  'Fix the cause and start the server again, or set SLIPWAY_NO_FIREWALL=1 to run without the firewall ' +
  '(sandboxes can then reach every port this host serves on their gateway).';

/**
 * Applies the sandbox network's rules through the helper container. Never throws: a failure is
 * reported in the state (sandboxes are then refused, see `requireFirewall`), so the server
 * still starts and shows why.
 */
export async function applyFirewall(docker: Docker, options: FirewallOptions, log: Logger): Promise<FirewallState> {
  if (options.disabled) {
    log.warn({ bridge: options.bridge }, 'SLIPWAY_NO_FIREWALL is set: sandboxes run WITHOUT the firewall and can reach every port this host serves on their gateway');
    return { status: 'off' };
  }
  try {
    const backend = await runHelper(docker, options.image, options.instance, firewallScript(options.bridge, options.mirrorPort, options.egress, options.unreachable));
    return { status: 'applied', backend };
  } catch (err) {
    const reason = `The sandbox firewall could not be applied: ${(err as Error).message}. ${FIX}`;
    log.error({ bridge: options.bridge, err: (err as Error).message }, 'could not apply the sandbox firewall; sandboxes are refused until it is applied');
    return { status: 'failed', reason };
  }
}

/** Throws, with the cause and the fix, unless the firewall is applied or knowingly turned off. */
export function requireFirewall(network: SandboxNetwork): void {
  const { firewall } = network;
  if (firewall.status === 'failed') throw new SandboxError(`Sandboxes are not started without their firewall. ${firewall.reason ?? ''}`.trim(), 'create_failed');
}

/**
 * Removes the rules of `bridge`, with the helper. The helper's image is the one given, or any
 * sandbox image on the engine; with none there, nothing can be removed and that is said.
 */
export async function removeFirewall(docker: Docker, bridge: string, instance: string, image?: string): Promise<void> {
  const helper = image ?? (await anyHelperImage(docker));
  if (!helper) throw new Error(`No image with iptables is on the engine to remove the firewall rules of ${bridge}; they stay until the next engine restart.`);
  await runHelper(docker, helper, instance, removalScript(bridge));
}

/**
 * Whether the helper can read the engine host's rules, which needs what writing them needs
 * (host networking, NET_ADMIN, iptables in the image); changes nothing. Returns the back end.
 */
export async function probeFirewall(docker: Docker, image: string, instance: string): Promise<string> {
  return runHelper(docker, image, instance, `set -e\n${PICK_BACKEND}ipt -n -L INPUT >/dev/null\necho "backend=$ipt"\n`);
}

/** A Slipway sandbox image on the engine, if any (it has iptables). */
export async function anyHelperImage(docker: Docker): Promise<string | undefined> {
  const images = await docker.listImages({ filters: JSON.stringify({ reference: ['slipway/sandbox'] }) }).catch(() => []);
  return images.flatMap((i) => i.RepoTags ?? []).find((t) => t.startsWith('slipway/sandbox:'));
}

/**
 * Runs `script` with sh in a container of `image` on the engine's host network with NET_ADMIN
 * (the one right iptables needs; --privileged is refused on some hosts and is not needed).
 * Returns the back end it printed; throws with the helper's own words when it fails. The helper
 * carries the installation's labels and is removed, with any volume, whatever happens.
 */
async function runHelper(docker: Docker, image: string, instance: string, script: string): Promise<string> {
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      Image: image,
      Entrypoint: ['sh', '-c', script],
      Cmd: [],
      Tty: true,
      Labels: labels(instance, 'probe'),
      HostConfig: { NetworkMode: 'host', CapAdd: ['NET_ADMIN'], AutoRemove: false, Mounts: NO_VOLUME_FOR_ENGINE_DATA },
    });
  } catch (err) {
    const e = err as { statusCode?: number; message?: string };
    if (e.statusCode === 404) throw new Error(`its helper image ${image} is not on the engine`);
    throw new Error(`the engine refused the helper container (${firstLine(e.message)})`);
  }
  const ran = await runToEnd(container);
  const output = ran.output.replace(/\r/g, '').trim();
  if (ran.statusCode !== 0) {
    const words = output.split('\n').filter(Boolean).slice(-3).join(' / ') || 'no output';
    throw new Error(`the helper (image ${image}) exited with code ${ran.statusCode}: ${words}`);
  }
  return /backend=(\S+)/.exec(output)?.[1] ?? 'iptables';
}

function firstLine(text: string | undefined): string {
  return (text ?? 'no reason given').split('\n')[0]!.slice(0, 200);
}
