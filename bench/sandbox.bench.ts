// Sandbox figures: how fast a learner gets a ready sandbox (from the pool and cold), the first
// `docker run hello-world`, idle memory, and create+destroy throughput.
import Docker from 'dockerode';
import { names } from '../sandbox-server/labels.js';
import { percentile, round, startBenchServer, waitUntil, type Bench, type BenchServer } from './support.js';

const SAMPLES = 10;
const docker = new Docker();

const pooledCount = (server: BenchServer) => (server.db.prepare(`SELECT COUNT(*) FROM sandboxes WHERE state = 'pooled'`).pluck().get() as number);

/**
 * Time until a new session holds a sandbox a shell runs in (the learner's prompt), and until its
 * engine answers too: engines start after the prompt (sandboxes/lifecycle/engines.ts).
 */
async function timeToReady(server: BenchServer): Promise<{ ms: number; engineMs: number; id: string }> {
  const started = performance.now();
  const row = await server.sessions.ensureSandbox(server.sessions.create());
  const shell = await server.driver.exec(row.id, ['true']);
  if (shell.exitCode !== 0) throw new Error(`a command in the new sandbox failed: ${shell.stderr}`);
  const ms = performance.now() - started;
  await server.manager.engines.start(row.id);
  await server.driver.engine(row.id).ping();
  return { ms, engineMs: performance.now() - started, id: row.id };
}

/** Memory as `docker stats` shows it: usage minus inactive page cache. */
async function statsMemoryMiB(containerName: string): Promise<number> {
  const stats = (await docker.getContainer(containerName).stats({ stream: false })) as { memory_stats: { usage: number; stats: Record<string, number> } };
  const { usage, stats: detail } = stats.memory_stats;
  const inactive = detail.total_inactive_file ?? detail.inactive_file ?? 0;
  return (inactive < usage ? usage - inactive : usage) / 1024 / 1024;
}

const bench: Bench = {
  name: 'sandboxes',
  async run() {
    const figures: Record<string, number> = {};

    const cold = await startBenchServer({ SLIPWAY_POOL_SIZE: '0' });
    try {
      const coldSamples: number[] = [];
      const engineSamples: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const { ms, engineMs, id } = await timeToReady(cold);
        coldSamples.push(ms);
        engineSamples.push(engineMs);
        await cold.manager.destroy(id, 'released');
      }
      figures['sandbox.cold_ready_ms.p50'] = round(percentile(coldSamples, 50));
      figures['sandbox.cold_ready_ms.p95'] = round(percentile(coldSamples, 95));
      figures['sandbox.cold_engine_ready_ms.p50'] = round(percentile(engineSamples, 50));
      figures['sandbox.cold_engine_ready_ms.p95'] = round(percentile(engineSamples, 95));

      const { id } = await timeToReady(cold);
      const started = performance.now();
      const result = await cold.driver.exec(id, ['docker', 'run', '--rm', 'hello-world'], { timeoutMs: 120_000 });
      if (result.exitCode !== 0) throw new Error(`hello-world failed: ${result.stderr}`);
      figures['sandbox.hello_world_ms.p50'] = round(performance.now() - started);

      // The learner's first command is `docker run hello-world`, typed the moment the prompt
      // appears: it waits for the engine (docker-shim) and is done this long after the join.
      const firstStarted = performance.now();
      const first = await cold.sessions.ensureSandbox(cold.sessions.create());
      const firstRun = await cold.driver.exec(first.id, ['docker', 'run', '--rm', 'hello-world'], { timeoutMs: 120_000 });
      if (firstRun.exitCode !== 0) throw new Error(`hello-world in a cold sandbox failed: ${firstRun.stderr}`);
      figures['sandbox.first_docker_command_cold_ms'] = round(performance.now() - firstStarted);
      await cold.manager.destroy(first.id, 'released');

      // Idle: the engine started and settled, nothing running inside.
      const idle = await timeToReady(cold);
      await new Promise((r) => setTimeout(r, 10_000));
      const memory: number[] = [];
      for (let i = 0; i < 5; i++) memory.push(await statsMemoryMiB(names.sandboxContainer(cold.config.instance, idle.id)));
      figures['sandbox.idle_memory_mib'] = round(percentile(memory, 50));

      const cycleStarted = performance.now();
      for (let i = 0; i < SAMPLES; i++) {
        const { id: cycled } = await timeToReady(cold);
        await cold.manager.destroy(cycled, 'released');
      }
      figures['sandbox.cycles_per_min'] = round(60_000 / ((performance.now() - cycleStarted) / SAMPLES));
    } finally {
      await cold.dispose();
    }

    const warm = await startBenchServer({ SLIPWAY_POOL_SIZE: '2' });
    try {
      const warmSamples: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        await waitUntil('a pooled sandbox', () => pooledCount(warm) >= 1);
        const { ms, id } = await timeToReady(warm);
        warmSamples.push(ms);
        await warm.manager.destroy(id, 'released');
      }
      figures['sandbox.warm_ready_ms.p50'] = round(percentile(warmSamples, 50));
      figures['sandbox.warm_ready_ms.p95'] = round(percentile(warmSamples, 95));
    } finally {
      await warm.dispose();
    }
    return figures;
  },
};

export default bench;
