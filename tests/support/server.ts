// Starts a real Slipway server in-process against the real engine, with its own data folder.
// Tests share the instance name "test" and run one file at a time, so each start's reconcile
// also sweeps whatever an earlier, failed test left behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../sandbox-server/config/config.js';
import { createLogger } from '../../sandbox-server/log.js';
import { createSlipwayServer, type SlipwayServer } from '../../sandbox-server/server.js';
import { requireEngine } from './engine.js';

export const TEST_INSTANCE = 'test';

export interface TestServer extends SlipwayServer {
  url: string;
  dataDir: string;
}

export function testConfig(env: Record<string, string> = {}, dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-test-'))): Config {
  return loadConfig([], {
    SLIPWAY_INSTANCE: TEST_INSTANCE,
    SLIPWAY_DATA_DIR: dataDir,
    PORT: '0',
    SLIPWAY_IMAGES: 'offline',
    SLIPWAY_POOL_SIZE: '0',
    SLIPWAY_SANDBOX_MEMORY: '768m',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...env,
  });
}

export async function startTestServer(env: Record<string, string> = {}, dataDir?: string): Promise<TestServer> {
  await requireEngine();
  const config = testConfig(env, dataDir);
  const server = createSlipwayServer(config, { log: createLogger(config.logLevel) });
  const url = await server.start(() => undefined);
  return Object.assign(server, { url, dataDir: config.dataPath });
}

/** Stops the server and removes every sandbox it still has. */
export async function stopAndClean(server: TestServer): Promise<void> {
  const backend = await server.driver.list();
  await Promise.all(backend.map((b) => server.driver.destroy(b.id)));
  await server.stop();
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}
