// What every Slipway installation on an engine shares: the image mirror (its container and the
// volume holding the images), Slipway's own images, and labelled objects that name no
// installation (probes of older versions). Removed only when no installation is left, or when
// the operator asks for everything.
import type Docker from 'dockerode';
import { IMAGE_LABELS } from '../images/build.js';
import { MIRROR_CONTAINER } from '../images/mirror.js';
import { LABEL } from '../labels.js';
import { attempt, emptyOutcome, type EngineObject, type Outcome } from './outcome.js';

/** Repositories Slipway builds (images/): the base, the sandbox, the mirror and the stand-ins. */
const OWN_REPOSITORY = /^slipway\/(base|sandbox|mirror|standin-[a-z0-9-]+):[^:]+$/;
/** The tag a stand-in gets for its push to the mirror (images/standins.ts), left if a push failed. */
const MIRROR_PUSH = /^127\.0\.0\.1:\d+\//;

interface SharedFound {
  containers: Array<EngineObject & { id: string }>;
  volumes: EngineObject[];
  /** Slipway's images, leaves first, each with the tags of Slipway's that it carries. */
  images: Array<EngineObject & { id: string; tags: string[] }>;
  /** Images without a tag built on Slipway's images: stages its builds left behind. */
  untagged: Array<EngineObject & { id: string }>;
}

const isSlipwayImage = (image: Docker.ImageInfo) =>
  Object.entries(IMAGE_LABELS).every(([key, value]) => image.Labels?.[key] === value) || (image.RepoTags ?? []).some((t) => OWN_REPOSITORY.test(t));

export async function findShared(docker: Docker): Promise<SharedFound> {
  const found: SharedFound = { containers: [], volumes: [], images: [], untagged: [] };
  const mirror = await docker.getContainer(MIRROR_CONTAINER).inspect().catch(() => undefined);
  if (mirror && mirror.Config.Labels?.[LABEL.role] === 'mirror') {
    found.containers.push({ kind: 'container', id: mirror.Id, name: MIRROR_CONTAINER, what: 'the image mirror' });
    // Its image store: a named volume, which removing the container does not take.
    for (const m of mirror.Mounts) if (m.Type === 'volume' && m.Name?.startsWith('slipway-')) found.volumes.push({ kind: 'volume', name: m.Name, what: "the image mirror's store" });
  }
  // Labelled as Slipway's, but naming no installation.
  const strayFilter = JSON.stringify({ label: [LABEL.role] });
  const [containers, { Volumes: volumes = [] }] = await Promise.all([docker.listContainers({ all: true, filters: strayFilter }), docker.listVolumes({ filters: strayFilter })]);
  for (const c of containers) {
    if (c.Labels[LABEL.instance] || c.Id === mirror?.Id) continue;
    found.containers.push({ kind: 'container', id: c.Id, name: c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12), what: `${c.Labels[LABEL.role]} of no installation` });
  }
  for (const v of volumes) {
    if (v.Labels?.[LABEL.instance] || found.volumes.some((f) => f.name === v.Name)) continue;
    found.volumes.push({ kind: 'volume', name: v.Name, what: v.Labels?.[LABEL.role] === 'mirror' ? "the image mirror's store" : `${v.Labels?.[LABEL.role]} of no installation` });
  }

  const all = await docker.listImages({ all: true });
  const parentOf = new Map(all.map((i) => [i.Id, i.ParentId]));
  const own = new Set(all.filter(isSlipwayImage).map((i) => i.Id));
  const descendsFromOwn = (id: string) => {
    for (let parent = parentOf.get(id); parent; parent = parentOf.get(parent)) if (own.has(parent)) return true;
    return false;
  };
  const depth = (id: string) => {
    let n = 0;
    for (let parent = parentOf.get(id); parent; parent = parentOf.get(parent)) n++;
    return n;
  };
  const top = await docker.listImages();
  for (const image of top.sort((a, b) => depth(b.Id) - depth(a.Id))) {
    const tags = (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
    if (own.has(image.Id)) {
      // Only Slipway's own tags go: an image the operator also tagged otherwise stays theirs.
      const ownTags = tags.filter((t) => OWN_REPOSITORY.test(t) || MIRROR_PUSH.test(t));
      if (ownTags.length > 0) found.images.push({ kind: 'image', id: image.Id, tags: ownTags, name: ownTags.join(', '), what: 'Slipway image' });
      else if (tags.length === 0) found.images.push({ kind: 'image', id: image.Id, tags: [image.Id], name: image.Id.slice(7, 19), what: 'Slipway image without a tag' });
    } else if (tags.length === 0 && descendsFromOwn(image.Id)) {
      found.untagged.push({ kind: 'image', id: image.Id, name: image.Id.slice(7, 19), what: 'build stage left without a tag' });
    }
  }
  return found;
}

export async function listShared(docker: Docker): Promise<EngineObject[]> {
  const found = await findShared(docker);
  return [...found.containers, ...found.volumes, ...found.untagged, ...found.images].map(({ kind, name, what }) => ({ kind, name, what }));
}

/**
 * Removes the shared objects: the mirror and stray containers (with their anonymous volumes),
 * then the volumes, then untagged build stages (they hold the base image), then Slipway's
 * images by their own tags, leaves before what they are built on. Nothing is forced but the
 * containers: an image a container of someone else still uses stays, reported as failed.
 */
export async function removeShared(docker: Docker): Promise<Outcome> {
  const found = await findShared(docker);
  const outcome = emptyOutcome();
  for (const c of found.containers) await attempt(outcome, c, () => docker.getContainer(c.id).remove({ force: true, v: true }));
  for (const v of found.volumes) await attempt(outcome, v, () => docker.getVolume(v.name).remove());
  for (const image of found.untagged) await attempt(outcome, image, () => docker.getImage(image.id).remove());
  for (const image of found.images) {
    await attempt(outcome, image, async () => {
      for (const tag of image.tags) await docker.getImage(tag).remove();
    });
  }
  return outcome;
}
