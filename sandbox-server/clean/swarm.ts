// `npm run clean` for an installation on a Docker Swarm (SLIPWAY_DRIVER=swarm). Through the
// manager: the installation's sandbox services, and its label on the nodes it made ready. On
// each node whose engine answers, with the same helpers as on one engine (installation.ts,
// shared.ts): what the installation left there (containers of ended tasks, the sandboxes'
// volumes), the sandbox firewall's rules on the node's bridge, and, once no other installation
// is on the node, its image mirror and Slipway's images. A node that does not answer is named
// as not cleaned: what the installation left there stays until a cleanup reaches it.
import type Docker from 'dockerode';
import type { Config } from '../config/config.js';
import { LABEL, instanceFilter } from '../labels.js';
import { removeFirewall } from '../sandboxes/docker/network.js';
import { configuredEndpoints } from '../sandboxes/swarm/endpoints.js';
import { defaultBridgeName } from '../sandboxes/swarm/node-firewall.js';
import { preparedLabel } from '../sandboxes/swarm/service-spec.js';
import { installationsOnEngine, listInstallation, removeInstallation } from './installation.js';
import { attempt, emptyOutcome, type EngineObject, type Outcome } from './outcome.js';
import { listShared, removeShared } from './shared.js';

interface SwarmNode {
  ID: string;
  Version: { Index: number };
  Spec: { Labels?: Record<string, string> } & Record<string, unknown>;
  Description: { Hostname: string };
  Status: { Addr: string };
}

const PREPARED_PREFIX = preparedLabel('');

export interface SwarmCleanup {
  instances: string[];
  dryRun: boolean;
  /** One line per object, as the cleanup goes. */
  show: (objects: EngineObject[]) => void;
  say: (line: string) => void;
}

export async function cleanSwarm(config: Pick<Config, 'swarmManager' | 'swarmNodes' | 'swarmTls'>, cleanup: SwarmCleanup): Promise<Outcome> {
  const { instances, dryRun, show, say } = cleanup;
  const { manager, node: clientFor } = configuredEndpoints(config);
  await manager.swarmInspect().catch((err: Error) => {
    throw new Error(`The swarm manager's engine (SLIPWAY_SWARM_MANAGER) is not a swarm manager or does not answer: ${err.message}`);
  });
  const outcome = emptyOutcome();
  const record = (step: Outcome) => {
    show(step.removed);
    outcome.removed.push(...step.removed);
    outcome.failed.push(...step.failed);
  };
  /** Removes each object (or, in a dry run, only names it). */
  const run = async (objects: EngineObject[], remove: (object: EngineObject) => Promise<unknown>) => {
    const step = emptyOutcome();
    if (dryRun) step.removed.push(...objects);
    else for (const object of objects) await attempt(step, object, () => remove(object));
    record(step);
  };

  for (const instance of instances) {
    say(`Installation "${instance}" on the swarm:`);
    const services = (await manager.listServices({ filters: instanceFilter(instance) })) as Array<{ Spec: { Name: string; Labels?: Record<string, string> } }>;
    await run(
      services.map((s) => ({ kind: 'service', name: s.Spec.Name, what: `sandbox ${s.Spec.Labels?.[LABEL.sandbox] ?? ''}`.trim() })),
      (s) => manager.getService(s.name).remove(),
    );
  }

  const nodes = (await manager.listNodes()) as SwarmNode[];
  for (const node of nodes.sort((a, b) => a.Description.Hostname.localeCompare(b.Description.Hostname))) {
    const hostname = node.Description.Hostname;
    const ours = instances.filter((i) => node.Spec.Labels?.[preparedLabel(i)] === 'true');
    const client = clientFor({ hostname, addr: node.Status.Addr });
    const answers = client && (await client.ping().then(() => true, () => false));
    if (!client || !answers) {
      if (ours.length) outcome.failed.push({ kind: 'node', name: hostname, what: 'a node of the swarm', reason: client ? 'its engine does not answer: what the installation left there stays' : 'SLIPWAY_SWARM_NODES names no endpoint for it' });
      continue;
    }
    say(`Node ${hostname}:`);
    let left = 0;
    for (const instance of instances) {
      // As on one engine: containers of ended tasks first, then the volumes they held.
      const step = dryRun ? { removed: await listInstallation(client, instance), failed: [] } : await removeInstallation(client, instance);
      left += step.removed.length + step.failed.length;
      record(step);
      if (ours.includes(instance)) {
        const bridge = await defaultBridgeName(client);
        await run([{ kind: 'firewall', name: bridge, what: `the sandbox firewall's rules of ${instance}` }], () => removeFirewall(client, bridge, instance));
      }
    }
    if (ours.length) {
      await run([{ kind: 'label', name: `${hostname} ${ours.map(preparedLabel).join(' ')}`, what: 'the node made ready for the installation' }], () => withoutLabels(manager, node.ID, ours.map(preparedLabel)));
    }
    // A node this installation never used keeps what is on it.
    if (!ours.length && !left) continue;
    const othersPrepared = Object.keys(node.Spec.Labels ?? {}).filter((l) => l.startsWith(PREPARED_PREFIX) && !instances.includes(l.slice(PREPARED_PREFIX.length)));
    const othersHere = (await installationsOnEngine(client)).filter((i) => !instances.includes(i));
    if (othersPrepared.length || othersHere.length) {
      say(`  kept its image mirror and images: ${[...othersPrepared.map((l) => l.slice(PREPARED_PREFIX.length)), ...othersHere].map((i) => `"${i}"`).join(', ')} still use them`);
      continue;
    }
    record(dryRun ? { removed: await listShared(client), failed: [] } : await removeShared(client));
  }
  return outcome;
}

/** Takes labels off a node, read anew so that the update carries its current version. */
async function withoutLabels(manager: Docker, nodeId: string, names: string[]): Promise<void> {
  const node = manager.getNode(nodeId);
  const info = (await node.inspect()) as SwarmNode;
  const labels = Object.fromEntries(Object.entries(info.Spec.Labels ?? {}).filter(([name]) => !names.includes(name)));
  await node.update({ version: info.Version.Index, ...info.Spec, Labels: labels });
}
