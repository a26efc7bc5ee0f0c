// Images on every node of the swarm, with no registry between this machine and the nodes: the
// sandbox image, the mirror's image and the Debian base they are built on (apt in it warms the
// node's package cache) are copied from this process's engine to each node that lacks them; then
// each node runs its own image mirror, the same container a single machine runs, serving the
// gateway of the node's bridge. Offline, that mirror gets the stand-ins as this machine's mirror
// holds them (pushed there once, under their official names): its storage is copied across as it
// is, layers already compressed, so no node compresses them again nor needs the stand-in images
// themselves. A sandbox pulls lesson images from its own node's mirror, reaches its package cache
// and Python index there, and asks its DNS; nothing crosses machines at class time.
import type Docker from 'dockerode';
import type { Config } from '../../config/config.js';
import { ensureRemoteMirror, execInMirror, MIRROR_CONTAINER, MIRROR_STORAGE, REGISTRY_ROOT, type PackageCacheSpec } from '../../images/mirror.js';
import { hubReference, type BuiltStandin } from '../../images/standins.js';
import type { NodeRef } from './node-firewall.js';

/** What this machine built for the nodes. */
export interface SwarmImages {
  sandbox: string;
  mirror: string;
  /** The Debian base: apt in it warms the node's package cache (it holds none of the packages, so apt fetches them all). */
  base: string;
  /** Offline: the stand-ins each node's mirror serves, as this machine's mirror holds them; online, none (each node's mirror is a cache of Docker Hub). */
  standins: BuiltStandin[];
}

export interface NodeImageOptions {
  builder: Docker;
  images: SwarmImages;
  config: Pick<Config, 'mirrorPort'>;
  online: boolean;
  packages: PackageCacheSpec;
  /** The Linux name of the node's bridge where its sandboxes run. */
  bridge: string;
  /** The workshop registry's gate (HOST:PORT) the node's mirror relays to; none: no registry. */
  relay: string | undefined;
  progress: (line: string) => void;
}

/** Gets a node ready to run sandboxes that pull lesson images: images copied, its mirror running and holding the stand-ins. */
export async function prepareNodeImages(node: NodeRef, options: NodeImageOptions): Promise<void> {
  const { builder, images, config, online, packages, bridge, relay, progress } = options;
  const missing: string[] = [];
  for (const image of [images.sandbox, images.mirror, images.base]) if (!(await node.client.getImage(image).inspect().then(() => true, () => false))) missing.push(image);
  for (const image of missing) {
    progress(`sandboxes: copying ${image} to ${node.hostname}`);
    await copyImage(builder, node.client, image);
  }
  await ensureRemoteMirror(node.client, { image: images.mirror, port: config.mirrorPort, online, packages, bridges: `^${escapeRegExp(bridge)}$`, ...(relay ? { relay } : {}) }, (line) => progress(`${node.hostname}: ${line}`));
  if (images.standins.length) await copyStandins(builder, node, images.standins, config.mirrorPort, (line) => progress(`${node.hostname}: ${line}`));
}

/**
 * Copies this machine's mirror storage into the node's mirror when the node's lacks a stand-in
 * or holds another build of one. The registry reads its storage from disk at each request, so
 * the running mirror serves the copy at once. Afterwards every stand-in must be there, as built.
 */
async function copyStandins(builder: Docker, node: NodeRef, standins: BuiltStandin[], port: number, progress: (line: string) => void): Promise<void> {
  const wanted = new Map<string, string>();
  for (const { localTag, names } of standins) {
    const imageId = (await builder.getImage(localTag).inspect()).Id;
    for (const name of names) wanted.set(name, imageId);
  }
  const lacking = async () => {
    const held = await configDigestsInMirror(node.client, port, [...wanted.keys()]);
    return [...wanted].filter(([name, imageId]) => held.get(name) !== imageId).map(([name]) => name);
  };
  const before = await lacking();
  if (!before.length) return;
  progress(`copying the stand-ins to its mirror, as this machine's mirror holds them (${before.join(', ')})`);
  const archive = await builder.getContainer(MIRROR_CONTAINER).getArchive({ path: MIRROR_STORAGE });
  await node.client.getContainer(MIRROR_CONTAINER).putArchive(archive, { path: REGISTRY_ROOT });
  const after = await lacking();
  if (after.length) throw new Error(`its image mirror lacks ${after.join(', ')} after the copy from this machine's mirror; see docker logs ${MIRROR_CONTAINER} on that node`);
}

/**
 * The config digest (equal to the image ID pushed) of each stand-in name in the node's mirror,
 * asked from inside it in one exec; a name it does not hold is left out.
 */
async function configDigestsInMirror(node: Docker, port: number, names: string[]): Promise<Map<string, string>> {
  const asks = names.map((name) => {
    const { repository, tag } = hubReference(name);
    const request = `GET /v2/${repository}/manifests/${tag} HTTP/1.0\\r\\nAccept: application/vnd.docker.distribution.manifest.v2+json\\r\\n\\r\\n`;
    return `echo '@@ ${name}'; exec 3<>/dev/tcp/127.0.0.1/${port} && printf '${request}' >&3 && cat <&3; echo`;
  });
  const answer = await execInMirror(node, ['bash', '-c', asks.join('\n')]).catch(() => '');
  const digests = new Map<string, string>();
  for (const part of answer.split(/^@@ /m).slice(1)) {
    const name = part.slice(0, part.indexOf('\n'));
    const digest = /"config"\s*:\s*\{[^}]*"digest"\s*:\s*"([^"]+)"/.exec(part)?.[1];
    if (digest) digests.set(name, digest);
  }
  return digests;
}

/** Copies an image from one engine to another, as `docker save | docker load` (no registry between them). */
export async function copyImage(from: Docker, to: Docker, image: string): Promise<void> {
  const archive = await from.getImage(image).get();
  const answer = await to.loadImage(archive);
  await new Promise<void>((resolve, reject) => to.modem.followProgress(answer, (err: Error | null) => (err ? reject(err) : resolve())));
  await to.getImage(image).inspect();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
