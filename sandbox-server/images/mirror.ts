// The image mirror: one registry container per engine, shared by every installation on it.
// It listens on 127.0.0.1 (the host engine pushes stand-ins there) and on the gateway of each
// sandbox network (sandboxes pull through it), which it finds by itself as networks come and go
// (images/mirror/run.sh), so that one installation starting never restarts it under another.
// The same container holds the package cache that answers apt for Debian's archive
// (packages/), with its own volume, and the Python package index pip reaches as pypi.workshop,
// with its own volume too.
import net from 'node:net';
import type Docker from 'dockerode';
import { LABEL } from '../labels.js';
import type { Progress } from './build.js';

export const MIRROR_CONTAINER = 'slipway-mirror';
const MIRROR_VOLUME = 'slipway-mirror-data';
/** Where the mirror's volume is mounted: the registries' storage (images/mirror/*.yml). */
export const REGISTRY_ROOT = '/var/lib/registry';
/** The mirror's own registry storage under it (the workshop registry's is workshop-store/ beside it). */
export const MIRROR_STORAGE = `${REGISTRY_ROOT}/docker`;
export const PACKAGES_VOLUME = 'slipway-packages-data';
/** The Python index's files, pages and cache (images/mirror/pypi-nginx.conf lays it out). */
export const PYPI_VOLUME = 'slipway-pypi-data';
export const PYPI_ROOT = '/srv/pypi';
const DOCKER_HUB = 'https://registry-1.docker.io';

export interface MirrorSpec {
  image: string;
  port: number;
  /** The gateway of this installation's sandbox network, where its sandboxes reach the mirror. */
  gateway: string;
  online: boolean;
  packages: PackageCacheSpec;
  /** The bridges whose gateways it serves, as a regular expression (images/mirror/run.sh); default: the sandbox networks' (slw-*). */
  bridges?: string;
  /** On a swarm node: the server's workshop registry gate (HOST:PORT), relayed on each gateway's mirror port. */
  relay?: string;
}

/** The package cache's upstream: fetch through and keep (online), or serve only what it holds. */
export interface PackageCacheSpec {
  online: boolean;
  /** Debian's archive, such as http://deb.debian.org/debian/ */
  upstream: string;
  /** Debian's security archive, such as http://deb.debian.org/debian-security/ */
  securityUpstream: string;
  /** Whether the Python index fetches from PyPI and keeps (else it serves what it holds); offline when not said. */
  pypiOnline?: boolean;
}

/** The port of the package cache on 127.0.0.1 (images/mirror/run.sh lays the ports out). */
export const packageCachePort = (mirrorPort: number) => mirrorPort + 3;

/** The port of the Python package index, on 127.0.0.1 and on each sandbox gateway. */
export const pythonIndexPort = (mirrorPort: number) => mirrorPort + 4;

/** Tries to replace the mirror while another server on the engine is replacing it too. */
const REPLACE_TRIES = 8;

export async function ensureMirror(docker: Docker, spec: MirrorSpec, progress: Progress): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await replaceUnlessUpToDate(docker, spec, progress);
      break;
    } catch (err) {
      // Another server (another installation, a test run) starting at the same moment removes or
      // makes the mirror now (409), or removed the container this one was about to start (404):
      // once it is done, the mirror may be up to date, or is replaced again.
      const status = (err as { statusCode?: number }).statusCode;
      if ((status !== 409 && status !== 404) || attempt === REPLACE_TRIES) throw err;
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  }
  await waitForRegistry(spec.port);
  await waitForPackageCache(packageCachePort(spec.port));
  await waitForPackageCache(pythonIndexPort(spec.port), 'Python package index');
  await waitForGateway(spec.gateway, spec.port + 1);
}

/** The mirror looks for new sandbox networks every second: waits until it serves this one. */
async function waitForGateway(gateway: string, port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await tcpAnswers(gateway, port, 1000)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The image mirror does not listen on the sandbox network's gateway ${gateway}:${port} within 20 s; see: docker logs ${MIRROR_CONTAINER}`);
}

/** Whether something accepts a TCP connection at host:port within timeoutMs. */
export function tcpAnswers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

