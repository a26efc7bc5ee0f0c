// Each doctor check answers one question about this host and, when the answer is bad, says
// what to do. They only look; nothing here changes the host.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import type { Config } from '../config/config.js';
import { formatSize } from '../config/units.js';
import { BASE_TAG, findBootstrapImage } from '../images/base.js';
import { expectedTag } from '../images/build.js';
import { MIRROR_CONTAINER, mirrorCatalog, packageCachePort, pythonIndexPort, registryAnswers } from '../images/mirror.js';
import { missingFrom, packagesHeld } from '../packages/held.js';
import { pythonIndexHeld } from '../packages/wheels.js';
import { labels } from '../labels.js';
import { hostConfigFor, NO_VOLUME_FOR_ENGINE_DATA, type IsolationMode } from '../sandboxes/docker/isolation.js';
import { anyHelperImage, probeFirewall } from '../sandboxes/docker/network.js';

const run = promisify(execFile);

export type Status = 'ok' | 'warn' | 'fail';
export interface Finding {
  status: Status;
  what: string;
  detail: string;
  fix?: string;
}

export async function checkNode(): Promise<Finding> {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const good = major > 20 || (major === 20 && minor >= 6);
  return good
    ? { status: 'ok', what: 'Node.js', detail: process.versions.node }
    : { status: 'fail', what: 'Node.js', detail: `${process.versions.node} is too old`, fix: 'Install Node 20.6 or newer (22 LTS recommended).' };
}

export async function checkEngine(docker: Docker): Promise<Finding & { info?: Record<string, unknown> }> {
  try {
    const version = await docker.version();
    const info = (await docker.info()) as Record<string, unknown>;
    return { status: 'ok', what: 'Docker Engine', detail: `${version.Version} (API ${version.ApiVersion}), ${info.Driver} storage, cgroup v${info.CgroupVersion ?? '1'}`, info };
  } catch (err) {
    return {
      status: 'fail',
      what: 'Docker Engine',
      detail: `does not answer: ${(err as Error).message}`,
      fix: 'Start it (systemctl start docker, or dockerd & where there is no systemd), or point DOCKER_HOST at it. On Debian: apt-get install -y docker.io.',
    };
  }
}

export function checkSysbox(info: Record<string, unknown> | undefined): Finding {
  const runtimes = (info?.Runtimes ?? {}) as Record<string, unknown>;
  return 'sysbox-runc' in runtimes
    ? { status: 'ok', what: 'Sysbox', detail: 'sysbox-runc is available: sandboxes run unprivileged' }
    : { status: 'warn', what: 'Sysbox', detail: 'sysbox-runc is not installed: sandboxes use the privileged-equivalent fallback', fix: 'For events with strangers install Sysbox (see docs/security.md).' };
}

/**
 * Starts a throwaway sandbox container, labelled as the installation's probe, and waits for its
 * nested engine to answer. Its engine data sits on a tmpfs, so it leaves no volume behind.
 */
