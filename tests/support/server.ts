// Starts a real Slipway server in-process against the real engine, with its own data folder.
// Test files run side by side on one engine, so each file process is an installation of its own
// (named after its process unless the test names one; a name a test gives must be its file's
// alone); stopping a server removes everything its installation has on the engine, its sandbox
// network included, and the final test names whatever a failed test left.
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
 * This file process's installation, unless SLIPWAY_TEST_INSTANCE names one. Short, because the
 * sandbox bridge's name is made from it and holds 15 characters: "t" and the process id.
 */
export const TEST_INSTANCE = process.env.SLIPWAY_TEST_INSTANCE ?? `t${process.pid.toString(36)}`;

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
    SLIPWAY_STANDBY: '0',
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

/**
 * For tests that run lessons:verify, each file as an installation of its own (--instance): it
 * removes its sandboxes when it ends and leaves its network for the next run, which this removes.
 */
export async function removeLessonsVerifyNetwork(instance: string, docker = new Docker()): Promise<void> {
  recordTestInstance(instance);
  if ((await docker.listContainers({ all: true, filters: instanceFilter(instance) })).length > 0) return;
  // The final test tells a network really left behind.
  await removeInstallation(docker, instance);
}

/** Removes every object of a test installation; one that cannot be removed fails the test that made it. */
export async function removeTestInstallation(instance: string, docker = new Docker()): Promise<void> {
  const { failed } = await removeInstallation(docker, instance);
  if (failed.length > 0) throw new Error(`Could not remove what installation "${instance}" left: ${failed.map((f) => `${f.kind} ${f.name}: ${f.reason}`).join('; ')}`);
}
