// Leaks: 500 sandbox resets through the server as the lesson page makes them (close the
// terminal, reset, open the lesson, open a terminal in the new sandbox and type), two learners
// at a time, and 200 terminal attach/detach cycles over the real WebSocket; then counts what is
// left beyond what should exist. The server runs as its own process, started with --expose-gc,
// so its file descriptors and memory (after a forced collection) are its own. Once its instance
// is removed, what the engine holds that it did not before counts too, labelled or not.
import { leftoverCount } from '../tests/support/leftovers.js';
import { leakedTotal } from '../tests/reliability/support/leak-count.js';
import { runLeakCycles } from '../tests/reliability/support/leak-cycles.js';
import { percentile, round, type Bench } from './support.js';

const SANDBOX_CYCLES = Number(process.env.SOAK_LEAK_CYCLES ?? 500);
const ATTACH_CYCLES = 200;
const MIB = 1024 * 1024;

const bench: Bench = {
  name: `leaks (${SANDBOX_CYCLES} sandbox resets, ${ATTACH_CYCLES} terminal attach/detach)`,
  async run() {
    const started = Date.now();
    const result = await runLeakCycles({
      instance: 'leaks',
      sandboxCycles: SANDBOX_CYCLES,
      attachCycles: ATTACH_CYCLES,
      concurrency: 2,
      warmup: { sandboxCycles: 20, attachCycles: 20 },
      log: (line) => console.log(`  [${Math.round((Date.now() - started) / 1000)} s] ${line}`),
    });
    const { leftover, baseline, end, engine } = result;
    // No tolerance: the server is brought to the same quiet state (no client, shells past their
    // grace, pool full, idle keep-alive sockets closed) before both counts.
    const fdGrowth = Math.max(0, end.fds - baseline.fds);
    return {
      'reliability.leaked_objects': leakedTotal(leftover) + fdGrowth + leftoverCount(engine),
      'reliability.leaked_containers': leftover.containers,
      'reliability.leaked_volumes': leftover.volumes,
      'reliability.leaked_networks': leftover.networks,
      'reliability.leaked_sandbox_dirs': leftover.socketDirs,
      'reliability.leaked_execs': leftover.execs,
      'reliability.leaked_shells': leftover.shells,
      // After the instance's removal, against a snapshot taken before the run; no tolerance.
      'reliability.engine_leftover_containers': engine.containers.length,
      'reliability.engine_leftover_volumes': engine.volumes.length,
      'reliability.engine_leftover_networks': engine.networks.length,
      'reliability.engine_leftover_untagged_images': engine.untaggedImages.length,
      'reliability.server_fd_growth': end.fds - baseline.fds,
      'reliability.server_rss_growth_mib': round((end.rssBytes - baseline.rssBytes) / MIB),
      'reliability.server_heap_growth_mib': round((end.heapUsed - baseline.heapUsed) / MIB),
      'reliability.leak_cycle_errors': result.errors.length,
      'reliability.reset_cycle_ms.p50': Math.round(percentile(result.sandboxCycleMs, 50)),
      'reliability.reset_cycle_ms.p95': Math.round(percentile(result.sandboxCycleMs, 95)),
    };
  },
};

export default bench;
