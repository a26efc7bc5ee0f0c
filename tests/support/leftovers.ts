// What a test run leaves on the Docker Engine: a snapshot of its containers, volumes, networks
// and untagged images taken before, compared with what is there after. Objects of other
// installations working on the same engine meanwhile (an operator's `npm start`, another run)
// are told apart by their instance label; the image mirror and Slipway's images are shared by
// every installation and meant to stay.
import Docker from 'dockerode';
import { MIRROR_CONTAINER } from '../../sandbox-server/images/mirror.js';
import { LABEL } from '../../sandbox-server/labels.js';

export interface EngineSnapshot {
  containers: string[];
  volumes: string[];
  networks: string[];
  untaggedImages: string[];
}

export interface Leftovers {
  containers: string[];
  volumes: string[];
  networks: string[];
  untaggedImages: string[];
}

interface Listing {
  containers: Array<{ id: string; name: string; labels: Record<string, string> }>;
  volumes: Array<{ name: string; labels: Record<string, string> }>;
  networks: Array<{ id: string; name: string; labels: Record<string, string> }>;
  untaggedImages: string[];
  /** Volumes the image mirror mounts: shared, kept between runs. */
  mirrorVolumes: string[];
}

async function list(docker: Docker): Promise<Listing> {
  const [containers, { Volumes: volumes = [] }, networks, untagged, mirror] = await Promise.all([
    docker.listContainers({ all: true }),
    docker.listVolumes(),
    docker.listNetworks(),
    docker.listImages({ filters: JSON.stringify({ dangling: ['true'] }) }),
    docker.getContainer(MIRROR_CONTAINER).inspect().catch(() => undefined),
  ]);
  return {
    containers: containers.map((c) => ({ id: c.Id, name: c.Names[0]?.replace(/^\//, '') ?? c.Id, labels: c.Labels ?? {} })),
    volumes: volumes.map((v) => ({ name: v.Name, labels: v.Labels ?? {} })),
    networks: networks.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} })),
    untaggedImages: untagged.map((i) => i.Id),
    mirrorVolumes: (mirror?.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Name).map((m) => m.Name!),
  };
}

export async function snapshotEngine(docker = new Docker()): Promise<EngineSnapshot> {
  const now = await list(docker);
  return {
    containers: now.containers.map((c) => c.id),
    volumes: now.volumes.map((v) => v.name),
    networks: now.networks.map((n) => n.id),
    untaggedImages: now.untaggedImages,
  };
}

/**
 * Every object (old or new) of the installations named in `ours`, and the objects on the engine
 * now that the snapshot did not have and that name no installation: anonymous volumes, networks,
 * untagged images, containers. Other installations' objects are another user's (an operator's
 * server, another test run on the same engine) and not counted; neither is the shared mirror.
 */
/** Networks every Docker Engine makes for itself. */
const ENGINE_NETWORKS = new Set(['bridge', 'host', 'none']);

export async function leftoversSince(before: EngineSnapshot, ours: string[], docker = new Docker()): Promise<Leftovers> {
  const now = await list(docker);
  const counted = (labels: Record<string, string>, isNew: boolean) => {
    const instance = labels[LABEL.instance];
    if (instance) return ours.includes(instance);
    return isNew && labels[LABEL.role] !== 'mirror';
  };
  const had = { containers: new Set(before.containers), volumes: new Set(before.volumes), networks: new Set(before.networks), images: new Set(before.untaggedImages) };
  return {
    containers: now.containers.filter((c) => counted(c.labels, !had.containers.has(c.id))).map((c) => c.name),
    volumes: now.volumes.filter((v) => !now.mirrorVolumes.includes(v.name) && counted(v.labels, !had.volumes.has(v.name))).map((v) => v.name),
    // The engine's own networks get new ids when it restarts (the engine-restart test does).
    networks: now.networks.filter((n) => !ENGINE_NETWORKS.has(n.name) && counted(n.labels, !had.networks.has(n.id))).map((n) => n.name),
    untaggedImages: now.untaggedImages.filter((id) => !had.images.has(id)),
  };
}

export const leftoverCount = (l: Leftovers) => l.containers.length + l.volumes.length + l.networks.length + l.untaggedImages.length;
