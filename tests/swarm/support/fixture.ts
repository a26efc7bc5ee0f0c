// A real Docker Swarm of three nodes on this one machine, for the swarm driver's tests and for
// trying it by hand (`npm run swarm:fixture -- up` / `down`). Each node is a container of the
// project's own sandbox image running its own Docker Engine, with the rights a sandbox has (the
// trimmed capabilities, a cgroup namespace of its own), on a network of the fixture's own. The
// first node initialises the swarm and the others join it as workers; every node is labelled
// for sandboxes and gets the sandbox image loaded, so services of it start with no registry.
// Everything the fixture makes carries its installation's labels: `dispose` (or `down`, or
// `npm run clean`) removes it all, and a fixture left by a killed run is removed before a new one
// of the same name starts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { removeInstallation } from '../../../sandbox-server/clean/installation.js';
import { BASE_TAG } from '../../../sandbox-server/images/base.js';
import { expectedTag } from '../../../sandbox-server/images/build.js';
import { labels } from '../../../sandbox-server/labels.js';
import { OWN_CGROUP_NAMESPACE, TRIMMED_CAPABILITIES } from '../../../sandbox-server/sandboxes/docker/isolation.js';
import { copyImage, SANDBOX_NODE_LABEL } from '../../../sandbox-server/sandboxes/swarm/driver.js';

/** Addresses of the swarm's own networks: away from the host's, the nodes' and the sandboxes'. */
const SWARM_ADDRESS_POOL = '10.240.0.0/16';
/** The API version the nodes speak (Engine 26.1): Privileges on services need 1.44 or later. */
export const NODE_API_VERSION = 'v1.45';
const ENGINE_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 60_000;

export interface SwarmNode {
  /** The node container's name on this machine's engine. */
  container: string;
  /** Its host name, as the swarm lists it. */
  hostname: string;
  /** Its address on the fixture's network (where the swarm's nodes reach each other). */
  address: string;
  /** Its Docker Engine's socket on this machine (the node's /run/slipway). */
  socketPath: string;
  /** A client of its engine. */
  docker: Docker;
  role: 'manager' | 'worker';
  /** Its swarm node id. */
  id: string;
}

export interface SwarmFixture {
  /** The installation name its Docker objects are labelled with. */
  instance: string;
  nodes: SwarmNode[];
  manager: SwarmNode;
  /** The sandbox image, loaded into every node. */
  image: string;
  /** This machine's address on the nodes' network: where they reach a server running here (SLIPWAY_SWARM_ADVERTISE). */
  hostAddress: string;
  /** Removes every node, volume, network and folder the fixture made. */
  dispose(): Promise<void>;
}

export interface FixtureOptions {
  /** Installation name (labels, container names); default "swarmfix". */
  instance?: string;
  /** How many nodes, the first a manager; default 3. */
  nodes?: number;
  /** Lines of progress, for a person waiting at a terminal. */
  progress?: (line: string) => void;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, timeoutMs: number, look: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await look().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`swarm fixture: ${what} did not happen within ${timeoutMs / 1000} s`);
    await wait(100);
  }
}

/** Where the fixture keeps its nodes' socket folders and engine settings on this machine. */
const folderOf = (instance: string) => path.join(os.tmpdir(), `slipway-${instance}`);

