// Starts a real Slipway server in-process against the real engine, with its own data folder.
// Tests share the instance name "test" and run one file at a time, so each start's reconcile
// also sweeps whatever an earlier, failed test left behind; stopping one removes everything its
// installation has on the engine, its sandbox network included.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { removeInstallation } from '../../sandbox-server/clean/installation.js';
import { loadConfig, type Config } from '../../sandbox-server/config/config.js';
import { instanceFilter } from '../../sandbox-server/labels.js';
import { createLogger } from '../../sandbox-server/log.js';
import { createSlipwayServer, type ServerOptions, type SlipwayServer } from '../../sandbox-server/server.js';
import { requireEngine } from './engine.js';
import { recordTestInstance } from './test-run.js';

/**
 * "test", unless SLIPWAY_TEST_INSTANCE names another: two engineers running targeted tests on one
 * engine at once then stay out of each other's way (short: network names are made from it).
 */
export const TEST_INSTANCE = process.env.SLIPWAY_TEST_INSTANCE ?? 'test';

export interface TestServer extends SlipwayServer {
  url: string;
  dataDir: string;
}

export function testConfig(env: Record<string, string> = {}, dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-test-'))): Config {
  const config = loadConfig([], {
    SLIPWAY_INSTANCE: TEST_INSTANCE,
    SLIPWAY_DATA_DIR: dataDir,
    PORT: '0',
    SLIPWAY_IMAGES: 'offline',
    SLIPWAY_POOL_SIZE: '0',
    SLIPWAY_SANDBOX_MEMORY: '768m',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...env,
  });
  recordTestInstance(config.instance);
  return config;
}

export async function startTestServer(env: Record<string, string> = {}, dataDir?: string, options: Omit<ServerOptions, 'log'> = {}): Promise<TestServer> {
  await requireEngine();
  const config = testConfig(env, dataDir);
  const server = createSlipwayServer(config, { ...options, log: createLogger(config.logLevel) });
  const url = await server.start(() => undefined);
  return Object.assign(server, { url, dataDir: config.dataPath });
}

/**
 * Stops the server and removes every sandbox it still has, then what else its installation has on
 * the engine. Background work (pool fills, queued admissions, lessons opened ahead) settles first,
 * so none of it makes a sandbox while the others are being removed.
 */
export async function stopAndClean(server: TestServer): Promise<void> {
  await server.classroom.stop();
  await server.manager.stop();
  const backend = await server.driver.list();
  await Promise.all(backend.map((b) => server.driver.destroy(b.id)));
  await server.stop();
  fs.rmSync(server.dataDir, { recursive: true, force: true });
  if (server.config.driver === 'docker') await removeTestInstallation(server.config.instance);
}

/** The installation `npm run lessons:verify` runs as (sandbox-server/checks/verify-main.ts). */
export const LESSONS_VERIFY_INSTANCE = 'verify';

/**
 * For tests that run lessons:verify: it removes its sandboxes when it ends and leaves its
 * network for the next run, which this removes, unless another run of it (another test run on
 * this engine, an author) is using the installation right now.
 */
export async function removeLessonsVerifyNetwork(docker = new Docker()): Promise<void> {
  recordTestInstance(LESSONS_VERIFY_INSTANCE);
  if ((await docker.listContainers({ all: true, filters: instanceFilter(LESSONS_VERIFY_INSTANCE) })).length > 0) return;
  // A run that starts meanwhile keeps the network (the engine refuses to remove one in use);
  // the final test tells a network really left behind.
  await removeInstallation(docker, LESSONS_VERIFY_INSTANCE);
}

/** Removes every object of a test installation; one that cannot be removed fails the test that made it. */
export async function removeTestInstallation(instance: string, docker = new Docker()): Promise<void> {
  const { failed } = await removeInstallation(docker, instance);
  if (failed.length > 0) throw new Error(`Could not remove what installation "${instance}" left: ${failed.map((f) => `${f.kind} ${f.name}: ${f.reason}`).join('; ')}`);
}
