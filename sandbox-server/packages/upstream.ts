// Where the package cache fetches from and whether it can: Debian's archive at the configured
// mirror, and Debian's security archive beside it. `auto` asks the mirror at start, so a venue
// without internet gets a cache that refuses at once what it does not hold, instead of one that
// waits out a connection time-out on every miss.
import type { Config } from '../config/config.js';
import type { PackageCacheSpec } from '../images/mirror.js';

const PROBE_TIMEOUT_MS = 4000;

/** http://deb.debian.org/debian -> http://deb.debian.org/debian-security/ (any mirror laid out as Debian's). */
export function securityArchiveOf(archive: string): string {
  const url = new URL(archive);
  url.pathname = url.pathname.replace(/\/?$/, '').replace(/\/debian$/, '') + '/debian-security/';
  return url.toString();
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

export async function debianMirrorAnswers(archive: string): Promise<boolean> {
  try {
    const response = await fetch(`${withSlash(archive)}dists/trixie/Release`, { method: 'HEAD', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function resolvePackageCache(config: Pick<Config, 'packages' | 'debianMirror'>): Promise<PackageCacheSpec> {
  const online = config.packages === 'online' || (config.packages === 'auto' && (await debianMirrorAnswers(config.debianMirror)));
  return { online, upstream: withSlash(config.debianMirror), securityUpstream: securityArchiveOf(config.debianMirror) };
}