async function replaceUnlessUpToDate(docker: Docker, spec: Omit<MirrorSpec, 'gateway'>, progress: Progress): Promise<void> {
  const { packages } = spec;
  const env = [
    `MIRROR_PORT=${spec.port}`,
    `PACKAGES_OFFLINE=${packages.online ? 0 : 1}`,
    `PACKAGES_UPSTREAM=${packages.upstream}`,
    `PACKAGES_SECURITY_UPSTREAM=${packages.securityUpstream}`,
    `PYPI_OFFLINE=${packages.pypiOnline ? 0 : 1}`,
    ...(spec.online ? [`REGISTRY_PROXY_REMOTEURL=${DOCKER_HUB}`] : []),
    ...(spec.bridges ? [`MIRROR_BRIDGES=${spec.bridges}`] : []),
    ...(spec.relay ? [`WORKSHOP_RELAY=${spec.relay}`] : []),
  ];
  const existing = await docker.getContainer(MIRROR_CONTAINER).inspect().catch(() => undefined);
  const current = existing?.Config.Env ?? [];
  const upToDate = existing && existing.State.Running && existing.Config.Image === spec.image && env.every((e) => current.includes(e)) && current.filter((e) => e.startsWith('REGISTRY_PROXY')).length === (spec.online ? 1 : 0) && current.some((e) => e.startsWith('WORKSHOP_RELAY=')) === Boolean(spec.relay);
  if (!upToDate) {
    if (existing) await docker.getContainer(MIRROR_CONTAINER).remove({ force: true, v: true });
    progress(`starting the image mirror on 127.0.0.1:${spec.port} and each sandbox network's gateway (${spec.online ? 'pull-through cache of Docker Hub' : 'stand-in images'}; package cache ${packages.online ? `online, through ${packages.upstream}` : 'offline'}; Python index ${packages.pypiOnline ? 'online, through PyPI' : 'offline'})`);
    // Made here rather than by the mount, so that they are labelled (one made before keeps what it has).
    await docker.createVolume({ Name: MIRROR_VOLUME, Labels: { [LABEL.role]: 'mirror' } });
    await docker.createVolume({ Name: PACKAGES_VOLUME, Labels: { [LABEL.role]: 'mirror' } });
    await docker.createVolume({ Name: PYPI_VOLUME, Labels: { [LABEL.role]: 'mirror' } });
    const container = await docker.createContainer({
      name: MIRROR_CONTAINER,
      Image: spec.image,
      Env: env,
      Labels: { [LABEL.role]: 'mirror' },
      HostConfig: {
        NetworkMode: 'host',
        Init: true,
        RestartPolicy: { Name: 'unless-stopped' },
        Mounts: [
          { Type: 'volume', Source: MIRROR_VOLUME, Target: REGISTRY_ROOT },
          { Type: 'volume', Source: PACKAGES_VOLUME, Target: '/var/cache/apt-cacher-ng' },
          { Type: 'volume', Source: PYPI_VOLUME, Target: PYPI_ROOT },
        ],
        LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
      },
    });
    await container.start();
  }
}

/**
 * Starts the mirror on an engine whose host this process cannot reach on 127.0.0.1 (a swarm
 * node's), unless it is there and up to date, and waits until its registry answers, asked from
 * inside it.
 */
export async function ensureRemoteMirror(docker: Docker, spec: Omit<MirrorSpec, 'gateway'>, progress: Progress): Promise<void> {
  await replaceUnlessUpToDate(docker, spec, progress);
  const deadline = Date.now() + 20_000;
  const ask = ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${spec.port} && printf 'GET /v2/ HTTP/1.0\r\n\r\n' >&3 && head -n 1 <&3`];
  while (Date.now() < deadline) {
    if (/ 200 /.test(await execInMirror(docker, ask).catch(() => ''))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The image mirror did not answer inside ${MIRROR_CONTAINER} within 20 s; see its logs on that engine (docker logs ${MIRROR_CONTAINER})`);
}

export async function registryAnswers(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

async function waitForRegistry(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await registryAnswers(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The image mirror did not answer on 127.0.0.1:${port} within 20 s; see: docker logs ${MIRROR_CONTAINER}`);
}

async function waitForPackageCache(port: number, what = 'package cache'): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    // Any HTTP answer will do: the cache answers a bare request with its usage page's status.
    if (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) }).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The ${what} did not answer on 127.0.0.1:${port} within 20 s; see: docker logs ${MIRROR_CONTAINER}`);
}

/** The config digest of `name:tag` in the mirror (equal to the image ID it was pushed from). */
export async function mirroredConfigDigest(port: number, repository: string, tag: string): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/v2/${repository}/manifests/${tag}`, {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      signal: AbortSignal.timeout(3000),
    });
    if (!response.ok) return undefined;
    const manifest = (await response.json()) as { config?: { digest?: string } };
    return manifest.config?.digest;
  } catch {
    return undefined;
  }
}

/** Repositories and tags the mirror holds, for doctor. */
export async function mirrorCatalog(port: number): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${port}/v2/_catalog?n=500`, { signal: AbortSignal.timeout(3000) });
  const { repositories = [] } = (await response.json()) as { repositories?: string[] };
  const result: string[] = [];
  for (const repository of repositories) {
    const tags = await fetch(`http://127.0.0.1:${port}/v2/${repository}/tags/list`, { signal: AbortSignal.timeout(3000) }).then((r) => r.json() as Promise<{ tags?: string[] }>);
    for (const tag of tags.tags ?? []) result.push(`${repository.replace(/^library\//, '')}:${tag}`);
  }
  return result.sort();
}

/**
 * Runs a command in the mirror container and returns what it printed; throws with that output
 * when it fails. The engine's own refusal (404, 409: the mirror is not there or not running)
 * is thrown as it came, with its statusCode, for the caller to put in its words.
 */
export async function execInMirror(docker: Docker, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(MIRROR_CONTAINER).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const output = Buffer.concat(chunks).toString().replace(/\r/g, '');
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) throw new Error(`${cmd.join(' ')} failed in ${MIRROR_CONTAINER} (exit code ${ExitCode}): ${output.trim().slice(-300)}`);
  return output;
}
