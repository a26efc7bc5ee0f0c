// The Swarm service a sandbox is, for the swarm driver: one task, never restarted (a sandbox that
// dies is told to its learner, not silently replaced by an empty one), the rights the nested
// engine needs (the trimmed capabilities; seccomp and AppArmor off through Privileges, which
// needs API 1.44 on the nodes), memory and process limits, a CPU reservation by which Swarm
// places it (every node advertises the whole machine's memory when nodes share one, so CPUs are
// what fills a node), a labelled volume for the nested engine's data, and the node's own bridge
// network with DNS round robin (Swarm's virtual IPs need IPVS, which not every kernel has).
// The nested engine's data and the learner's workspace are volumes on the node, so that a
// sandbox made again there (after the node's engine restarted) has its images and files.
// Only nodes labelled for sandboxes take one.
import type Docker from 'dockerode';
import type { Config } from '../../config/config.js';
import { labels, names } from '../../labels.js';
import { PYTHON_INDEX_HOST, WORKSHOP_REGISTRY } from '../docker/container-spec.js';

/** The node label that admits sandboxes: `docker node update --label-add io.slipway.sandboxes=true NODE`. */
export const SANDBOX_NODE_LABEL = 'io.slipway.sandboxes';

/** The node label this installation sets on the nodes it made ready (images, mirror, firewall): only those take its sandboxes. */
export const preparedLabel = (instance: string) => `io.slipway.prepared.${instance}`;

/** The learner's workspace in the sandbox. */
export const WORKSPACE = '/root/workshop';

/** The API version a node must speak for Privileges' seccomp and AppArmor modes. */
export const MIN_NODE_API = '1.44';

/** Whether a node's engine (its API version, as "1.45") is too old for sandbox services. */
export function nodeApiTooOld(apiVersion: string): boolean {
  const [major = 0, minor = 0] = apiVersion.split('.').map(Number);
  const [needMajor = 0, needMinor = 0] = MIN_NODE_API.split('.').map(Number);
  return major < needMajor || (major === needMajor && minor < needMinor);
}

export interface ServicePlace {
  id: string;
  image: string;
  /** Pin to one node (revival next to the volumes that hold the sandbox's images and files). */
  nodeId?: string;
}

export function sandboxServiceSpec(config: Pick<Config, 'instance' | 'sandboxMemory' | 'sandboxCpus' | 'sandboxPids' | 'innerSubnet' | 'innerPool' | 'mirrorPort' | 'egress'>, place: ServicePlace): Docker.CreateServiceOptions {
  const { instance } = config;
  const own = labels(instance, 'sandbox', place.id);
  const spec = {
    Name: names.sandboxContainer(instance, place.id),
    Labels: own,
    TaskTemplate: {
      ContainerSpec: {
        Image: place.image,
        Hostname: 'sandbox',
        Labels: own,
        Env: [
          `SLIPWAY_INNER_BIP=${config.innerSubnet}`,
          `SLIPWAY_INNER_POOL=${config.innerPool}`,
          `SLIPWAY_ENGINE_PROCS=${Math.max(1, Math.ceil(config.sandboxCpus))}`,
          // Its node's image mirror, on the gateway of the node's bridge (node-images.ts), which
          // the sandbox finds when it starts: the nodes' bridges need not share addresses.
          `SLIPWAY_MIRROR=gateway:${config.mirrorPort + 1}`,
          ...(config.egress ? [] : ['SLIPWAY_DNS=gateway']),
          // The workshop registry, through the relay in the node's mirror, under the name its DNS gives the gateway.
          `SLIPWAY_REGISTRY_HOST=${WORKSHOP_REGISTRY}:${config.mirrorPort}`,
          `SLIPWAY_GATEWAY_NAMES=${WORKSHOP_REGISTRY} ${PYTHON_INDEX_HOST}`,
        ],
        CapabilityAdd: ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN', 'CAP_SYS_PTRACE'],
        Privileges: { Seccomp: { Mode: 'unconfined' }, AppArmor: { Mode: 'disabled' } },
        Init: true,
        Mounts: [
          { Type: 'volume', Source: names.sandboxVolume(instance, place.id), Target: '/var/lib/docker', VolumeOptions: { NoCopy: false, Labels: own, DriverConfig: { Name: 'local', Options: {} } } },
          { Type: 'volume', Source: names.workspaceVolume(instance, place.id), Target: WORKSPACE, VolumeOptions: { NoCopy: false, Labels: own, DriverConfig: { Name: 'local', Options: {} } } },
        ],
      },
      Resources: {
        Limits: { MemoryBytes: config.sandboxMemory, NanoCPUs: Math.round(config.sandboxCpus * 1e9), Pids: config.sandboxPids },
        Reservations: { NanoCPUs: Math.round(config.sandboxCpus * 1e9) },
      },
      RestartPolicy: { Condition: 'none' },
      Placement: { Constraints: [`node.labels.${SANDBOX_NODE_LABEL}==true`, `node.labels.${preparedLabel(instance)}==true`, ...(place.nodeId ? [`node.id==${place.nodeId}`] : [])] },
      Networks: [{ Target: 'bridge' }],
    },
    EndpointSpec: { Mode: 'dnsrr' },
  };
  // dockerode's types predate API 1.44, where Privileges gained Seccomp and AppArmor.
  return spec as unknown as Docker.CreateServiceOptions;
}
