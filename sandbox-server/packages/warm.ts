// Warming the package cache before class: apt, in a throwaway container of the Debian base on
// the host's network, fetches the wanted packages and everything they depend on through the
// cache, which keeps them. The container names the archive as the official images do
// (deb.debian.org, with trixie-updates and trixie-security), so what it fetches is what a
// learner's `apt-get update && apt-get install` asks for later.
import type Docker from 'dockerode';
import { labels } from '../labels.js';
import type { Logger } from '../log.js';
import { missingFrom, packagesHeld } from './held.js';

export interface WarmOptions {
  /** A Debian trixie image with apt (the base every Slipway image is built on). */
  image: string;
  /** The package cache on 127.0.0.1. */
  cachePort: number;
  packages: string[];
  instance: string;
}

export interface WarmResult {
  /** Files apt fetched through the cache (indexes and packages). */
  fetched: number;
}

/** The official trixie images' apt sources. */
export const DEBIAN_SOURCES = `Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie trixie-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

const WARM_TIMEOUT_MS = 15 * 60_000;

/** Package names are checked by the setting's and the lesson schema's patterns; checked again here, as they go into a shell line. */
function assertPackageNames(names: string[]): void {
  for (const name of names) if (!/^[a-z0-9][a-z0-9+.-]*$/.test(name)) throw new Error(`Not a Debian package name: ${JSON.stringify(name)}`);
}

export function warmScript(cachePort: number, packages: string[]): string {
  assertPackageNames(packages);
  const apt = `apt-get -q -o Acquire::http::Proxy=http://127.0.0.1:${cachePort}/ -o Acquire::Retries=0`;
  return `set -e
export DEBIAN_FRONTEND=noninteractive
rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*
cat > /etc/apt/sources.list.d/debian.sources <<'SOURCES'
${DEBIAN_SOURCES}SOURCES
${apt} update
# Recommended packages too: a learner following a tutorial often leaves out --no-install-recommends.
${apt} install -y --download-only ${packages.join(' ')}
`;
}

/** Fetches `packages` into the cache; throws with apt's last words when it cannot. */
export async function warmPackages(docker: Docker, options: WarmOptions, progress: (line: string) => void): Promise<WarmResult> {
  if (options.packages.length === 0) return { fetched: 0 };
  progress(`package cache: fetching ${options.packages.join(', ')} and what they depend on`);
  const container = await docker.createContainer({
    Image: options.image,
    Entrypoint: ['sh', '-c', warmScript(options.cachePort, options.packages)],
    Cmd: [],
    Tty: true,
    Labels: labels(options.instance, 'probe'),
    HostConfig: { NetworkMode: 'host', AutoRemove: false },
  });
  try {
    await container.start();
    const waited = (await Promise.race([
      container.wait(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`warming the package cache did not finish within ${WARM_TIMEOUT_MS / 60_000} minutes`)), WARM_TIMEOUT_MS).unref()),
    ])) as { StatusCode: number };
    const output = ((await container.logs({ stdout: true, stderr: true })) as Buffer).toString().replace(/\r/g, '');
    if (waited.StatusCode !== 0) {
      const words = output.split('\n').filter((l) => /^(E:|Err:)|Unable|not/.test(l)).slice(-3).join(' / ') || output.trim().split('\n').slice(-2).join(' / ');
      throw new Error(`apt could not fetch them through the package cache: ${words}`);
    }
    return { fetched: output.split('\n').filter((l) => /^Get:\d+/.test(l)).length };
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/**
 * Gets `packages` into one engine's package cache ahead of class (online), or says which of them
 * it does not hold (offline: they would fail to install). Never fails the start: a cache that
 * could not be warmed is reported, and apt in class fetches through it when it can.
 */
export async function warmOrReport(docker: Docker, options: WarmOptions & { online: boolean }, progress: (line: string) => void, log: Logger): Promise<void> {
  const { packages } = options;
  if (packages.length === 0) return;
  try {
    if (options.online) {
      const { fetched } = await warmPackages(docker, options, progress);
      progress(`package cache: ready for ${packages.join(', ')} (${fetched} files fetched through it)`);
      return;
    }
    const missing = missingFrom(await packagesHeld(docker), packages);
    if (missing.length === 0) progress(`package cache (offline): holds ${packages.join(', ')}`);
    else {
      progress(`package cache (offline): does NOT hold ${missing.join(', ')}; installing them in class will fail. Start once where the Debian mirror answers to fetch them.`);
      log.warn({ missing }, 'the package cache does not hold packages the lessons install');
    }
  } catch (err) {
    progress(`package cache: could not be warmed: ${(err as Error).message}`);
    log.warn({ err: (err as Error).message }, 'could not warm the package cache');
  }
}
