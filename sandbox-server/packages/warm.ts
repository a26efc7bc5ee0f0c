// Warming the package cache before class: apt, in a throwaway container of the Debian base on
// the host's network, fetches the wanted packages and everything they depend on through the
// cache, which keeps them. The container names the archive as the official images do
// (deb.debian.org, with trixie-updates and trixie-security), so what it fetches is what a
// learner's `apt-get update && apt-get install` asks for later.
import type Docker from 'dockerode';
import { labels } from '../labels.js';

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
