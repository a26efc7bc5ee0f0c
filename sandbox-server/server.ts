// Composition root: wires configuration, store, driver, sandbox manager and HTTP together.
// main.ts runs it for operators; tests run it in-process.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Docker from 'dockerode';
import type { Config } from './config/config.js';
import { createApp, SITE_DIR } from './http/app.js';
import { sessionRoutes } from './http/session-routes.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics } from './metrics/metrics.js';
import { DockerSandboxDriver } from './sandboxes/docker/driver.js';
import { SandboxActivity } from './sandboxes/activity.js';
import type { SandboxDriver } from './sandboxes/driver.js';
import { LocalSandboxDriver } from './sandboxes/local/driver.js';
import { SandboxManager } from './sandboxes/manager.js';
import { Sessions } from './sessions/sessions.js';
import { openDatabase, type Db } from './store/database.js';
import { SandboxStore } from './store/sandboxes.js';
import { secret } from './store/secrets.js';
import { SessionStore } from './store/sessions.js';

export interface SlipwayServer {
  config: Config;
  log: Logger;
  db: Db;
  driver: SandboxDriver;
  manager: SandboxManager;
  sessions: Sessions;
  activity: SandboxActivity;
  /** Prepares images and sandboxes, then listens. Resolves with the site's URL. */
  start(progress?: (line: string) => void): Promise<string>;
  /** Stops listening and background work. Sandboxes stay up for the next start to re-adopt. */
  stop(): Promise<void>;
}

export function createDriver(config: Config, log: Logger): SandboxDriver {
  return config.driver === 'local' ? new LocalSandboxDriver(config) : new DockerSandboxDriver(config, new Docker(), log);
}

export function createSlipwayServer(config: Config, options: { log?: Logger; siteDir?: string } = {}): SlipwayServer {
  const log = options.log ?? createLogger(config.logLevel);
  const db = openDatabase(config.dataPath);
  const metrics = createMetrics();
  const driver = createDriver(config, log);
  const sandboxStore = new SandboxStore(db);
  const manager = new SandboxManager(config, driver, sandboxStore, metrics, log);
  const sessions = new Sessions(new SessionStore(db), sandboxStore, manager, driver.isolated);
  const activity = new SandboxActivity();
  let server: http.Server | undefined;

  const app = createApp({
    log,
    metrics,
    cookieSecret: secret(db, 'cookie'),
    siteDir: options.siteDir ?? SITE_DIR,
    routers: [sessionRoutes(sessions)],
    health: () => ({
      driver: driver.kind,
      isolated: driver.isolated,
      ...(driver instanceof DockerSandboxDriver ? { isolation: driver.state.isolation, images: driver.state.online ? 'online' : 'offline' } : {}),
      sandboxes: sandboxStore.countByState(),
      pool: { target: config.poolSize },
    }),
  });

  return {
    config,
    log,
    db,
    driver,
    manager,
    sessions,
    activity,
    async start(progress = (line) => log.info(line)) {
      await driver.prepare(progress);
      await manager.start();
      server = http.createServer(app);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(config.port, config.host, resolve);
      });
      const { port } = server.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server?.closeAllConnections();
      await manager.stop();
      db.close();
    },
  };
}
