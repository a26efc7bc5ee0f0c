// The default driver: one Docker-in-Docker container per learner, with its own engine, limits,
// a workspace, and a second engine socket in a host folder only the server reads.
// Over 300 lines on purpose: it is the driver core (the interface's required methods) in one
// class; its capabilities live beside it (host-signals.ts, preview-host.ts, registry-host.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import type { Config } from '../../config/config.js';
import { LABEL, labels, names, roleFilter } from '../../labels.js';
import type { Logger } from '../../log.js';
import { MIRROR_CONTAINER, packageCachePort, type PackageCacheSpec } from '../../images/mirror.js';
import { resolvePackageCache } from '../../packages/upstream.js';
import { warmOrReport } from '../../packages/warm.js';
import { prepareImages, resolveOnline, startMirror } from '../../images/supply.js';
import { SandboxError, type BackendSandbox, type DriverCapabilities, type DriverDescription, type ExecOptions, type ExecResult, type SandboxDriver, type Shell, type ShellSize, type StopReason } from '../driver.js';
import { DockerHostSignals } from './host-signals.js';
import { DockerPreviewHost } from './preview-host.js';
import { dockerRegistryHost } from './registry-host.js';
import { execInContainer } from './exec.js';
import { hasPlainFile, readShortFile } from './shared-files.js';
import { endLeftoverShells, openDockerShell } from './shell.js';
import { sandboxContainerSpec, sandboxResolvConf } from './container-spec.js';
import { detectIsolation, type IsolationMode } from './isolation.js';
import { applyFirewall, ensureNetwork, requireFirewall, type SandboxNetwork } from './network.js';

const READY_TIMEOUT_MS = 60_000;
export { WORKSHOP_REGISTRY } from './container-spec.js';
const READY_POLL_MS = 20;
/** While waiting for an engine, it is asked directly only every so many looks (about 0.5 s), else when it says it is ready. */
const ENGINE_PINGS_EVERY = 25;
/** While waiting for an engine, whether its sandbox still runs is looked at about once a second. */
const LOOKS_PER_RUNNING_CHECK = 50;
/** The entrypoint prepares the container (cgroups) before it says it waits; a shell comes after. */
const PREPARED_TIMEOUT_MS = 30_000;
/** Written by the sandbox's entrypoint in the socket folder: waiting, starting, ready, restarting. */
const ENGINE_STATE_FILE = 'engine-state';
/** Made by the sandbox's docker-shim when a command waits for the engine. */
const ENGINE_WANTED_FILE = 'engine-wanted';

export interface DockerDriverState {
  image: string;
  /** Where the host engine keeps images and volumes, sandboxes' disk use included. */
  engineRoot: string | undefined;
  isolation: IsolationMode;
  network: SandboxNetwork;
  online: boolean;
  standins: string[];
}

interface MirrorStart {
  id: string;
  startedAt: string;
}

export class DockerSandboxDriver implements SandboxDriver {
  readonly kind = 'docker' as const;
  readonly isolated = true;
  readonly workspace = '/root/workshop';
  private prepared: DockerDriverState | undefined;
  private readonly engines = new Map<string, Docker>();
  private readonly signals: DockerHostSignals;
  private readonly previewHost: DockerPreviewHost;
  readonly capabilities: DriverCapabilities;
  /**
   * The mirror container and when it last started: the engine restarts the same container with
   * itself, so a new start of it means a restart. Another container under its name means another
   * installation on the engine replaced it (with other package settings), which is no restart.
   */
  private mirrorSeen: MirrorStart | undefined;
  private mirrorImages: { base: string; mirrorImage: string; sandboxImage: string } | undefined;
  private packageCache: PackageCacheSpec | undefined;
  /** Told each time what sandboxes share is set up (the workshop registry's gate listens on the network). */
  private readonly sharedListeners: Array<(network: SandboxNetwork) => Promise<void>> = [];
  /** A setup of what sandboxes share that is under way after the network went missing. */
  private resharing: Promise<void> | undefined;

