// What the package cache holds: the .deb files in its store, read inside the mirror container
// (the store is a volume the host cannot read directly without root).
import type Docker from 'dockerode';
import { execInMirror } from '../images/mirror.js';

export interface HeldPackage {
  name: string;
  version: string;
  bytes: number;
}

/** `curl_8.14.1-2_amd64.deb 412345` lines, as find prints them, to packages. */
export function parseHeld(listing: string): HeldPackage[] {
  const held: HeldPackage[] = [];
  for (const line of listing.split('\n')) {
    const match = /^([a-z0-9][a-z0-9+.-]*)_([^_]+)_[a-z0-9-]+\.deb (\d+)$/.exec(line.trim());
    // Versions with an epoch are stored with the colon escaped (1%3a2.3-1).
    if (match) held.push({ name: match[1]!, version: decodeURIComponent(match[2]!), bytes: Number(match[3]) });
  }
  return held.sort((a, b) => a.name.localeCompare(b.name));
}

/** The packages in the cache; throws when the mirror container is not running. */
export async function packagesHeld(docker: Docker): Promise<HeldPackage[]> {
  return parseHeld(await execInMirror(docker, ['find', '/var/cache/apt-cacher-ng', '-name', '*.deb', '-type', 'f', '-printf', '%f %s\\n']));
}

/** Of `wanted`, the packages the cache does not hold (a dependency is not looked at). */
export function missingFrom(held: HeldPackage[], wanted: string[]): string[] {
  const names = new Set(held.map((p) => p.name));
  return wanted.filter((name) => !names.has(name));
}
