// For the fast specs: a whole Slipway server, built by the same composition root main.ts uses,
// on the FAKE driver (./driver.ts) with a real SQLite store in a temporary data folder, listening
// on a free loopback port. Only the driver is fake. Never used by the server itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../log.js';
import { createSlipwayServer, type SlipwayServer } from '../../server.js';
import type { SandboxRow } from '../../store/sandboxes.js';
import { FakeSandboxDriver, type FakeDriverOptions } from './driver.js';

/** Small lessons made for tests (two lessons of a few steps). */
export const FIXTURE_LESSONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../tests/fixtures/lessons');

export interface FakeServer {
  server: SlipwayServer;
  driver: FakeSandboxDriver;
  /** http://127.0.0.1:PORT */
  url: string;
  /** The sandbox rows of the store, live and ended. */
  rows(): SandboxRow[];
  row(id: string): SandboxRow | undefined;
  /** Stops the server and deletes its data folder. */
  stop(): Promise<void>;
}

/**
 * Starts a server on a fake driver. `env` overrides settings as the environment would
 * (SLIPWAY_POOL_SIZE is 0 unless given). Logs go nowhere unless LOG_LEVEL says otherwise.
 */
export async function startFakeServer(env: Record<string, string> = {}, driverOptions: FakeDriverOptions = {}): Promise<FakeServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-spec-'));
  const config = loadConfig([], {
    SLIPWAY_INSTANCE: 'spec',
    SLIPWAY_DATA_DIR: dataDir,
    SLIPWAY_LESSONS_DIR: FIXTURE_LESSONS,
    HOST: '127.0.0.1',
    PORT: '0',
    SLIPWAY_POOL_SIZE: '0',
    SLIPWAY_STANDBY: '0',
    // The temporary folder's free space is not what these tests are about.
    SLIPWAY_MIN_FREE_DISK: '1m',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...env,
  });
  const driver = new FakeSandboxDriver(driverOptions);
  const server = createSlipwayServer(config, { driver, log: createLogger(config.logLevel), siteDir: path.join(dataDir, 'no-site') });
  let url: string;
  try {
    url = await server.start(() => undefined);
  } catch (err) {
    await server.stop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    server,
    driver,
    url,
    rows: () => server.db.prepare('SELECT * FROM sandboxes ORDER BY created_at, id').all() as SandboxRow[],
    row: (id) => server.db.prepare('SELECT * FROM sandboxes WHERE id = ?').get(id) as SandboxRow | undefined,
    async stop() {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until `condition` holds, looking every few milliseconds; fails after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
