// What a sandbox's engine holds, in the shape the lesson page's sandbox panel shows: the view
// Docker Desktop gives, read straight from the inner engine's API. The shape is the shared
// contract's (contract/session-api.ts).
import type Docker from 'dockerode';
import type { Inventory } from '../../contract/session-api.js';

const BUILT_IN_NETWORKS = new Set(['bridge', 'host', 'none']);

export async function readInventory(engine: Docker): Promise<Inventory> {
  const [containers, images, volumes, networks] = await Promise.all([
    engine.listContainers({ all: true }),
    engine.listImages(),
    engine.listVolumes(),
    engine.listNetworks(),
  ]);
  return {
    containers: containers.map((c) => {
      const project = c.Labels['com.docker.compose.project'];
      const service = c.Labels['com.docker.compose.service'];
      // The engine lists a port once per address family; the panel wants it once.
      const ports = new Map<string, { host: number; container: number; protocol: string }>();
      for (const p of c.Ports) if (p.PublicPort) ports.set(`${p.PublicPort}/${p.PrivatePort}/${p.Type}`, { host: p.PublicPort, container: p.PrivatePort, protocol: p.Type });
      return {
        id: c.Id.slice(0, 12),
        name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
        image: c.Image,
        state: c.State,
        status: c.Status,
        ports: [...ports.values()],
        ...(project && service ? { compose: { project, service } } : {}),
      };
    }),
    images: images
      .map((i) => ({ id: i.Id.replace(/^sha256:/, '').slice(0, 12), tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'), sizeBytes: i.Size, created: i.Created * 1000 }))
      .sort((a, b) => b.created - a.created),
    volumes: (volumes.Volumes ?? []).map((v) => {
      const compose = v.Labels?.['com.docker.compose.project'];
      return { name: v.Name, ...(compose ? { compose } : {}) };
    }),
    networks: networks.map((n) => ({ name: n.Name, driver: n.Driver, builtIn: BUILT_IN_NETWORKS.has(n.Name) })),
  };
}
