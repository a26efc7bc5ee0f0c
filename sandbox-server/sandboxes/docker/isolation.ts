// How a sandbox container gets the rights its nested Docker Engine needs. Sysbox gives them
// without privilege; otherwise the sandbox is privileged-equivalent (documented in
// docs/security.md) and we grant as little as has been shown to work.
import type Docker from 'dockerode';
import { labels } from '../../labels.js';
import type { Logger } from '../../log.js';

export type IsolationMode = 'sysbox' | 'privileged' | 'capabilities';

/**
 * The smallest set proven to run the nested engine here (tests/sandboxes/capabilities.test.ts):
 * SYS_ADMIN for mounts and namespaces, NET_ADMIN for the inner bridges and iptables,
 * SYS_PTRACE for runc to join a container whose main process is not root (`docker exec` and
 * health checks in redis, postgres or any image with USER); the default seccomp profile blocks
 * keyctl, which runc needs for session keyrings; AppArmor's docker-default profile blocks
 * mount where AppArmor is active.
 */
export const TRIMMED_CAPABILITIES = {
  CapAdd: ['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE'],
  SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
};

/**
 * The sandbox gets a cgroup namespace of its own. Its entrypoint mounts the cgroup controllers
 * afresh for the nested engine; in the host's namespace that mount shows the host's whole tree,
 * so the nested engine made its containers' cgroups beside the sandbox instead of inside it,
 * and a fork bomb or memory hog run with `docker run` escaped the sandbox's pids and memory
 * limits. In a namespace of its own the sandbox's cgroup is the root it sees: everything the
 * nested engine starts counts against the sandbox's limits, and its device list too (so a
 * nested `--privileged` container, which needs every device, is refused in the capabilities
 * tier). Docker 20.10 (API 1.41) has the setting; on cgroup v2 it is the default anyway.
 */
export const OWN_CGROUP_NAMESPACE = { CgroupnsMode: 'private' } as const;

export type SandboxHostConfig = Docker.HostConfig & { CgroupnsMode?: 'private' | 'host' };

export function hostConfigFor(mode: IsolationMode): SandboxHostConfig {
  switch (mode) {
    case 'sysbox':
      return { Runtime: 'sysbox-runc' };
    case 'privileged':
      return { Privileged: true, ...OWN_CGROUP_NAMESPACE };
    case 'capabilities':
      return { ...TRIMMED_CAPABILITIES, ...OWN_CGROUP_NAMESPACE };
  }
}

/**
 * Picks the isolation mode: the configured one, or for "auto" sysbox when the engine has it,
 * else --privileged when this host allows it (some hosts lack capabilities in their bounding
 * set and refuse it), else the trimmed capability set. The probe carries `instance`'s labels.
 */
export async function detectIsolation(docker: Docker, image: string, wanted: 'auto' | IsolationMode, log: Logger, instance: string): Promise<IsolationMode> {
  const info = (await docker.info()) as { Runtimes?: Record<string, unknown> };
  const hasSysbox = Boolean(info.Runtimes && 'sysbox-runc' in info.Runtimes);
  if (wanted === 'sysbox' && !hasSysbox) {
    throw new Error('SLIPWAY_ISOLATION=sysbox, but the Docker Engine has no sysbox-runc runtime. Install Sysbox or choose another SLIPWAY_ISOLATION.');
  }
  if (wanted !== 'auto') return wanted;
  if (hasSysbox) return 'sysbox';
  const privilegedWorks = await probe(docker, image, { Privileged: true }, instance);
  log.info({ privilegedWorks }, 'probed --privileged for sandboxes');
  return privilegedWorks ? 'privileged' : 'capabilities';
}

/**
 * The sandbox image declares a VOLUME for the nested engine's data: a container made from it
 * without a mount there gets an anonymous volume, which outlives the container unless removed
 * with it. The probe mounts a tmpfs there instead, so it never has a volume at all, even when
 * the server dies before removing it; the removal takes anonymous volumes anyway.
 */
export const NO_VOLUME_FOR_ENGINE_DATA: Docker.MountConfig = [{ Type: 'tmpfs', Source: '', Target: '/var/lib/docker' }];

async function probe(docker: Docker, image: string, hostConfig: Docker.HostConfig, instance: string): Promise<boolean> {
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['true'],
    HostConfig: { ...hostConfig, NetworkMode: 'none', AutoRemove: false, Mounts: NO_VOLUME_FOR_ENGINE_DATA },
    Labels: labels(instance, 'probe'),
  });
  try {
    await container.start();
    const result = (await container.wait()) as { StatusCode: number };
    return result.StatusCode === 0;
  } catch {
    return false;
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}
