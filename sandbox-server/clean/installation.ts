// What one installation holds on the Docker Engine, found by its instance label, and its
// removal: sandbox containers (with their anonymous volumes), probes, the sandbox network with
// its host firewall rules, and the sandboxes' volumes. Nothing without the label is touched.
import type Docker from 'dockerode';
import { LABEL, instanceFilter } from '../labels.js';
import { removeFirewall } from '../sandboxes/docker/network.js';
import { attempt, emptyOutcome, type EngineObject, type Outcome } from './outcome.js';

interface Found {
  containers: Array<EngineObject & { id: string }>;
  volumes: EngineObject[];
  networks: Array<EngineObject & { id: string; bridge: string | undefined }>;
}

const BRIDGE_OPTION = 'com.docker.network.bridge.name';

function describe(labels: Record<string, string> | undefined): string {
  const role = labels?.[LABEL.role] ?? 'unknown role';
  const sandbox = labels?.[LABEL.sandbox];
  return sandbox ? `${role} ${sandbox}` : role;
}

/** Every container, volume and network labelled with `instance`. */
export async function findInstallation(docker: Docker, instance: string): Promise<Found> {
  const filters = instanceFilter(instance);
  const [containers, { Volumes: volumes = [] }, networks] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listVolumes({ filters }),
    docker.listNetworks({ filters }),
  ]);
  return {
    containers: containers.map((c) => ({ kind: 'container', id: c.Id, name: c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12), what: describe(c.Labels) })),
    volumes: volumes.map((v) => ({ kind: 'volume', name: v.Name, what: describe(v.Labels ?? undefined) })),
    networks: networks.map((n) => ({ kind: 'network', id: n.Id, name: n.Name, bridge: n.Options?.[BRIDGE_OPTION], what: n.Labels?.[LABEL.role] === 'network' ? 'sandbox network, with its firewall rules' : describe(n.Labels) })),
  };
}

/** The objects `removeInstallation` would remove, in the order it removes them. */
export async function listInstallation(docker: Docker, instance: string): Promise<EngineObject[]> {
  const found = await findInstallation(docker, instance);
  return [...found.containers, ...found.networks, ...found.volumes].map(({ kind, name, what }) => ({ kind, name, what }));
}

/**
 * Removes every object labelled with `instance`: containers first (forced, with their anonymous
 * volumes), then networks (a network is removed only once nothing is attached; its firewall
 * rules go with it), then volumes (freed by the containers' removal).
 */
export async function removeInstallation(docker: Docker, instance: string): Promise<Outcome> {
  const found = await findInstallation(docker, instance);
  const outcome = emptyOutcome();
  await Promise.all(found.containers.map((c) => attempt(outcome, c, () => docker.getContainer(c.id).remove({ force: true, v: true }))));
  for (const n of found.networks) {
    await attempt(outcome, n, async () => {
      await docker.getNetwork(n.id).remove();
      if (n.bridge) await removeFirewall(docker, n.bridge, instance);
    });
  }
  await Promise.all(found.volumes.map((v) => attempt(outcome, v, () => docker.getVolume(v.name).remove())));
  return outcome;
}

/** Names of the installations that have at least one labelled container, volume or network here. */
export async function installationsOnEngine(docker: Docker): Promise<string[]> {
  const filters = JSON.stringify({ label: [LABEL.instance] });
  const [containers, { Volumes: volumes = [] }, networks] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listVolumes({ filters }),
    docker.listNetworks({ filters }),
  ]);
  const names = [...containers.map((c) => c.Labels), ...volumes.map((v) => v.Labels ?? {}), ...networks.map((n) => n.Labels ?? {})].map((l) => l[LABEL.instance]);
  return [...new Set(names.filter((n): n is string => Boolean(n)))].sort();
}
