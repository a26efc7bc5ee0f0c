// The egress firewall on each node of the swarm: the same rules the docker driver writes on its
// one host (docker/network.ts), here on the bridge sandboxes use on each node (its default
// bridge), through that node's engine. A node takes sandboxes only with icc off on that bridge
// (no sandbox reaches another on its node) and its rules applied (a sandbox reaches no port of
// its node but the mirror's, nothing beyond it, no other node and no sandbox on another node).
// Rules are applied once per node, and again after the node was seen down (its engine or its
// machine may have restarted and lost them).
import type Docker from 'dockerode';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../log.js';
import { applyFirewall, type FirewallState } from '../docker/network.js';
import { SandboxError } from '../driver.js';

export interface NodeRef {
  id: string;
  hostname: string;
  client: Docker;
}

export class NodeFirewalls {
  private readonly applied = new Map<string, Promise<FirewallState>>();

  constructor(
    private readonly config: Pick<Config, 'instance' | 'mirrorPort' | 'egress' | 'noFirewall' | 'firewallImage' | 'swarmAdvertise'>,
    private readonly log: Logger,
  ) {}

  /** Applies the node's rules unless they are; throws, naming the node and the cause, when it cannot take sandboxes. */
  async ensure(node: NodeRef, image: string): Promise<FirewallState> {
    let applying = this.applied.get(node.id);
    if (!applying) {
      applying = this.apply(node, image);
      this.applied.set(node.id, applying);
      applying.then((state) => state.status === 'failed' && this.applied.delete(node.id), () => this.applied.delete(node.id));
    }
    const state = await applying;
    if (state.status === 'failed') throw new SandboxError(`Node ${node.hostname} takes no sandbox: ${state.reason}`, 'create_failed');
    return state;
  }

  /** The node was seen down: its rules are applied again before its next sandbox. */
  forget(nodeId: string): void {
    this.applied.delete(nodeId);
  }

  private async apply(node: NodeRef, image: string): Promise<FirewallState> {
    const bridge = await sandboxBridge(node);
    const { instance, mirrorPort, egress, noFirewall, firewallImage, swarmAdvertise } = this.config;
    // The server's address takes only the nodes' relays, which say which sandbox they speak for.
    const unreachable = swarmAdvertise ? [swarmAdvertise] : [];
    const state = await applyFirewall(node.client, { instance, bridge, mirrorPort, egress, disabled: noFirewall, image: firewallImage || image, unreachable }, this.log);
    this.log.info({ node: node.hostname, bridge, firewall: state.status, backend: state.backend }, 'sandbox firewall on a node');
    return state;
  }
}

/** The node's default bridge, where its sandboxes run: its Linux name, once icc is known to be off on it. */
export async function sandboxBridge(node: NodeRef): Promise<string> {
  const options = await defaultBridgeOptions(node.client);
  if (options['com.docker.network.bridge.enable_icc'] !== 'false') {
    throw new SandboxError(`Node ${node.hostname}: containers on its default bridge can reach each other (icc is on), so one sandbox could reach another there. Set "icc": false in its /etc/docker/daemon.json and restart its engine.`, 'create_failed');
  }
  return bridgeName(options);
}

/** The Linux name of a node's default bridge, whatever its icc (a cleanup removes its rules either way). */
export async function defaultBridgeName(client: Docker): Promise<string> {
  return bridgeName(await defaultBridgeOptions(client));
}

async function defaultBridgeOptions(client: Docker): Promise<Record<string, string>> {
  const inspected = (await client.getNetwork('bridge').inspect()) as { Options?: Record<string, string> };
  return inspected.Options ?? {};
}

const bridgeName = (options: Record<string, string>) => options['com.docker.network.bridge.name'] ?? 'docker0';