  constructor(
    private readonly config: Config,
    private readonly docker: Docker,
    private readonly log: Logger,
  ) {
    this.signals = new DockerHostSignals(docker, config.instance, (id) => this.socketDir(id), log);
    this.previewHost = new DockerPreviewHost(docker, config.instance, () => this.state.network.name);
    this.capabilities = {
      restart: { revive: (id) => this.revive(id), whyStopped: (id) => this.whyStopped(id), recoverRestart: () => this.recoverRestart() },
      deferredEngine: {
        start: (id) => this.waitReady(id, this.docker.getContainer(names.sandboxContainer(config.instance, id))),
        wanted: (id) => hasPlainFile(path.join(this.socketDir(id), ENGINE_WANTED_FILE)),
      },
      signals: this.signals,
      preview: this.previewHost,
      registry: dockerRegistryHost({
        docker,
        instance: config.instance,
        networkName: () => this.state.network.name,
        socketDir: (id) => this.socketDir(id),
        whenSharedReady: (listener) => this.whenSharedReady(listener),
      }),
      storagePaths: () => (this.state.engineRoot ? [this.state.engineRoot] : []),
    };
  }

  describe(): DriverDescription {
    const prepared = this.prepared;
    if (!prepared) return { driver: this.kind, isolated: this.isolated };
    const { firewall } = prepared.network;
    return {
      driver: this.kind,
      isolated: this.isolated,
      isolation: prepared.isolation,
      images: prepared.online ? 'online' : 'offline',
      packages: this.packageCache?.online ? 'online' : 'offline',
      // 'off' (SLIPWAY_NO_FIREWALL) and 'failed' (sandboxes refused) are for the operator to see.
      firewall: firewall.status,
      ...(firewall.reason ? { firewallReason: firewall.reason } : {}),
    };
  }

  get state(): DockerDriverState {
    if (!this.prepared) throw new Error('The docker driver is used before prepare() finished.');
    return this.prepared;
  }

  async prepare(progress: (line: string) => void): Promise<void> {
    await this.docker.ping().catch((err: Error) => {
      throw new Error(`The Docker Engine does not answer (${err.message}). Start it (e.g. dockerd, or systemctl start docker) or set DOCKER_HOST.`);
    });
    const online = await resolveOnline(this.config.images);
    progress(`images: ${online ? 'online (Docker Hub through a pull-through cache)' : 'offline (stand-in images built from Debian packages)'}`);
    const images = await prepareImages(this.docker, this.config, online, progress);
    this.mirrorImages = images;
    this.packageCache = await resolvePackageCache(this.config);
    const { network, standins } = await this.setUpShared(online, progress);
    const isolation = await detectIsolation(this.docker, images.sandboxImage, this.config.isolation, this.log, this.config.instance);
    const { DockerRootDir: engineRoot } = (await this.docker.info()) as { DockerRootDir?: string };
    this.prepared = { image: images.sandboxImage, isolation, network, online, standins, engineRoot };
    progress(`package cache: ${this.packageCache.online ? `online, through ${this.packageCache.upstream}` : 'offline (serves only what it holds)'}${this.config.egress ? '; egress is on, so sandboxes fetch packages directly instead' : ''}`);
    progress(`sandboxes: ${isolation} isolation, network ${network.name} (${network.subnet}), egress ${this.config.egress ? 'on' : 'off'}${network.firewall.status === 'applied' ? '' : network.firewall.status === 'off' ? ', FIREWALL OFF (SLIPWAY_NO_FIREWALL)' : `, FIREWALL NOT APPLIED: sandboxes are refused. ${network.firewall.reason}`}`);
  }

  /** What every sandbox shares: their network, its firewall, the image mirror. Notes when the mirror started. */
  private async setUpShared(online: boolean, progress: (line: string) => void): Promise<{ network: SandboxNetwork; standins: string[] }> {
    const net = await ensureNetwork(this.docker, this.config.instance, this.config.egress, this.log);
    const { instance, mirrorPort, egress, noFirewall, firewallImage } = this.config;
    const firewall = await applyFirewall(this.docker, { instance, bridge: net.bridge, mirrorPort, egress, disabled: noFirewall, image: firewallImage || this.mirrorImages!.sandboxImage }, this.log);
    const standins = await startMirror(this.docker, this.config, online, this.packageCache!, this.mirrorImages!, net.gateway, progress);
    this.mirrorSeen = await this.mirrorStart();
    const network = { ...net, firewall, firewalled: firewall.status === 'applied' };
    for (const listener of this.sharedListeners) await listener(network);
    return { network, standins };
  }

  /** Gets `packages` into the package cache ahead of class, or says which it lacks (packages/warm.ts). */
  warmPackages(packages: string[], progress: (line: string) => void): Promise<void> {
    const options = { image: this.mirrorImages?.base ?? '', cachePort: packageCachePort(this.config.mirrorPort), packages, instance: this.config.instance, online: this.packageCache?.online ?? false };
    return warmOrReport(this.docker, options, progress, this.log);
  }