export async function checkNestedDocker(docker: Docker, mode: IsolationMode | 'auto', instance: string): Promise<Finding> {
  const what = 'Nested Docker';
  const image = await expectedTag(docker, 'sandbox', 'slipway/sandbox', BASE_TAG);
  if (!image || !(await docker.getImage(image).inspect().then(() => true, () => false))) {
    return { status: 'warn', what, detail: 'the sandbox image is not built yet, so this was not tried', fix: 'Run npm start once; it builds the images.' };
  }
  const modes: IsolationMode[] = mode === 'auto' ? ['privileged', 'capabilities'] : [mode];
  const failures: string[] = [];
  for (const candidate of modes) {
    const started = Date.now();
    const container = await docker.createContainer({
      Image: image,
      HostConfig: { ...hostConfigFor(candidate), Init: true, NetworkMode: 'none', AutoRemove: false, Mounts: NO_VOLUME_FOR_ENGINE_DATA },
      Labels: labels(instance, 'probe'),
    });
    try {
      await container.start();
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        // The real CLI: the sandbox's `docker` waits minutes for an engine still starting, and
        // this loop must see an engine that cannot start fail within its own deadline.
        const exec = await container.exec({ Cmd: ['/usr/bin/docker', 'version', '--format', '{{.Server.Version}}'], AttachStdout: true, AttachStderr: true });
        const stream = await exec.start({});
        await new Promise((resolve) => { stream.on('end', resolve); stream.resume(); });
        if ((await exec.inspect()).ExitCode === 0) {
          return { status: 'ok', what, detail: `a sandbox engine answered in ${Date.now() - started} ms with ${candidate} isolation` };
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      failures.push(`${candidate}: the inner engine did not answer in 30 s`);
    } catch (err) {
      failures.push(`${candidate}: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      await container.remove({ force: true, v: true }).catch(() => undefined);
    }
  }
  return { status: 'fail', what, detail: failures.join('; '), fix: 'See docs/operators.md (Sandboxes, Isolation): the host must allow SYS_ADMIN and NET_ADMIN, or install Sysbox.' };
}

/**
 * The sandbox firewall: turned off (a loud warning), or whether its helper container can work
 * on this engine (it reads the host's rules, as writing them needs the same rights).
 */
export async function checkFirewall(docker: Docker, config: Config): Promise<Finding> {
  const what = 'Sandbox firewall';
  if (config.noFirewall) {
    return {
      status: 'warn',
      what,
      detail: 'OFF (SLIPWAY_NO_FIREWALL): sandboxes can reach every port this host serves on their gateway',
      fix: 'Unset SLIPWAY_NO_FIREWALL unless the helper container cannot work on this engine (docs/operators.md, Sandboxes).',
    };
  }
  const image = config.firewallImage || (await anyHelperImage(docker));
  if (!image) return { status: 'warn', what, detail: 'the sandbox image is not built yet, so its helper was not tried', fix: 'Run npm start once; it builds the images.' };
  try {
    const backend = await probeFirewall(docker, image, config.instance);
    return { status: 'ok', what, detail: `applied by a helper container (host network, NET_ADMIN) into ${backend}` };
  } catch (err) {
    return {
      status: 'fail',
      what,
      detail: `its helper container cannot work here: ${(err as Error).message}; sandboxes would be refused`,
      fix: 'The engine must allow a container on its host network with NET_ADMIN (a rootless engine cannot). Or, knowingly, SLIPWAY_NO_FIREWALL=1.',
    };
  }
}

/**
 * How the offline base image is (or would be) made: it exists already; or debootstrap runs in a
 * container of a Debian image on the engine; or, on an engine with none, the host's debootstrap.
 */
export async function checkBaseImage(docker: Docker): Promise<Finding> {
  const what = 'Base image';
  if (await docker.getImage(BASE_TAG).inspect().then(() => true, () => false)) return { status: 'ok', what, detail: `${BASE_TAG} is on the engine` };
  const from = await findBootstrapImage(docker);
  if (from) return { status: 'ok', what, detail: `not built yet; debootstrap will run inside a container of ${from}` };
  const host = await checkTool('debootstrap', ['--version'], what, '', 'debootstrap');
  if (host.status === 'ok') return { status: 'ok', what, detail: `not built yet; the engine holds no Debian image, so the host's debootstrap will make it (${host.detail})` };
  return {
    status: 'fail',
    what,
    detail: 'not built, no Debian image on the engine to build it in, and no debootstrap on this host',
    fix: 'Import an image pack (npm run images -- import FILE), or install debootstrap once for the first build (apt-get install -y debootstrap), or set SLIPWAY_IMAGES=online where Docker Hub answers.',
  };
}

export async function checkMirror(config: Config, docker: Docker): Promise<Finding> {
  const what = 'Image mirror';
  const container = await docker.getContainer(MIRROR_CONTAINER).inspect().catch(() => undefined);
  if (!container) return { status: 'warn', what, detail: 'not created yet', fix: 'Run npm start once; it starts the mirror.' };
  if (!(await registryAnswers(config.mirrorPort))) {
    return { status: 'fail', what, detail: `${MIRROR_CONTAINER} is ${container.State.Status} but 127.0.0.1:${config.mirrorPort} does not answer`, fix: `docker logs ${MIRROR_CONTAINER}; check that nothing else uses port ${config.mirrorPort}.` };
  }
  const images = await mirrorCatalog(config.mirrorPort).catch(() => []);
  const online = (container.Config.Env ?? []).some((e) => e.startsWith('REGISTRY_PROXY_REMOTEURL='));
  return { status: 'ok', what, detail: `127.0.0.1:${config.mirrorPort}, ${online ? 'pull-through cache of Docker Hub' : 'offline stand-ins'}; holds ${images.length ? images.join(', ') : 'nothing yet'}` };
}

/** What the package cache holds, and which of the packages the lessons install it lacks. */
export async function checkPackageCache(config: Config, docker: Docker, wanted: string[]): Promise<Finding> {
  const what = 'Package cache';
  const container = await docker.getContainer(MIRROR_CONTAINER).inspect().catch(() => undefined);
  if (!container?.State.Running) return { status: 'warn', what, detail: 'not started yet', fix: 'Run npm start once; it starts the package cache with the image mirror.' };
  const offline = (container.Config.Env ?? []).includes('PACKAGES_OFFLINE=1');
  const held = await packagesHeld(docker).catch(() => undefined);
  if (!held) return { status: 'fail', what, detail: `could not list what ${MIRROR_CONTAINER} holds`, fix: `docker logs ${MIRROR_CONTAINER}` };
  const bytes = held.reduce((sum, p) => sum + p.bytes, 0);
  const names = held.map((p) => p.name);
  const listed = names.length > 30 ? `${names.slice(0, 30).join(', ')} and ${names.length - 30} more` : names.join(', ');
  const detail = `${offline ? 'offline (serves only what it holds)' : 'online (fetches from the Debian mirror and keeps)'}, 127.0.0.1:${packageCachePort(config.mirrorPort)}; holds ${held.length} package(s), ${formatSize(bytes)}${held.length ? `: ${listed}` : ''}`;
  const missing = missingFrom(held, wanted);
  if (missing.length === 0) return { status: 'ok', what, detail };
  return {
    status: 'warn',
    what,
    detail: `${detail}; lacks ${missing.join(', ')}, which the lessons or SLIPWAY_WARM_APT install`,
    fix: offline ? 'Start once where the Debian mirror answers (SLIPWAY_PACKAGES=auto or online); npm start fetches them.' : 'npm start fetches them.',
  };
}

/** What the Python package index holds: the files the operator added and those kept from PyPI. */
export async function checkPythonIndex(config: Config, docker: Docker): Promise<Finding> {
  const what = 'Python index';
  const container = await docker.getContainer(MIRROR_CONTAINER).inspect().catch(() => undefined);
  if (!container?.State.Running) return { status: 'warn', what, detail: 'not started yet', fix: 'Run npm start once; it starts the Python index with the image mirror.' };
  const online = (container.Config.Env ?? []).includes('PYPI_OFFLINE=0');
  const held = await pythonIndexHeld(docker).catch(() => undefined);
  if (!held) return { status: 'fail', what, detail: `could not list what ${MIRROR_CONTAINER} holds`, fix: `docker logs ${MIRROR_CONTAINER}` };
  const list = (names: string[]) => (names.length > 20 ? `${names.slice(0, 20).join(', ')} and ${names.length - 20} more` : names.join(', '));
  const detail = [
    `${online ? 'online (fetches from PyPI and keeps)' : 'offline (serves only what it holds)'}, pypi.workshop:${pythonIndexPort(config.mirrorPort)} in sandboxes`,
    `added ${held.added.length ? list(held.added) : 'nothing'}`,
    `kept from PyPI ${held.fetched.length ? list(held.fetched) : 'nothing'}`,
  ].join('; ');
  // Holding nothing is no fault: the lessons' Python packages come with the python stand-in.
  return { status: 'ok', what, detail };
}

export async function checkDisk(config: Config, info: Record<string, unknown> | undefined): Promise<Finding[]> {
  const places = [{ label: 'data directory', dir: fs.existsSync(config.dataPath) ? config.dataPath : process.cwd() }];
  const dockerRoot = typeof info?.DockerRootDir === 'string' ? info.DockerRootDir : undefined;
  if (dockerRoot && fs.existsSync(dockerRoot)) places.push({ label: 'Docker root', dir: dockerRoot });
  return places.map(({ label, dir }) => {
    const stats = fs.statfsSync(dir);
    const free = stats.bavail * stats.bsize;
    const needed = 5 * 1024 ** 3;
    return free >= needed
      ? { status: 'ok' as const, what: `Free disk (${label})`, detail: `${formatSize(free)} free in ${dir}` }
      : { status: 'fail' as const, what: `Free disk (${label})`, detail: `only ${formatSize(free)} free in ${dir}`, fix: 'Free space: images and sandboxes need several GiB (docker system df shows what uses it).' };
  });
}

export async function checkPort(config: Config): Promise<Finding> {
  const what = `Port ${config.host}:${config.port}`;
  const free = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(config.port, config.host, () => probe.close(() => resolve(true)));
  });
  if (free) return { status: 'ok', what, detail: 'free' };
  const slipway = await fetch(`http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}/healthz`, { signal: AbortSignal.timeout(1000) })
    .then((r) => r.json() as Promise<{ status?: string; driver?: string }>)
    .then((h) => h.status === 'ok' && Boolean(h.driver), () => false);
  return slipway
    ? { status: 'ok', what, detail: 'in use by a running Slipway server' }
    : { status: 'fail', what, detail: 'in use by another program', fix: 'Stop it, or choose another port with PORT=... npm start.' };
}

export async function checkTool(command: string, args: string[], what: string, purpose: string, packageName: string): Promise<Finding> {
  try {
    const { stdout, stderr } = await run(command, args);
    return { status: 'ok', what, detail: (stdout || stderr).split('\n')[0]!.trim() || 'available' };
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { status: 'fail', what, detail: missing ? 'not installed' : (err as Error).message.split('\n')[0]!, fix: `${purpose}. On Debian: apt-get install -y ${packageName}.` };
  }
}
