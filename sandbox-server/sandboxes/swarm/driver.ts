// Sandboxes as Docker Swarm services, spread over an operator's Docker hosts: Swarm places each
// (service-spec.ts), and the server reaches a sandbox through the engine API of the node it runs
// on, since only that node can exec into it: commands, the learner's shell and files as with the
// docker driver, the sandbox's own engine through a tunnel (engine-tunnel.ts), and the ports it
// publishes, for the web preview, through a relay (preview-host.ts). A sandbox that finds no
// room (every node labelled for sandboxes full, or drained) is refused within seconds with the
// same "full" answer a single machine gives.
//
// Before a node takes sandboxes it gets the images and its own image mirror (node-images.ts) and
// the egress firewall (node-firewall.ts), all through its engine; the workshop registry stays on
// this machine, reached through each node's relay (registry-host.ts). Out-of-memory kills, process
// counts and runaway programs are read and handled through each node (node-signals.ts). A lost
// node's sandboxes are told unreachable; a node whose engine restarted gets its sandboxes made
// again next to their volumes.
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Config } from '../../config/config.js';
import { ensureMirror, packageCachePort } from '../../images/mirror.js';
import { buildStandins, publishStandins } from '../../images/standins.js';
import { prepareImages, resolveOnline } from '../../images/supply.js';
import { LABEL, names } from '../../labels.js';
import type { Logger } from '../../log.js';
import { resolvePackageCache } from '../../packages/upstream.js';
import { warmOrReport } from '../../packages/warm.js';
import { execInContainer } from '../docker/exec.js';
import { endLeftoverShells, openDockerShell } from '../docker/shell.js';
import { SandboxError, type BackendSandbox, type DriverCapabilities, type DriverDescription, type ExecOptions, type ExecResult, type Machine, type SandboxDriver, type Shell, type ShellSize, type StopReason } from '../driver.js';
import type { SwarmEndpoints } from './endpoints.js';
import { tunnelledEngine } from './engine-tunnel.js';
import type { TunnelTarget } from './exec-tunnel.js';
import { NodeFirewalls, sandboxBridge, type NodeRef } from './node-firewall.js';
import { copyImage, prepareNodeImages } from './node-images.js';
import { SwarmHostSignals } from './node-signals.js';
import { swarmPreviewHost } from './preview-host.js';
import { swarmRegistryHost } from './registry-host.js';
import { MIN_NODE_API, nodeApiTooOld, preparedLabel, SANDBOX_NODE_LABEL, sandboxServiceSpec } from './service-spec.js';

export { copyImage, SANDBOX_NODE_LABEL };

/** A task that stays Pending this long for lack of a node is taken for a full swarm. */
const NO_ROOM_MS = 3000;
const TASK_TIMEOUT_MS = 60_000;
const ENGINE_TIMEOUT_MS = 60_000;
const POLL_MS = 150;
/** Removing a service ends its container a little later; its volume can go only then. */
const VOLUME_REMOVAL_MS = 30_000;

export interface SwarmDriverOptions {
  config: Config;
  endpoints: SwarmEndpoints;
  /** This process's own engine: images are built there and copied from it to the nodes. */
  builder: Docker;
  log: Logger;
}

