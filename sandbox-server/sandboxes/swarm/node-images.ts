// Images on every node of the swarm, with no registry between this machine and the nodes: the
// sandbox image, the mirror's image, the Debian base they are built on (apt in it warms the
// node's package cache) and (offline) the stand-in images are copied from this process's engine
// to each node that lacks them; then each node runs its own image mirror, the same container a
// single machine runs, serving the gateway of the node's bridge, and (offline) the node's engine
// pushes the stand-ins into it under their official names. A sandbox pulls lesson images from its
// own node's mirror, reaches its package cache and Python index there, and asks its DNS; nothing
// crosses machines at class time.
import type Docker from 'dockerode';
import type { Config } from '../../config/config.js';
import { ensureRemoteMirror, execInMirror, type PackageCacheSpec } from '../../images/mirror.js';
import { publishStandins, type BuiltStandin } from '../../images/standins.js';
import type { NodeRef } from './node-firewall.js';

/** What this machine built for the nodes. */
export interface SwarmImages {
  sandbox: string;
  mirror: string;
  /** The Debian base: apt in it warms the node's package cache (it holds none of the packages, so apt fetches them all). */
  base: string;
  /** Offline: the stand-ins to publish in each node's mirror; online, none (each node's mirror is a cache of Docker Hub). */
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
  const wanted = [images.sandbox, images.mirror, images.base, ...images.standins.map((s) => s.localTag)];
  const missing: string[] = [];
  for (const image of wanted) if (!(await node.client.getImage(image).inspect().then(() => true, () => false))) missing.push(image);
  for (const image of missing) {
    progress(`sandboxes: copying ${image} to ${node.hostname}`);
    await copyImage(builder, node.client, image);
  }
  await ensureRemoteMirror(node.client, { image: images.mirror, port: config.mirrorPort, online, packages, bridges: `^${escapeRegExp(bridge)}$`, ...(relay ? { relay } : {}) }, (line) => progress(`${node.hostname}: ${line}`));
  if (images.standins.length) {
    await publishStandins(node.client, images.standins, config.mirrorPort, (line) => progress(`${node.hostname}: ${line}`), async (repository, tag, imageId) => (await configDigestInMirror(node.client, config.mirrorPort, repository, tag)) === imageId);
  }
}

/** The config digest of repository:tag in the node's mirror (equal to the image ID pushed), asked from inside it. */
async function configDigestInMirror(node: Docker, port: number, repository: string, tag: string): Promise<string | undefined> {
  const request = `GET /v2/${repository}/manifests/${tag} HTTP/1.0\\r\\nAccept: application/vnd.docker.distribution.manifest.v2+json\\r\\n\\r\\n`;
  const answer = await execInMirror(node, ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && printf '${request}' >&3 && cat <&3`]).catch(() => '');
  return /"config"\s*:\s*\{[^}]*"digest"\s*:\s*"([^"]+)"/.exec(answer)?.[1];
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
