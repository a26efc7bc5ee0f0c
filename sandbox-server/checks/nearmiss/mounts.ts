// Mounts that are nearly right: a bind mount from another folder (`-v "$PWD/site":/www` typed in
// another folder mounts that folder's site, which Docker creates empty), a named volume where a
// folder was meant (`-v site:/www` names a volume), the right source at another path in the
// container, or a missing `:ro`.
import { q } from '../describe.js';

export interface SeenMount {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination: string;
  RW?: boolean;
}

export interface WantedMount {
  destination: string;
  type?: 'bind' | 'volume' | 'tmpfs' | undefined;
  source?: string | undefined;
  readOnly?: boolean | undefined;
}

const folderName = (path: string): string => path.replace(/\/+$/, '').split('/').at(-1) ?? path;
const relative = (source: string): string => source.replace(/^\.\//, '').replace(/\/$/, '');

/** Whether a mount comes from the wanted source: a volume by name, a folder by path (relative: any path ending in it). */
export function sourceMatches(mount: SeenMount, source: string): boolean {
  if (mount.Type === 'volume') return mount.Name === source;
  if (source.startsWith('/')) return mount.Source === source;
  return (mount.Source ?? '').endsWith(`/${relative(source)}`);
}

/** "volume 'data'", "/root/workshop/site", "a tmpfs". */
export function mountSource(mount: SeenMount): string {
  if (mount.Type === 'volume') return `volume ${q(mount.Name ?? '?')}`;
  if (mount.Type === 'bind') return mount.Source ?? '?';
  return mount.Type === 'tmpfs' ? 'a tmpfs' : (mount.Type ?? 'a mount');
}

const wantsFolder = (want: WantedMount): boolean => want.type === 'bind' || (want.type === undefined && want.source?.includes('/') === true);

/** Nothing is mounted at the destination: is the wanted source mounted somewhere else? */
export function mountedElsewhere(want: WantedMount, mounts: SeenMount[]): string | undefined {
  if (want.source === undefined) return undefined;
  const found = mounts.find((m) => sourceMatches(m, want.source!) || (wantsFolder(want) && m.Type === 'volume' && m.Name === relative(want.source!)));
  if (!found) return undefined;
  return `nothing is mounted at ${want.destination}, but ${mountSource(found)} is mounted at ${found.Destination}: the path after the colon is where it appears inside the container, so it is ${want.source}:${want.destination}`;
}

/** The mount at the destination is of another type: a volume where a folder was meant, or the reverse. */
export function wrongMountType(want: WantedMount, mount: SeenMount): string | undefined {
  if (want.type === 'bind' && mount.Type === 'volume') {
    const folder = want.source !== undefined ? relative(want.source) : mount.Name ?? 'site';
    return `${want.destination} is volume ${q(mount.Name ?? '?')}, not a folder of yours: with -v, a name without a slash names a volume, and a folder needs a path, such as -v "$PWD/${folderName(folder)}":${want.destination}`;
  }
  if (want.type === 'volume' && mount.Type === 'bind') {
    return `${want.destination} is the folder ${mount.Source ?? '?'}, not a volume: with -v, a path (with a slash) mounts a folder, and a plain name such as ${want.source ?? 'data'}:${want.destination} uses a volume`;
  }
  return undefined;
}

/** A folder mounted from another place than the one the step means. */
export function otherFolder(want: WantedMount, mount: SeenMount): string | undefined {
  if (mount.Type !== 'bind' || want.source === undefined) return undefined;
  const source = mount.Source ?? '?';
  const wanted = folderName(relative(want.source));
  if (folderName(source) === wanted) {
    // Most often "$PWD/site" typed in another folder: Docker then mounts (and creates, empty) that folder's site.
    return `${want.destination} is mounted from ${source}, a folder named ${wanted} but not the one the step means (${want.source}): "$PWD/${wanted}" stands for the ${wanted} folder of wherever the command runs, and Docker makes an empty one when it is missing, so run it in the folder that holds ${wanted}`;
  }
  return `${want.destination} is mounted from ${source}, not from ${want.source.startsWith('/') ? want.source : `a folder named ${wanted}`}: the path before the colon is the folder that appears in the container`;
}

/** Writable where read-only was wanted, or the reverse: the fix on the command line. */
export function readOnlyHint(want: WantedMount): string {
  return want.readOnly ? `: add :ro after the path in the container (…:${want.destination}:ro), so the container can only read it` : ': without :ro the container can write to it';
}