  /**
   * Runs `listener` each time what sandboxes share has been set up: during prepare, and again
   * after an engine restart. A listener that throws makes prepare fail with its message.
   */
  whenSharedReady(listener: (network: SandboxNetwork) => Promise<void>): void {
    this.sharedListeners.push(listener);
  }

  /** The resolv.conf sandboxes mount (container-spec.ts), for the network as it is now. */
  private writeResolvConf(): string {
    // Beside the sandboxes' folders, not among them: that folder holds one entry per sandbox.
    const file = path.join(this.config.dataPath, 'sandbox-resolv.conf');
    const content = sandboxResolvConf(this.state.network.gateway);
    const written = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (written !== content) fs.writeFileSync(file, content, { mode: 0o644 });
    return file;
  }

  private socketDir(id: string): string {
    return path.join(this.config.dataPath, 'sandboxes', id);
  }

  async create(id: string): Promise<void> {
    requireFirewall(this.state.network);
    const { instance } = this.config;
    const socketDir = this.socketDir(id);
    // The folder must exist before the container starts, or the engine creates it as root-owned
    // with default permissions.
    fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
    const volume = names.sandboxVolume(instance, id);
    try {
      await this.docker.createVolume({ Name: volume, Labels: labels(instance, 'sandbox', id) });
      const spec = () => sandboxContainerSpec(this.config, this.state, { id, volume, socketDir, resolvConf: this.writeResolvConf() });
      const container = await createAndStart(this.docker, spec()).catch(async (err: { statusCode?: number; message?: string }) => {
        if (err.statusCode !== 404 || !/network/i.test(err.message ?? '')) throw err;
        // The sandbox network was removed under the running server (docker network prune, a
        // cleanup): set up what sandboxes share again, then try once more.
        await this.docker.getContainer(names.sandboxContainer(instance, id)).remove({ force: true, v: true }).catch(ignoreMissing);
        await this.setUpSharedAgain('the sandbox network is gone; setting it up again');
        return createAndStart(this.docker, spec());
      });
      await this.waitPrepared(id, container);
    } catch (err) {
      await this.destroy(id).catch(() => undefined);
      if (err instanceof SandboxError) throw err;
      throw new SandboxError(`Could not create a sandbox: ${(err as Error).message}`, 'create_failed');
    }
  }

  /** Sets up the network, firewall and mirror again; callers at the same time share one setup. */
  private setUpSharedAgain(why: string): Promise<void> {
    this.resharing ??= (async () => {
      this.log.warn(why);
      const { network } = await this.setUpShared(this.state.online, (line) => this.log.info(line));
      this.prepared = { ...this.state, network };
    })().finally(() => (this.resharing = undefined));
    return this.resharing;
  }

  /** Where the sandbox's engine is, as its entrypoint last said; undefined before it said anything. */
  private engineState(id: string): string | undefined {
    return readShortFile(path.join(this.socketDir(id), ENGINE_STATE_FILE));
  }

  /** Resolves once the entrypoint has prepared the container and waits to start the engine (or started it). */
  private async waitPrepared(id: string, container: Docker.Container): Promise<void> {
    const deadline = Date.now() + PREPARED_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const state = this.engineState(id);
      if (state && state !== 'starting') return;
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
    const state = await container.inspect().then((c) => c.State, () => undefined);
    throw new SandboxError(`The sandbox did not get ready within ${PREPARED_TIMEOUT_MS / 1000} s${state && !state.Running ? ` (container exited with code ${state.ExitCode})` : ''}.`, 'create_failed');
  }

