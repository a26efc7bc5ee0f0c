// Where the package cache fetches from and whether it can: Debian's archive at the configured
// mirror, and Debian's security archive beside it; and whether the Python index can reach
// PyPI. `auto` asks each at start, so a venue without internet gets a cache that refuses at
// once what it does not hold, instead of one that waits out a connection time-out on every miss.
import { lookup } from 'node:dns/promises';
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

/**
 * Whether PyPI answers (the Python index's upstream, images/mirror/pypi-nginx.conf). Asks DNS
 * first, as for Docker Hub (images/hub.ts): a machine that cannot resolve it sends it nothing.
 */
export async function pypiAnswers(): Promise<boolean> {
  try {
    await lookup('pypi.org');
  } catch {
    return false;
  }
  try {
    const response = await fetch('https://pypi.org/simple/pip/', { method: 'HEAD', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function resolvePackageCache(config: Pick<Config, 'packages' | 'debianMirror'>): Promise<PackageCacheSpec> {
  // auto asks each upstream, at once: a venue may reach a Debian mirror of its own and not PyPI.
  const [online, pypiOnline] = await Promise.all([
    config.packages === 'online' || (config.packages === 'auto' && debianMirrorAnswers(config.debianMirror)),
    config.packages === 'online' || (config.packages === 'auto' && pypiAnswers()),
  ]);
  return { online, upstream: withSlash(config.debianMirror), securityUpstream: securityArchiveOf(config.debianMirror), pypiOnline };
}
