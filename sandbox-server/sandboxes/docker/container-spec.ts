// The container a sandbox is: its image and isolation, limits, network, the host folder where
// its engine's socket appears, the volume for its engine's data, and the names it resolves.
import type Docker from 'dockerode';
import type { Config } from '../../config/config.js';
import { labels, names } from '../../labels.js';
import { hostConfigFor, type IsolationMode } from './isolation.js';
import type { SandboxNetwork } from './network.js';

/** Host name of the workshop registry inside sandboxes: `docker push registry.workshop:5000/me/app`. */
export const WORKSHOP_REGISTRY = 'registry.workshop';

/**
 * Host name of the Python package index inside sandboxes (images/mirror/pypi-nginx.conf), on
 * the mirror port + 4: `pip install --index-url http://pypi.workshop:5004/simple/`. The mirror's
 * DNS answers it too, so the containers and builds inside find it (the python stand-in's
 * /etc/pip.conf names it). Plain HTTP under a name of its own: pip asks pypi.org over HTTPS,
 * which nothing here could answer without a certificate learners' images trust.
 */
export const PYTHON_INDEX_HOST = 'pypi.workshop';

/** The resolv.conf of sandboxes with egress off: only the mirror's DNS, on the gateway. */
export function sandboxResolvConf(gateway: string): string {
  return `# Written by Slipway: the image mirror's DNS on the sandbox network's gateway.\nnameserver ${gateway}\noptions ndots:0\n`;
}

/** The names Debian images' apt sources use; images/mirror/run.sh answers them with the gateway too. */
export const DEBIAN_ARCHIVE_HOSTS = ['deb.debian.org', 'security.debian.org'];

/** What every sandbox of an installation shares, as the driver prepared it. */
export interface SandboxSetting {
  image: string;
  isolation: IsolationMode;
  network: SandboxNetwork;
}

export function sandboxContainerSpec(config: Config, state: SandboxSetting, where: { id: string; volume: string; socketDir: string; resolvConf: string }): Docker.ContainerCreateOptions {
  const { image, isolation, network } = state;
  const { id, volume, socketDir, resolvConf } = where;
  const { instance } = config;
  return {
    name: names.sandboxContainer(instance, id),
    Image: image,
    Hostname: 'sandbox',
    Labels: labels(instance, 'sandbox', id),
    Env: [
      // The prompt first; the server (or the learner's first docker command) starts the engine.
      'SLIPWAY_ENGINE_START=asked',
      // Ports as laid out in images/mirror/run.sh; on the mirror port of the gateway, the
      // workshop registry's gate (registry/gate.ts) answers.
      `SLIPWAY_MIRROR=${network.gateway}:${config.mirrorPort + 1}`,
      `SLIPWAY_REGISTRY_HOST=${WORKSHOP_REGISTRY}:${config.mirrorPort}`,
      `SLIPWAY_INNER_BIP=${config.innerSubnet}`,
      `SLIPWAY_INNER_POOL=${config.innerPool}`,
      // The inner engine's Go runtimes size themselves to the sandbox's CPUs, not the host's.
      `SLIPWAY_ENGINE_PROCS=${Math.max(1, Math.ceil(config.sandboxCpus))}`,
      `SLIPWAY_LOG_MAX_SIZE=${Math.max(1, Math.floor(config.sandboxLogSize / 1024 / 1024))}m`,
      // A server that is not root can open the inner engine's socket only through its group.
      ...(process.getuid?.() === 0 ? [] : [`SLIPWAY_SOCKET_GID=${process.getgid?.() ?? ''}`]),
    ],
    HostConfig: {
      ...hostConfigFor(isolation),
      Init: true,
      NetworkMode: network.name,
      Memory: config.sandboxMemory,
      MemorySwap: config.sandboxMemory,
      NanoCpus: Math.round(config.sandboxCpus * 1e9),
      PidsLimit: config.sandboxPids,
      LogConfig: { Type: 'json-file', Config: { 'max-size': String(config.sandboxLogSize), 'max-file': '1' } },
      // With egress off, the sandbox's resolv.conf names the mirror's DNS on the gateway itself
      // (not the engine's 127.0.0.11, which the inner engine cannot hand on): the containers and
      // builds inside inherit it, and so find the package cache under Debian's archive names.
      Binds: [`${socketDir}:/run/slipway`, ...(config.egress ? [] : [`${resolvConf}:/etc/resolv.conf:ro`])],
      Mounts: [{ Type: 'volume', Source: volume, Target: '/var/lib/docker' }],
      RestartPolicy: { Name: 'no' },
      // With egress off, name lookups go to the mirror's DNS on the gateway, which answers
      // "no such name" at once: `docker run no-such-image` fails in a moment instead of
      // hanging on DNS timeouts (and resolv.conf above names it too).
      ...(config.egress ? {} : { Dns: [network.gateway] }),
      // The workshop's own registry (through its gate) under a name learners can type, for
      // lessons that tag, push and pull their images, and the Python index. With egress off,
      // Debian's archive names lead to the package cache on the gateway (the containers and
      // builds inside learn the same from the mirror's DNS).
      ExtraHosts: [`${WORKSHOP_REGISTRY}:${network.gateway}`, `${PYTHON_INDEX_HOST}:${network.gateway}`, ...(config.egress ? [] : DEBIAN_ARCHIVE_HOSTS.map((host) => `${host}:${network.gateway}`))],
    },
  };
}
