// Picks the sandbox driver the configuration names: `docker` (a Docker-in-Docker container per
// learner, the default) or `local` (shells on the host, for one person on their own machine).
// The server and `npm run lessons:verify` both start their drivers here.
import Docker from 'dockerode';
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import { DockerSandboxDriver } from './docker/driver.js';
import type { SandboxDriver } from './driver.js';
import { LocalSandboxDriver } from './local/driver.js';

export function createDriver(config: Config, log: Logger): SandboxDriver {
  return config.driver === 'local' ? new LocalSandboxDriver(config) : new DockerSandboxDriver(config, new Docker(), log);
}