  /** Asks the engine to start (when it waits for that) and resolves once it answers. */
  private async waitReady(id: string, container: Docker.Container): Promise<void> {
    const socket = path.join(this.socketDir(id), 'docker.sock');
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let asked = false;
    let looks = 0;
    while (Date.now() < deadline) {
      const state = this.engineState(id);
      // Asked again while it still says it waits: a signal can be lost (sent before the
      // entrypoint waits), and a second ask changes nothing.
      if (state === 'waiting' && (!asked || looks % LOOKS_PER_RUNNING_CHECK === 0)) {
        // docker-init passes the signal on to the entrypoint, which starts the engine.
        asked = await container.kill({ signal: 'SIGUSR1' }).then(
          () => true,
          async (err: { statusCode?: number; message?: string }) => {
            // Removed or stopped meanwhile (a reset, the sandbox ended): nothing will answer.
            if (err.statusCode === 404 || err.statusCode === 409) throw new SandboxError(`Sandbox ${id} is gone or stopped; its engine cannot start (${err.message ?? err.statusCode}).`, 'engine_unavailable');
            return false;
          },
        );
      }
      // The entrypoint says "ready" once the engine answers; asking a starting engine itself
      // many times a second only slows it.
      const askEngine = state !== 'waiting' && isSocket(socket) && (state === 'ready' || looks % ENGINE_PINGS_EVERY === 0);
      if (askEngine && (await this.engine(id).ping().then(() => true, () => false))) return;
      if (++looks % LOOKS_PER_RUNNING_CHECK === 0 && !(await container.inspect().then((c) => c.State.Running, () => false))) break;
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
    const state = await container.inspect().then((c) => c.State, () => undefined);
    const logTail = state?.Running
      ? await this.exec(id, ['tail', '-n', '5', '/var/log/dockerd.log'], { timeoutMs: 5000 }).then(
          (r) => r.stdout || r.stderr,
          (err: Error) => `(its log could not be read: ${err.message})`,
        )
      : '';
    throw new SandboxError(
      !state
        ? `The sandbox's Docker Engine cannot answer: its container is gone.`
        : `The sandbox's Docker Engine did not answer${state.Running ? ` within ${READY_TIMEOUT_MS / 1000} s` : ` (container exited with code ${state.ExitCode})`}. ${logTail ?? ''}`.trim(),
      'create_failed',
    );
  }

  async adopt(id: string): Promise<void> {
    const container = this.docker.getContainer(names.sandboxContainer(this.config.instance, id));
    const info = await container.inspect();
    if (!info.State.Running) throw new SandboxError(`Sandbox ${id} is not running (exit code ${info.State.ExitCode}).`, 'engine_unavailable');
    await this.waitReady(id, container);
    // Shells of a server that died without stopping them are out of reach now; end them.
    const ended = await endLeftoverShells((command, options) => this.exec(id, command, options)).catch((err: Error) => {
      this.log.warn({ sandbox: id, err: err.message }, 'could not end the shells a previous server left');
      return 0;
    });
    if (ended > 0) this.log.info({ sandbox: id, shells: ended }, 'ended shells left by a previous server');
  }

  async revive(id: string): Promise<void> {
    // After an engine restart the rules are applied again first; a sandbox is never started without them.
    requireFirewall(this.state.network);
    const container = this.docker.getContainer(names.sandboxContainer(this.config.instance, id));
    this.engines.delete(id);
    this.previewHost.forget(id);
    // What the entrypoint said in its last run is not true of the next one.
    for (const file of [ENGINE_STATE_FILE, ENGINE_WANTED_FILE]) fs.rmSync(path.join(this.socketDir(id), file), { force: true, recursive: true });
    await container.start().catch((err: { statusCode?: number }) => {
      // 304: already running.
      if (err.statusCode !== 304) throw err;
    });
    await this.waitReady(id, container);
  }

  async whyStopped(id: string): Promise<StopReason | undefined> {
    const info = await this.docker.getContainer(names.sandboxContainer(this.config.instance, id)).inspect().catch(() => undefined);
    if (!info) return { words: 'its container was removed', asked: false };
    if (info.State.Running) return undefined;
    const code = info.State.ExitCode;
    // OOMKilled stays set once anything in the sandbox was killed for memory, even long before.
    if (code === 137) return { words: info.State.OOMKilled ? 'it was killed, having run out of memory' : 'it was killed', asked: false };
    // The entrypoint ends with 0 when it is sent SIGTERM (docker stop, or the engine shutting down).
    if (code === 0 || code === 143) return { words: 'it was stopped', asked: true };
    return { words: `its main process exited with code ${code}`, asked: false };
  }

  async recoverRestart(): Promise<boolean> {
    const seen = await this.mirrorStart();
    // Not running: the engine is stopping (it stops the mirror with everything else); the
    // engine starts it again when it is back, and that new start is the sign to act on.
    if (seen === undefined || seen.startedAt === this.mirrorSeen?.startedAt) return false;
    if (seen.id !== this.mirrorSeen?.id) {
      // Replaced, not restarted: taking it for a restart made every installation on the engine
      // set itself up again, and replace the mirror again when their networks came and went.
      this.mirrorSeen = seen;
      return false;
    }
    this.log.warn('the Docker Engine restarted (the image mirror started again); setting up the sandbox network, firewall and mirror again');
    const { network } = await this.setUpShared(this.state.online, (line) => this.log.info(line));
    this.prepared = { ...this.state, network };
    return true;
  }

  private async mirrorStart(): Promise<MirrorStart | undefined> {
    const info = await this.docker.getContainer(MIRROR_CONTAINER).inspect().catch(() => undefined);
    return info?.State.Running ? { id: info.Id, startedAt: info.State.StartedAt } : undefined;
  }

  async destroy(id: string): Promise<void> {
    const { instance } = this.config;
    this.engines.delete(id);
    this.signals.forget(id);
    this.previewHost.forget(id);
    await this.docker.getContainer(names.sandboxContainer(instance, id)).remove({ force: true, v: true }).catch(ignoreMissing);
    await this.docker.getVolume(names.sandboxVolume(instance, id)).remove().catch(ignoreMissing);
    fs.rmSync(this.socketDir(id), { recursive: true, force: true });
    // A check or a liveness read during the removal may have cached the sandbox again.
    this.engines.delete(id);
    this.signals.forget(id);
    this.previewHost.forget(id);
  }

  async list(): Promise<BackendSandbox[]> {
    const { instance } = this.config;
    const found = new Map<string, boolean>();
    const containers = await this.docker.listContainers({ all: true, filters: roleFilter(instance, 'sandbox') });
    for (const c of containers) {
      const id = c.Labels[LABEL.sandbox];
      if (id) found.set(id, c.State === 'running');
    }
    const { Volumes: volumes = [] } = await this.docker.listVolumes({ filters: roleFilter(instance, 'sandbox') });
    for (const v of volumes) {
      const id = v.Labels?.[LABEL.sandbox];
      if (id && !found.has(id)) found.set(id, false);
    }
    const socketRoot = path.join(this.config.dataPath, 'sandboxes');
    for (const id of fs.existsSync(socketRoot) ? fs.readdirSync(socketRoot) : []) if (!found.has(id)) found.set(id, false);
    return [...found].map(([id, running]) => ({ id, running }));
  }

  exec(id: string, command: string[], options?: ExecOptions): Promise<ExecResult> {
    return execInContainer(this.docker.getContainer(names.sandboxContainer(this.config.instance, id)), command, options);
  }

  engine(id: string): Docker {
    let engine = this.engines.get(id);
    if (!engine) {
      const dir = this.socketDir(id);
      engine = new Docker({ socketPath: path.join(dir, 'docker.sock') });
      // A check finishing just after its sandbox was destroyed asks too: keep no client for a
      // sandbox that is gone, or every reset would leave one behind.
      if (fs.existsSync(dir)) this.engines.set(id, engine);
    }
    return engine;
  }

  async copyIn(id: string, tar: Readable, destination = this.workspace): Promise<void> {
    await this.docker.getContainer(names.sandboxContainer(this.config.instance, id)).putArchive(tar, { path: destination });
  }

  async copyOut(id: string, file: string): Promise<Readable> {
    return (await this.docker.getContainer(names.sandboxContainer(this.config.instance, id)).getArchive({ path: file })) as unknown as Readable;
  }

  workspaceOf(_id: string): string {
    return this.workspace;
  }

  openShell(id: string, size: ShellSize): Promise<Shell> {
    return openDockerShell({
      container: this.docker.getContainer(names.sandboxContainer(this.config.instance, id)),
      workdir: this.workspace,
      size,
      exec: (command, options) => this.exec(id, command, options),
    });
  }
}

/**
 * The socket folder is writable by root inside the sandbox; refuse anything but a real socket
 * so a learner cannot point the server at another path with a symlink.
 */
function isSocket(file: string): boolean {
  try {
    return fs.lstatSync(file).isSocket();
  } catch {
    return false;
  }
}

/** The engine checks the network when the container starts (20.10) or already when it is made (later versions). */
async function createAndStart(docker: Docker, spec: Docker.ContainerCreateOptions): Promise<Docker.Container> {
  const container = await docker.createContainer(spec);
  await container.start();
  return container;
}

function ignoreMissing(err: { statusCode?: number }): void {
  if (err.statusCode !== 404) throw err;
}
