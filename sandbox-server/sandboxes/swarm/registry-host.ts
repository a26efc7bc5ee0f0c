// What the workshop registry's gate needs of the swarm driver. The registry lives on this
// machine; a sandbox reaches it through the relay in its node's mirror, which tells the gate in a
// header which sandbox address it speaks for. That is believed only of a connection from a node
// of the swarm (sandboxes cannot reach this machine themselves: node-firewall.ts), and the
// sandbox is found by that address among the node's own containers. A sandbox learns its
// learner's namespace from a small file written into it through its node.
import type Docker from 'dockerode';
import { LABEL } from '../../labels.js';
import type { Logger } from '../../log.js';
import type { ExecOptions, ExecResult, RegistryHost } from '../driver.js';

export interface SwarmRegistryParts {
  instance: string;
  /** The engine of the node with this address in the swarm, if one has it. */
  nodeAt(address: string): Docker | undefined;
  exec(id: string, command: string[], options?: ExecOptions): Promise<ExecResult>;
  whenSharedReady: RegistryHost['whenSharedReady'];
  log: Logger;
}

export function swarmRegistryHost(parts: SwarmRegistryParts): RegistryHost {
  return {
    whenSharedReady: parts.whenSharedReady,

    async sandboxAt(address, relayedFor) {
      const node = parts.nodeAt(address.replace(/^::ffff:/, ''));
      if (!node || !relayedFor) return undefined;
      const filters = JSON.stringify({ label: [`${LABEL.instance}=${parts.instance}`, `${LABEL.role}=sandbox`] });
      const containers = await node.listContainers({ filters });
      return containers.find((c) => c.NetworkSettings?.Networks?.bridge?.IPAddress === relayedFor)?.Labels[LABEL.sandbox];
    },

    shareFile(id, name, text) {
      if (!/^[a-z][a-z-]{0,40}$/.test(name)) throw new Error(`Not a shared file name: ${name}`);
      const write = `mkdir -p /run/slipway && cat > /run/slipway/${name}.new && mv -f /run/slipway/${name}.new /run/slipway/${name}`;
      void parts.exec(id, ['sh', '-c', write], { stdin: text }).then(
        (result) => {
          if (result.exitCode !== 0) parts.log.warn({ sandbox: id, file: name, err: result.stderr.trim() }, 'could not put a file in a sandbox');
        },
        (err: Error) => parts.log.warn({ sandbox: id, file: name, err: err.message }, 'could not put a file in a sandbox'),
      );
    },
  };
}