export async function startSwarmFixture(options: FixtureOptions = {}): Promise<SwarmFixture> {
  const instance = options.instance ?? 'swarmfix';
  const count = options.nodes ?? 3;
  const progress = options.progress ?? (() => undefined);
  if (!/^[a-z][a-z0-9]{0,11}$/.test(instance)) throw new Error(`swarm fixture: an instance name is 1 to 12 lower-case letters and digits, starting with a letter, not "${instance}"`);
  if (!Number.isInteger(count) || count < 1 || count > 5) throw new Error(`swarm fixture: 1 to 5 nodes, not ${count}`);
  const docker = new Docker();
  const image = await expectedTag(docker, 'sandbox', 'slipway/sandbox', BASE_TAG);
  if (!image || !(await docker.getImage(image).inspect().then(() => true, () => false))) {
    throw new Error('swarm fixture: the sandbox image is not on this engine; start Slipway once (npm start) or run the tests, which build it');
  }
  await removeSwarmFixture(instance);
  const folder = folderOf(instance);
  fs.mkdirSync(folder, { recursive: true });
  const dispose = async () => removeSwarmFixture(instance);
  try {
    const network = await docker.createNetwork({ Name: `slipway-${instance}-nodes`, Driver: 'bridge', Labels: labels(instance, 'node') });
    const hostAddress = ((await network.inspect()) as { IPAM?: { Config?: Array<{ Gateway?: string }> } }).IPAM?.Config?.[0]?.Gateway;
    if (!hostAddress) throw new Error("swarm fixture: the nodes' network has no gateway address");
    // The nodes' engines: a cgroup namespace of their own for the containers they run, and no
    // traffic between containers on one node but through published ports (icc off), as the
    // swarm driver expects of an operator's nodes.
    const settings = path.join(folder, 'daemon.json');
    fs.writeFileSync(settings, JSON.stringify({ 'default-cgroupns-mode': 'private', icc: false }));
    progress(`starting ${count} node engines`);
    const nodes = await Promise.all(Array.from({ length: count }, (_, i) => startNode(docker, { instance, index: i + 1, image, network: network.id, folder, settings })));
    const [first, ...others] = nodes;
    progress('forming the swarm');
    await first!.docker.swarmInit({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: first!.address, DefaultAddrPool: [SWARM_ADDRESS_POOL], SubnetSize: 24 });
    const tokens = ((await first!.docker.swarmInspect()) as { JoinTokens: { Worker: string } }).JoinTokens;
    await Promise.all(others.map((node) => node.docker.swarmJoin({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: node.address, RemoteAddrs: [`${first!.address}:2377`], JoinToken: tokens.Worker })));
    const listed = await until('every node Ready', READY_TIMEOUT_MS, async () => {
      const all = (await first!.docker.listNodes()) as Array<{ ID: string; Version: { Index: number }; Spec: Record<string, unknown> & { Labels?: Record<string, string> }; Status: { State: string; Addr: string } }>;
      return all.length === count && all.every((n) => n.Status.State === 'ready') ? all : undefined;
    });
    const swarmNodes: SwarmNode[] = [];
    for (const [i, node] of nodes.entries()) {
      const entry = listed.find((n) => n.Status.Addr === node.address);
      if (!entry) throw new Error(`swarm fixture: node ${node.container} (${node.address}) is not in the swarm's node list`);
      await first!.docker.getNode(entry.ID).update({ version: entry.Version.Index, ...entry.Spec, Labels: { ...(entry.Spec.Labels ?? {}), [SANDBOX_NODE_LABEL]: 'true' } });
      swarmNodes.push({ ...node, role: i === 0 ? 'manager' : 'worker', id: entry.ID });
    }
    progress(`loading ${image} into every node`);
    await Promise.all(swarmNodes.map((node) => copyImage(docker, node.docker, image)));
    return { instance, nodes: swarmNodes, manager: swarmNodes[0]!, image, hostAddress, dispose };
  } catch (err) {
    await dispose().catch(() => undefined);
    throw err;
  }
}

/** Removes a fixture's nodes (with their volumes), its network and its folder; nothing when there is none. */
export async function removeSwarmFixture(instance = 'swarmfix'): Promise<void> {
  const outcome = await removeInstallation(new Docker(), instance);
  fs.rmSync(folderOf(instance), { recursive: true, force: true });
  if (outcome.failed.length) throw new Error(`swarm fixture: could not remove ${outcome.failed.map((f) => `${f.kind} ${f.name}: ${f.reason}`).join('; ')}`);
}

async function startNode(docker: Docker, where: { instance: string; index: number; image: string; network: string; folder: string; settings: string }): Promise<Omit<SwarmNode, 'role' | 'id'>> {
  const { instance, index, image, network, folder, settings } = where;
  const name = `slipway-${instance}-node${index}`;
  const socketDir = path.join(folder, `node${index}`);
  fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  const volume = `${name}-docker`;
  await docker.createVolume({ Name: volume, Labels: labels(instance, 'node') });
  const container = await docker.createContainer({
    name,
    Image: image,
    Hostname: `node${index}`,
    Labels: labels(instance, 'node'),
    Env: [
      // Each node's own networks, apart from the other nodes' and from the sandboxes' inside.
      `SLIPWAY_INNER_BIP=10.250.${index}.1/24`,
      `SLIPWAY_INNER_POOL=10.${240 + index}.0.0/16`,
      // Services of an image the node holds start without asking a registry for it.
      'DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1',
    ],
    HostConfig: {
      ...TRIMMED_CAPABILITIES,
      ...OWN_CGROUP_NAMESPACE,
      Init: true,
      NetworkMode: network,
      Binds: [`${socketDir}:/run/slipway`, `${settings}:/etc/docker/daemon.json:ro`],
      Mounts: [{ Type: 'volume', Source: volume, Target: '/var/lib/docker' }],
    } as Docker.HostConfig,
  });
  await container.start();
  const socketPath = path.join(socketDir, 'docker.sock');
  const client = new Docker({ socketPath, version: NODE_API_VERSION });
  await until(`the engine of ${name}`, ENGINE_TIMEOUT_MS, async () => ((await client.ping()) ? true : undefined));
  const info = await container.inspect();
  const address = Object.values(info.NetworkSettings.Networks)[0]?.IPAddress;
  if (!address) throw new Error(`swarm fixture: ${name} has no address on the fixture's network`);
  return { container: name, hostname: `node${index}`, address, socketPath, docker: client };
}
