// A Slipway server as its own operating-system process (`node --import tsx sandbox-server/main.ts`),
// as an operator runs it: so that it can be killed with SIGKILL and started again on the same
// data folder and port, and so that its file descriptors, memory and CPU time are its own to read
// in /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Docker from 'dockerode';
import { removeTestInstallation } from '../../support/server.js';
import { recordTestInstance } from '../../support/test-run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const GC_PRELOAD = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'gc-on-signal.ts')).href;
/** The first start may build images; later ones take seconds. */
const START_TIMEOUT_MS = 10 * 60_000;
const READY_LINE = /Slipway is running at (http:\/\/\S+)/;
/** Marks the memory report gc-on-signal.ts prints after a forced collection. */
export const MEMORY_MARK = 'slipway-memory ';

export interface ServerProcessOptions {
  /** Must name the caller's own SLIPWAY_INSTANCE. */
  env: Record<string, string> & { SLIPWAY_INSTANCE: string };
  /** Reused on a restart; a new temporary folder otherwise. */
  dataDir?: string;
  /** Reused on a restart; a free loopback port otherwise. */
  port?: number;
  /** Starts node with --expose-gc and a SIGUSR2 handler that collects and reports memory. */
  gcOnSignal?: boolean;
}

export interface ProcessMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  instance: string;
  /** Everything the process wrote so far (standard output and error), for failure messages. */
  log(): string;
  /** Sends SIGKILL and waits for the process to be gone: a crash, as far as the server can tell. */
  kill(): Promise<void>;
  /** SIGTERM, as an operator stops it; waits for the exit. */
  stop(): Promise<void>;
  /** Forces a full garbage collection in the server and returns its memory then (needs gcOnSignal). */
  collect(): Promise<ProcessMemory>;
  readonly exited: boolean;
}

/** A TCP port free on loopback right now (the server binds it shortly after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  recordTestInstance(options.env.SLIPWAY_INSTANCE);
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `slipway-${options.env.SLIPWAY_INSTANCE}-`));
  const port = options.port ?? (await freePort());
  const args = [...(options.gcOnSignal ? ['--expose-gc'] : []), '--import', 'tsx', ...(options.gcOnSignal ? ['--import', GC_PRELOAD] : []), 'sandbox-server/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      HOST: '127.0.0.1',
      PORT: String(port),
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_IMAGES: 'offline',
      // As in-process test servers: no sandboxes on standby unless a test asks for them.
      SLIPWAY_STANDBY: '0',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited = false;
  // A test or soak that dies unexpectedly must not leave its server running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      process.off('exit', killOnExit);
      resolve();
    }),
  );
  const memoryWaiters: Array<(memory: ProcessMemory) => void> = [];
  const onText = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output += text;
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
    for (const line of text.split('\n')) {
      if (line.startsWith(MEMORY_MARK)) memoryWaiters.shift()?.(JSON.parse(line.slice(MEMORY_MARK.length)) as ProcessMemory);
    }
  };
  child.stdout!.on('data', onText);
  child.stderr!.on('data', onText);

  const url = await new Promise<string>((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const check = () => {
      const found = READY_LINE.exec(output);
      if (found) {
        ready = true;
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(found[1]!);
      }
    };
    function fail(why: string) {
      // Exiting later (a kill -9 on purpose) is no failure to start, and its data is kept.
      if (ready) return;
      clearTimeout(timer);
      child.kill('SIGKILL');
      // A folder made for this start holds nothing worth keeping yet.
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`The server process ${why}. Its output:\n${output.slice(-4000)}`));
    }
    child.stdout!.on('data', check);
    void exit.then(() => fail(`exited with code ${child.exitCode} before it was ready`));
  });

  return {
    url,
    port,
    pid: child.pid!,
    dataDir,
    instance: options.env.SLIPWAY_INSTANCE,
    log: () => output,
    get exited() {
      return exited;
    },
    kill: () => signal(child, 'SIGKILL', exit),
    stop: () => signal(child, 'SIGTERM', exit),
    collect() {
      if (!options.gcOnSignal) throw new Error('collect() needs a server started with gcOnSignal.');
      const reported = new Promise<ProcessMemory>((resolve) => memoryWaiters.push(resolve));
      child.kill('SIGUSR2');
      return withTimeout(reported, 30_000, 'the memory report after a forced collection');
    },
  };
}

async function signal(child: ChildProcess, name: NodeJS.Signals, exit: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(name);
  await withTimeout(exit, 60_000, `the server to exit after ${name}`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))),
  ]);
}

/**
 * Removes everything an instance has on the engine (sandbox containers and volumes, its sandbox
 * network and firewall rules) and its data folder. A server process leaves its sandboxes and
 * network up when it stops (the next start re-adopts them); a test or soak that is done with its
 * instance cleans up behind itself with this.
 */
export async function removeInstance(instance: string, dataDir?: string, docker = new Docker()): Promise<void> {
  await removeTestInstallation(instance, docker);
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}

/** Sandboxes by state, as GET /healthz reports them. */
export async function sandboxCounts(url: string): Promise<Record<string, number>> {
  const response = await fetch(`${url}/healthz`);
  if (!response.ok) throw new Error(`GET /healthz answered ${response.status}`);
  return ((await response.json()) as { sandboxes: Record<string, number> }).sandboxes;
}

/** Waits until the warm pool holds `count` ready sandboxes and none is being created. */
export async function waitForPool(url: string, count: number, timeoutMs = 10 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await sandboxCounts(url);
    if ((counts.pooled ?? 0) >= count && !counts.creating) return;
    if (Date.now() > deadline) throw new Error(`the pool did not reach ${count} ready sandboxes within ${timeoutMs / 1000} s: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