interface SwarmTask {
  ID: string;
  CreatedAt: string;
  NodeID: string;
  DesiredState: string;
  Status: { State: string; Err?: string; Message?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
}

interface SwarmNodeInfo {
  ID: string;
  Spec: { Availability: string; Labels?: Record<string, string> };
  Description: { Hostname: string; Engine: { EngineVersion: string }; Resources?: { NanoCPUs?: number; MemoryBytes?: number } };
  Status: { State: string; Addr: string };
}

/** Where a sandbox runs. */
interface Placement extends TunnelTarget {
  nodeId: string;
  hostname: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SwarmSandboxDriver implements SandboxDriver {
  readonly kind = 'swarm' as const;
  readonly isolated = true;
  readonly workspace = '/root/workshop';
  readonly capabilities: DriverCapabilities;
  private readonly placements = new Map<string, Placement>();
  private readonly engines = new Map<string, Docker>();
  private nodesSeen: SwarmNodeInfo[] = [];
  private image: string | undefined;
  private readonly firewalls: NodeFirewalls;
  private readonly signals: SwarmHostSignals;
  /** Nodes whose engine restarted since liveness last asked (their sandboxes are made again). */
  private readonly restartedNodes = new Set<string>();
  /** Each node's state at the last look, to see one come back. */
  private readonly nodeStates = new Map<string, string>();
  /** The nodes the last prepare made ready, and whether their package caches fetch from Debian. */
  private prepared: { nodes: NodeRef[]; packagesOnline: boolean; base: string } = { nodes: [], packagesOnline: false, base: '' };
  /** Told once the nodes are ready, with the address where the workshop registry's gate listens for their relays. */
  private readonly sharedListeners: Array<(shared: { gateway: string }) => Promise<void>> = [];

  constructor(private readonly options: SwarmDriverOptions) {
    this.firewalls = new NodeFirewalls(options.config, options.log);
    this.signals = new SwarmHostSignals({
      instance: options.config.instance,
      placementOf: (id) => this.placementOf(id),
      image: () => this.image ?? '',
      onReconnect: (client) => {
        const node = this.nodesSeen.find((n) => this.clientOf(n) === client);
        if (node) this.nodeRestarted(node.ID);
      },
      log: options.log,
    });
    const advertise = options.config.swarmAdvertise;
    this.capabilities = {
      signals: this.signals,
      ...(advertise
        ? {
            registry: swarmRegistryHost({
              instance: options.config.instance,
              nodeAt: (address) => {
                const node = this.nodesSeen.find((n) => n.Status.Addr === address);
                return node && this.clientOf(node);
              },
              exec: (id, command, execOptions) => this.exec(id, command, execOptions),
              whenSharedReady: (listener) => void this.sharedListeners.push(listener),
              log: options.log,
            }),
          }
        : {}),
      restart: { revive: (id) => this.revive(id), whyStopped: (id) => this.whyStopped(id), recoverRestart: async () => this.takeRestarts() },
      machines: () => this.machines(),
      machineOf: (id) => this.nodeOf(id),
      preview: swarmPreviewHost((id) => this.placementOf(id)),
    };
  }

  describe(): DriverDescription {
    const sandboxNodes = this.nodesSeen.filter((n) => n.Spec.Labels?.[SANDBOX_NODE_LABEL] === 'true');
    return { driver: this.kind, isolated: this.isolated, image: this.image, nodes: sandboxNodes.map((n) => ({ hostname: n.Description.Hostname, state: n.Status.State, availability: n.Spec.Availability })) };
  }

  /**
   * Checks the swarm (a manager; nodes labelled for sandboxes that the server reaches, recent
   * enough, with icc off), builds the images on this process's engine, and gets each node ready:
   * images copied, its image mirror running, its firewall applied (node-images.ts,
   * node-firewall.ts). Only nodes made ready take sandboxes (a label of this installation on
   * them), so one that joins later takes none until the next start.
   */
  async prepare(progress: (line: string) => void): Promise<void> {
    const { manager } = this.options.endpoints;
    await manager.swarmInspect().catch((err: Error) => {
      throw new SandboxError(`The swarm manager's engine (SLIPWAY_SWARM_MANAGER) is not a swarm manager or does not answer: ${err.message}`, 'engine_unavailable');
    });
    const nodes = await this.refreshNodes();
    const labelled = nodes.filter((n) => n.Spec.Labels?.[SANDBOX_NODE_LABEL] === 'true');
    if (!labelled.length) throw new SandboxError(`No node of the swarm is labelled for sandboxes: docker node update --label-add ${SANDBOX_NODE_LABEL}=true NODE`, 'capacity');
    // Nodes that are down or drained take no sandbox now: said, not a reason to refuse the start.
    const forSandboxes = labelled.filter((n) => n.Status.State === 'ready' && n.Spec.Availability === 'active');
    const resting = labelled.filter((n) => !forSandboxes.includes(n));
    if (resting.length) progress(`sandboxes: ${resting.map((n) => `${n.Description.Hostname} (${n.Status.State === 'ready' ? n.Spec.Availability : n.Status.State})`).join(', ')} take no sandbox now`);
    if (!forSandboxes.length) throw new SandboxError('Every node labelled for sandboxes is down or drained.', 'capacity');
    const problems: string[] = [];
    const ready: Array<NodeRef & { bridge: string }> = [];
    for (const node of forSandboxes) {
      const hostname = node.Description.Hostname;
      const client = this.clientOf(node);
      if (!client) {
        problems.push(`node ${hostname}: SLIPWAY_SWARM_NODES names no endpoint for its engine`);
        continue;
      }
      const version = (await client.version().catch(() => undefined)) as { ApiVersion?: string } | undefined;
      if (!version) problems.push(`node ${hostname}: its engine does not answer at its endpoint`);
      else if (nodeApiTooOld(version.ApiVersion ?? '0')) problems.push(`node ${hostname}: API ${version.ApiVersion} is older than ${MIN_NODE_API} (Docker Engine 25); sandboxes need its Privileges settings`);
      else {
        const ref = { id: node.ID, hostname, client };
        const bridge = await sandboxBridge(ref).catch((err: Error) => void problems.push(err.message));
        if (bridge) ready.push({ ...ref, bridge });
      }
    }
    if (problems.length) throw new SandboxError(`The swarm is not ready for sandboxes:\n  ${problems.join('\n  ')}`, 'engine_unavailable');

    const { config, builder } = this.options;
    const online = await resolveOnline(config.images);
    progress(`images: ${online ? "online (each node's mirror a pull-through cache of Docker Hub)" : 'offline (stand-in images built from Debian packages, in each node\'s mirror)'}`);
    const built = await prepareImages(builder, config, online, progress);
    const images = { sandbox: built.sandboxImage, mirror: built.mirrorImage, base: built.base, standins: online ? [] : await buildStandins(builder, built.base, progress) };
    const packages = await resolvePackageCache(config);
    this.image = images.sandbox;
    // The workshop registry stays on this machine, in the mirror container a single machine runs;
    // each node's mirror relays to its gate, which listens where the nodes reach this machine.
    const relay = config.swarmAdvertise ? `${config.swarmAdvertise}:${config.mirrorPort}` : undefined;
    if (!relay) progress('workshop registry: off (set SLIPWAY_SWARM_ADVERTISE to the address the nodes reach this machine at)');
    // Offline, the stand-ins are pushed (compressed) once, into this machine's mirror, whose
    // storage each node's mirror then gets as it is.
    if (relay || images.standins.length) await ensureMirror(builder, { image: images.mirror, port: config.mirrorPort, gateway: '127.0.0.1', online, packages }, progress);
    if (images.standins.length) await publishStandins(builder, images.standins, config.mirrorPort, progress);
    await Promise.all(
      ready.map(async (node) => {
        try {
          await prepareNodeImages(node, { builder, images, config, online, packages, bridge: node.bridge, relay, progress });
          await this.firewalls.ensure(node, images.sandbox);
          await this.markPrepared(node.id);
        } catch (err) {
          throw new SandboxError(`The swarm is not ready for sandboxes: node ${node.hostname}: ${(err as Error).message}`, 'engine_unavailable');
        }
      }),
    );
    this.prepared = { nodes: ready, packagesOnline: packages.online, base: images.base };
    // The labels just set, seen at once by what counts the swarm's room.
    await this.refreshNodes();
    for (const listener of this.sharedListeners) await listener({ gateway: config.swarmAdvertise });
    progress(`sandboxes: swarm of ${nodes.length} nodes, ${ready.length} ready for sandboxes (${ready.map((n) => n.hostname).join(', ')}), each with its image mirror and firewall, egress ${config.egress ? 'on' : 'off'}`);
  }

  /**
   * Gets `packages` into each ready node's package cache ahead of class, all nodes at once (a
   * learner's apt reaches only their own node's), or says what a node's cache lacks offline.
   * apt runs in the Debian base, copied to every node (packages/warm.ts).
   */
  async warmPackages(packages: string[], progress: (line: string) => void): Promise<void> {
    const { nodes, packagesOnline, base } = this.prepared;
    const { config, log } = this.options;
    await Promise.all(
      nodes.map((node) =>
        warmOrReport(node.client, { image: base, cachePort: packageCachePort(config.mirrorPort), packages, instance: config.instance, online: packagesOnline }, (line) => progress(`${node.hostname}: ${line}`), log.child({ node: node.hostname })),
      ),
    );
  }

  /** Labels a node as made ready by this installation: its sandboxes are placed only there. */
  private async markPrepared(nodeId: string): Promise<void> {
    const label = preparedLabel(this.options.config.instance);
    const node = this.options.endpoints.manager.getNode(nodeId);
    const info = (await node.inspect()) as { Version: { Index: number }; Spec: { Labels?: Record<string, string> } & Record<string, unknown> };
    if (info.Spec.Labels?.[label] === 'true') return;
    await node.update({ version: info.Version.Index, ...info.Spec, Labels: { ...(info.Spec.Labels ?? {}), [label]: 'true' } });
  }

  async create(id: string): Promise<void> {
    const { manager } = this.options.endpoints;
    if (!this.image) throw new Error('The swarm driver is used before prepare() finished.');
    const spec = sandboxServiceSpec(this.options.config, { id, image: this.image });
    await manager.createService(spec);
    try {
      const placement = await this.waitRunning(id);
      this.placements.set(id, placement);
      // A node that joined since the start (or came back) gets its rules before its first sandbox is used.
      await this.firewalls.ensure({ id: placement.nodeId, hostname: placement.hostname, client: placement.node }, this.image);
      await this.waitEngine(id);
    } catch (err) {
      await this.destroy(id).catch(() => undefined);
      if (err instanceof SandboxError) throw err;
      throw new SandboxError(`Could not create a sandbox: ${(err as Error).message}`, 'create_failed');
    }
  }

  async destroy(id: string): Promise<void> {
    const { manager } = this.options.endpoints;
    const name = names.sandboxContainer(this.options.config.instance, id);
    const home = this.placements.get(id) ?? (await this.homeOf(id).catch(() => undefined));
    this.placements.delete(id);
    this.engines.delete(id);
    await manager.getService(name).remove().catch(ignoreMissing);
    // The service's volumes stay on the node that ran it; they are removed there once the
    // container is gone.
    const node = home?.node;
    if (!node) return;
    const { instance } = this.options.config;
    await Promise.all([names.sandboxVolume(instance, id), names.workspaceVolume(instance, id)].map((volume) => this.removeVolume(id, { node, hostname: home.hostname }, volume)));
  }

  private async removeVolume(id: string, home: Pick<Placement, 'node' | 'hostname'>, volume: string): Promise<void> {
    const deadline = Date.now() + VOLUME_REMOVAL_MS;
    for (;;) {
      const removed = await home.node.getVolume(volume).remove().then(
        () => true,
        (err: { statusCode?: number }) => {
          // 409: still in use by the container that is ending; try again. Anything else but
          // 404 (gone already), such as a node that does not answer (lost): leave it there.
          if (err.statusCode === 409) return false;
          if (err.statusCode !== 404) this.options.log.warn({ sandbox: id, node: home.hostname, volume, err: (err as Error).message }, "could not remove a sandbox's volume from its node; it stays there");
          return true;
        },
      );
      if (removed) return;
      if (Date.now() > deadline) {
        this.options.log.warn({ sandbox: id, node: home.hostname, volume }, 'could not remove a sandbox volume from its node');
        return;
      }
      await sleep(POLL_MS);
    }
  }

  /**
   * The installation's sandboxes, one list of services and tasks and nodes per call. A task on a
   * node that is down still reads "running" (the manager cannot ask a node it lost), so a
   * sandbox runs only while its task runs on a node that is ready.
   */
  async list(): Promise<BackendSandbox[]> {
    const { manager } = this.options.endpoints;
    const filters = JSON.stringify({ label: [`${LABEL.instance}=${this.options.config.instance}`, `${LABEL.role}=sandbox`] });
    const [services, tasks, nodes] = await Promise.all([
      manager.listServices({ filters }) as Promise<Array<{ ID: string; Spec: { Labels?: Record<string, string> } }>>,
      manager.listTasks({ filters: JSON.stringify({ 'desired-state': ['running'] }) }) as Promise<Array<SwarmTask & { ServiceID: string }>>,
      this.refreshNodes(),
    ]);
    const ready = new Set(nodes.filter((n) => n.Status.State === 'ready').map((n) => n.ID));
    return services.flatMap((service) => {
      const id = service.Spec.Labels?.[LABEL.sandbox];
      if (!id) return [];
      return [{ id, running: tasks.some((t) => t.ServiceID === service.ID && t.Status.State === 'running' && ready.has(t.NodeID)) }];
    });
  }

  async adopt(id: string): Promise<void> {
    const placement = await this.locate(id);
    this.placements.set(id, placement);
    await this.waitEngine(id);
    const ended = await endLeftoverShells((command, options) => this.exec(id, command, options)).catch(() => 0);
    if (ended > 0) this.options.log.info({ sandbox: id, shells: ended }, 'ended shells left by a previous server');
  }

  async exec(id: string, command: string[], options?: ExecOptions): Promise<ExecResult> {
    return execInContainer(await this.container(id), command, options);
  }

  engine(id: string): Docker {
    let engine = this.engines.get(id);
    if (!engine) {
      engine = tunnelledEngine(() => this.placementOf(id));
      this.engines.set(id, engine);
    }
    return engine;
  }

  async copyIn(id: string, tar: Readable, destination = this.workspace): Promise<void> {
    await (await this.container(id)).putArchive(tar, { path: destination });
  }

  async copyOut(id: string, file: string): Promise<Readable> {
    return (await (await this.container(id)).getArchive({ path: file })) as unknown as Readable;
  }

  workspaceOf(_id: string): string {
    return this.workspace;
  }

  async openShell(id: string, size: ShellSize): Promise<Shell> {
    return openDockerShell({ container: await this.container(id), workdir: this.workspace, size, exec: (command, options) => this.exec(id, command, options) });
  }

  /**
   * Makes a stopped sandbox again on the node that holds its volumes (its images, containers
   * and files), as a new task of its service pinned there, and resolves once its engine answers.
   * A sandbox whose node is down cannot be: its learner gets a fresh one elsewhere.
   */
  async revive(id: string): Promise<void> {
    const home = await this.homeOf(id);
    if (!home?.node) throw new SandboxError(`Sandbox ${id} has no node to be made again on.`, 'not_found');
    const { manager } = this.options.endpoints;
    const service = manager.getService(names.sandboxContainer(this.options.config.instance, id));
    const current = (await service.inspect()) as { Version: { Index: number }; Spec: { TaskTemplate?: { ForceUpdate?: number } } };
    const spec = sandboxServiceSpec(this.options.config, { id, image: this.image!, nodeId: home.nodeId }) as unknown as { TaskTemplate: { ForceUpdate?: number } };
    // A forced update replaces the stopped task (no restart policy would) with one on the pinned node.
    spec.TaskTemplate.ForceUpdate = (current.Spec.TaskTemplate?.ForceUpdate ?? 0) + 1;
    this.placements.delete(id);
    this.engines.delete(id);
    const before = new Set((await this.tasksOf(id)).map((t) => t.ID));
    await service.update({ version: current.Version.Index, ...spec });
    const placement = await this.waitRunning(id, before);
    this.placements.set(id, placement);
    await this.firewalls.ensure({ id: placement.nodeId, hostname: placement.hostname, client: placement.node }, this.image!);
    await this.waitEngine(id);
  }

  /** Why a sandbox does not run, in plain words; undefined while it runs. */
  async whyStopped(id: string): Promise<StopReason | undefined> {
    const task = latest(await this.tasksOf(id));
    if (!task) return { words: 'its service was removed', asked: false };
    const node = await this.nodeById(task.NodeID);
    if (node && node.Status.State !== 'ready') return { words: `the machine it ran on, ${node.Description.Hostname}, stopped answering`, asked: false, unreachable: true };
    if (task.Status.State === 'running' && task.DesiredState === 'running') return undefined;
    if (task.Status.State === 'pending' || task.Status.State === 'assigned' || task.Status.State === 'preparing' || task.Status.State === 'starting') return undefined;
    const code = task.Status.ContainerStatus?.ExitCode;
    if (code === 137) return { words: 'it was killed', asked: false };
    // Its node's engine stopping sends it SIGTERM, as docker stop does: revived once the engine is back.
    if (code === 0 || code === 143 || task.DesiredState === 'shutdown') return { words: 'it was stopped', asked: true };
    return { words: code === undefined ? `its task ended (${task.Status.Err ?? task.Status.State})` : `its main process exited with code ${code}`, asked: false };
  }

  private nodeRestarted(nodeId: string): void {
    this.restartedNodes.add(nodeId);
    // Its rules may be gone with its engine or its machine: applied again before it is used.
    this.firewalls.forget(nodeId);
  }

  /** Whether a node's engine restarted (its events stream came back, or it was down and is ready) since the last call. */
  private takeRestarts(): boolean {
    const any = this.restartedNodes.size > 0;
    this.restartedNodes.clear();
    return any;
  }

  /** The nodes that take sandboxes now (ready, active, labelled for sandboxes and made ready by this installation), as last seen. */
  private machines(): Machine[] {
    const prepared = preparedLabel(this.options.config.instance);
    return this.nodesSeen
      .filter((n) => n.Status.State === 'ready' && n.Spec.Availability === 'active' && n.Spec.Labels?.[SANDBOX_NODE_LABEL] === 'true' && n.Spec.Labels?.[prepared] === 'true')
      .map((n) => ({ name: n.Description.Hostname, cpus: (n.Description.Resources?.NanoCPUs ?? 0) / 1e9, memoryBytes: n.Description.Resources?.MemoryBytes ?? 0 }));
  }

  /** The node each sandbox runs on, by hostname (for tests and the instructor's view). */
  nodeOf(id: string): string | undefined {
    return this.placements.get(id)?.hostname;
  }

  private async container(id: string): Promise<Docker.Container> {
    const { node, containerId } = await this.placementOf(id);
    return node.getContainer(containerId);
  }

  private async placementOf(id: string): Promise<Placement> {
    const known = this.placements.get(id);
    if (known) return known;
    const found = await this.locate(id);
    this.placements.set(id, found);
    return found;
  }

  /** The node that holds a sandbox's volumes: the one its latest task was placed on. */
  private async homeOf(id: string): Promise<{ nodeId: string; hostname: string; node: Docker | undefined } | undefined> {
    const task = latest((await this.tasksOf(id)).filter((t) => t.NodeID));
    if (!task) return undefined;
    const node = await this.nodeById(task.NodeID);
    return { nodeId: task.NodeID, hostname: node?.Description.Hostname ?? task.NodeID, node: node && this.clientOf(node) };
  }

  /** The running task of a sandbox's service: its node and container. */
  private async locate(id: string): Promise<Placement> {
    const tasks = await this.tasksOf(id);
    const running = tasks.find((t) => t.Status.State === 'running' && t.Status.ContainerStatus?.ContainerID);
    if (!running) throw new SandboxError(`Sandbox ${id} is not running in the swarm${tasks[0] ? ` (its task is ${tasks[0].Status.State}${tasks[0].Status.Err ? `: ${tasks[0].Status.Err}` : ''})` : ''}.`, 'not_found');
    return this.placementFor(running);
  }

  private async placementFor(task: SwarmTask): Promise<Placement> {
    const node = await this.nodeById(task.NodeID);
    const hostname = node?.Description.Hostname ?? task.NodeID;
    const client = node && this.clientOf(node);
    if (!client) throw new SandboxError(`The sandbox runs on node ${hostname}, whose engine the server has no endpoint for.`, 'engine_unavailable');
    return { node: client, containerId: task.Status.ContainerStatus!.ContainerID!, nodeId: task.NodeID, hostname };
  }

  /** A node as last seen, or as the manager lists it now when it was not seen yet. */
  private async nodeById(nodeId: string): Promise<SwarmNodeInfo | undefined> {
    return this.nodesSeen.find((n) => n.ID === nodeId) ?? (await this.refreshNodes()).find((n) => n.ID === nodeId);
  }

  private clientOf(node: SwarmNodeInfo): Docker | undefined {
    return this.options.endpoints.node({ hostname: node.Description.Hostname, addr: node.Status.Addr });
  }

  private async tasksOf(id: string): Promise<SwarmTask[]> {
    const name = names.sandboxContainer(this.options.config.instance, id);
    return (await this.options.endpoints.manager.listTasks({ filters: JSON.stringify({ service: [name] }) })) as SwarmTask[];
  }

  private async refreshNodes(): Promise<SwarmNodeInfo[]> {
    this.nodesSeen = ((await this.options.endpoints.manager.listNodes()) as SwarmNodeInfo[]).sort((a, b) => a.Description.Hostname.localeCompare(b.Description.Hostname));
    for (const node of this.nodesSeen) {
      const client = this.clientOf(node);
      const before = this.nodeStates.get(node.ID);
      this.nodeStates.set(node.ID, node.Status.State);
      if (before !== undefined && before !== 'ready' && node.Status.State === 'ready') this.nodeRestarted(node.ID);
      if (node.Status.State === 'ready') {
        if (client) this.signals.watchNode(client);
        continue;
      }
      this.firewalls.forget(node.ID);
      if (client) this.signals.unwatchNode(client);
    }
    return this.nodesSeen;
  }

  /** Waits for the service's task (a new one: none of `earlier`) to run; a task no node has room for is the swarm being full. */
  private async waitRunning(id: string, earlier = new Set<string>()): Promise<Placement> {
    const started = Date.now();
    let last: SwarmTask | undefined;
    while (Date.now() - started < TASK_TIMEOUT_MS) {
      last = latest((await this.tasksOf(id)).filter((t) => !earlier.has(t.ID)));
      const state = last?.Status.State;
      if (state === 'running' && last?.Status.ContainerStatus?.ContainerID) return this.placementFor(last);
      if (state === 'rejected' || state === 'failed' || state === 'shutdown' || state === 'complete') {
        throw new SandboxError(`The swarm could not start the sandbox: ${last?.Status.Err ?? last?.Status.Message ?? state}.`, 'create_failed');
      }
      if (state === 'pending' && /no suitable node/i.test(last?.Status.Err ?? '') && Date.now() - started > NO_ROOM_MS) {
        throw new SandboxError(`Every machine of the swarm is full (${last!.Status.Err}). Ask the instructor, or try again when someone leaves.`, 'capacity');
      }
      await sleep(POLL_MS);
    }
    throw new SandboxError(`The sandbox did not start within ${TASK_TIMEOUT_MS / 1000} s (its task is ${last?.Status.State ?? 'not there'}).`, 'create_failed');
  }

  /** Waits until the sandbox's own engine answers through its tunnel. */
  private async waitEngine(id: string): Promise<void> {
    const deadline = Date.now() + ENGINE_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (await this.engine(id).ping().then(() => true, () => false)) return;
      await sleep(POLL_MS * 2);
    }
    throw new SandboxError(`The sandbox's Docker Engine did not answer within ${ENGINE_TIMEOUT_MS / 1000} s.`, 'create_failed');
  }
}

/** The task created last. */
function latest(tasks: SwarmTask[]): SwarmTask | undefined {
  return tasks.reduce<SwarmTask | undefined>((last, task) => (!last || task.CreatedAt > last.CreatedAt ? task : last), undefined);
}

function ignoreMissing(err: { statusCode?: number }): void {
  if (err.statusCode !== 404) throw err;
}
