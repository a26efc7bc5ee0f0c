// Doctor's look at a swarm, for driver swarm: the manager answers and is one; nodes are labelled
// for sandboxes; and for each such node, that the server reaches its engine, that it is recent
// enough, runs containers in cgroup namespaces of their own, keeps containers on its bridge
// apart (icc off), and runs the image mirror. One line per node, naming what to fix there.
import type Docker from 'dockerode';
import type { Config } from '../config/config.js';
import { MIRROR_CONTAINER } from '../images/mirror.js';
import { configuredEndpoints } from '../sandboxes/swarm/endpoints.js';
import { sandboxBridge } from '../sandboxes/swarm/node-firewall.js';
import { MIN_NODE_API, nodeApiTooOld, SANDBOX_NODE_LABEL } from '../sandboxes/swarm/service-spec.js';
import type { Finding } from './checks.js';

interface NodeInfo {
  ID: string;
  Spec: { Role: string; Availability: string; Labels?: Record<string, string> };
  Description: { Hostname: string };
  Status: { State: string; Addr: string };
}

export async function checkSwarm(config: Config): Promise<Finding[]> {
  let endpoints: ReturnType<typeof configuredEndpoints>;
  try {
    endpoints = configuredEndpoints(config);
  } catch (err) {
    return [{ status: 'fail', what: 'Swarm', detail: (err as Error).message }];
  }
  let nodes: NodeInfo[];
  try {
    await endpoints.manager.swarmInspect();
    nodes = (await endpoints.manager.listNodes()) as NodeInfo[];
  } catch (err) {
    return [{ status: 'fail', what: 'Swarm manager', detail: `${config.swarmManager} is not a swarm manager or does not answer: ${(err as Error).message}`, fix: 'Point SLIPWAY_SWARM_MANAGER at a manager (docker swarm init on it, docker node ls to see).' }];
  }
  const managers = nodes.filter((n) => n.Spec.Role === 'manager').length;
  const findings: Finding[] = [{ status: 'ok', what: 'Swarm manager', detail: `${config.swarmManager}: a swarm of ${nodes.length} node(s), ${managers} manager(s)` }];
  const labelled = nodes.filter((n) => n.Spec.Labels?.[SANDBOX_NODE_LABEL] === 'true');
  if (!labelled.length) {
    findings.push({ status: 'fail', what: 'Swarm nodes', detail: 'no node is labelled for sandboxes', fix: `docker node update --label-add ${SANDBOX_NODE_LABEL}=true NODE, on a manager, for each node that runs sandboxes.` });
    return findings;
  }
  for (const node of labelled) findings.push(await checkNode(node, endpoints.node({ hostname: node.Description.Hostname, addr: node.Status.Addr })));
  findings.push(
    config.swarmAdvertise
      ? { status: 'ok', what: 'Workshop registry', detail: `on this machine; the nodes' mirrors relay to ${config.swarmAdvertise}:${config.mirrorPort}` }
      : { status: 'warn', what: 'Workshop registry', detail: 'off on the swarm: learners cannot push images', fix: "Set SLIPWAY_SWARM_ADVERTISE to this machine's address the nodes reach." },
  );
  return findings;
}

async function checkNode(node: NodeInfo, client: Docker | undefined): Promise<Finding> {
  const hostname = node.Description.Hostname;
  const what = `Swarm node ${hostname}`;
  if (node.Status.State !== 'ready') return { status: 'warn', what, detail: `${node.Status.State}: takes no sandbox now` };
  if (!client) return { status: 'fail', what, detail: 'SLIPWAY_SWARM_NODES names no endpoint for its engine', fix: `Add ${hostname}=ENDPOINT, or a *=tcp://{addr}:2376 template, to SLIPWAY_SWARM_NODES.` };
  const version = (await client.version().catch((err: Error) => err)) as { Version?: string; ApiVersion?: string } | Error;
  if (version instanceof Error) return { status: 'fail', what, detail: `its engine does not answer at its endpoint: ${version.message}`, fix: 'Check the endpoint, the TLS files (SLIPWAY_SWARM_TLS) and that its engine listens there.' };
  if (nodeApiTooOld(version.ApiVersion ?? '0')) return { status: 'fail', what, detail: `Docker Engine ${version.Version} (API ${version.ApiVersion}) is older than API ${MIN_NODE_API}`, fix: 'Upgrade its engine to Docker Engine 25 or newer: sandboxes need its service Privileges settings.' };
  const info = (await client.info()) as { SecurityOptions?: string[]; CgroupVersion?: string };
  if (!(info.SecurityOptions ?? []).some((o) => o.includes('name=cgroupns'))) {
    return { status: 'fail', what, detail: 'its containers share the host cgroup namespace', fix: 'Set "default-cgroupns-mode": "private" in its /etc/docker/daemon.json and restart its engine: a nested engine needs a cgroup namespace of its own.' };
  }
  try {
    await sandboxBridge({ id: node.ID, hostname, client });
  } catch (err) {
    return { status: 'fail', what, detail: (err as Error).message };
  }
  const mirror = await client.getContainer(MIRROR_CONTAINER).inspect().catch(() => undefined);
  const availability = node.Spec.Availability === 'active' ? '' : `, ${node.Spec.Availability}: takes no new sandbox`;
  if (!mirror?.State.Running) return { status: 'warn', what, detail: `Docker Engine ${version.Version}, cgroup v${info.CgroupVersion ?? '1'}, icc off; no image mirror runs there yet${availability}`, fix: 'Start the server once: it copies the images and starts the mirror on each node.' };
  return { status: 'ok', what, detail: `Docker Engine ${version.Version}, cgroup v${info.CgroupVersion ?? '1'}, icc off, image mirror running${availability}` };
}
