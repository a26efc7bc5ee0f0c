// Shared helpers for benchmark scripts: a real server on the real engine, and percentiles.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { removeInstallation } from '../sandbox-server/clean/installation.js';
import { loadConfig } from '../sandbox-server/config/config.js';
import { createLogger } from '../sandbox-server/log.js';
import { createSlipwayServer, type SlipwayServer } from '../sandbox-server/server.js';

export type Figures = Record<string, number>;

export interface Bench {
  /** Short name shown while it runs. */
  name: string;
  run(): Promise<Figures>;
}

export interface BenchServer extends SlipwayServer {
  url: string;
  dataDir: string;
  /** Stops the server and removes every sandbox it made, and its sandbox network. */
  dispose(): Promise<void>;
}

/**
 * "bench", unless SLIPWAY_TEST_INSTANCE names another: disposing a bench server removes its whole
 * installation from the engine, so two people running benches on one engine at once must not
 * share a name.
 */
export const BENCH_INSTANCE = process.env.SLIPWAY_TEST_INSTANCE ?? 'bench';

export async function startBenchServer(env: Record<string, string> = {}): Promise<BenchServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-'));
  const config = loadConfig([], {
    SLIPWAY_INSTANCE: BENCH_INSTANCE,
    SLIPWAY_DATA_DIR: dataDir,
    PORT: '0',
    SLIPWAY_IMAGES: 'offline',
    SLIPWAY_POOL_SIZE: '0',
    SLIPWAY_STANDBY: '0',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const server = createSlipwayServer(config, { log: createLogger('warn') });
  const url = await server.start(() => undefined);
  return Object.assign(server, {
    url,
    dataDir,
    async dispose() {
      await server.manager.stop();
      const backend = await server.driver.list();
      await Promise.all(backend.map((b) => server.driver.destroy(b.id)));
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (config.driver === 'docker') await removeInstallation(new Docker(), config.instance);
    },
  });
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 120_000, pollMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Follows the session's event stream until `signal` aborts, handing each event's type and JSON
 * data to `heard` the moment it arrives (performance.now() time): when the page would hear it.
 */
export async function followLearnerEvents(url: string, cookie: string, signal: AbortSignal, heard: (type: string, data: unknown, at: number) => void): Promise<void> {
  const stream = await fetch(`${url}/api/session/events`, { headers: { cookie }, signal });
  if (!stream.ok || !stream.body) throw new Error(`the event stream answered ${stream.status}`);
  void (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data) heard(type, JSON.parse(data), performance.now());
        }
      }
    } catch {
      // aborted at the end
    }
  })();
}

/** When each step first turns done on the session's event stream (by step id): the moment the page shows it green. */
export async function followStepsDone(url: string, cookie: string, signal: AbortSignal): Promise<Map<string, number>> {
  const arrived = new Map<string, number>();
  await followLearnerEvents(url, cookie, signal, (type, data, at) => {
    const { step } = data as { step?: { id: string; status: string } };
    if (type === 'step' && step?.status === 'done' && !arrived.has(step.id)) arrived.set(step.id, at);
  });
  return arrived;
}
