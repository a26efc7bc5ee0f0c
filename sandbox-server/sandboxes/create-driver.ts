// Picks the sandbox driver the configuration names: `docker` (a Docker-in-Docker container per
// learner, the default), `swarm` (the same sandboxes as services of a Docker Swarm, over several
// machines) or `local` (shells on the host, for one person on their own machine).
// The server and `npm run lessons:verify` both start their drivers here.
import Docker from 'dockerode';
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import { DockerSandboxDriver } from './docker/driver.js';
import type { SandboxDriver } from './driver.js';
import { LocalSandboxDriver } from './local/driver.js';
import { SwarmSandboxDriver } from './swarm/driver.js';
import { configuredEndpoints } from './swarm/endpoints.js';

export function createDriver(config: Config, log: Logger): SandboxDriver {
  switch (config.driver) {
    case 'local':
      return new LocalSandboxDriver(config);
    case 'swarm':
      return new SwarmSandboxDriver({ config, endpoints: configuredEndpoints(config), builder: new Docker(), log });
    case 'docker':
      return new DockerSandboxDriver(config, new Docker(), log);
  }
}
