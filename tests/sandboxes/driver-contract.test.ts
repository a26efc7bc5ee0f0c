// The driver contract (support/driver-contract.ts) on the docker driver, on this machine's
// engine: the same cases the swarm driver passes on the three-node fixture (tests/swarm/).
import { after, before, describe } from 'node:test';
import Docker from 'dockerode';
import { LABEL } from '../../sandbox-server/labels.js';
import { createLogger } from '../../sandbox-server/log.js';
import { DockerSandboxDriver } from '../../sandbox-server/sandboxes/docker/driver.js';
import { driverContract } from '../support/driver-contract.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

describe('the docker driver', () => {
  const docker = new Docker();
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    if (server) await stopAndClean(server);
  });

  driverContract('docker', () => ({
    driver: server.driver,
    restarted: () => new DockerSandboxDriver(server.config, new Docker(), createLogger('silent')),
    async leftovers(id) {
      const filters = JSON.stringify({ label: [`${LABEL.instance}=${server.config.instance}`, `${LABEL.sandbox}=${id}`] });
      const containers = await docker.listContainers({ all: true, filters });
      const { Volumes: volumes = [] } = await docker.listVolumes({ filters });
      return [...containers.map((c) => `container ${c.Names[0]}`), ...volumes.map((v) => `volume ${v.Name}`)];
    },
  }));
});
