// Nothing leaks: after sandbox resets (each destroys a sandbox and takes another, with a
// terminal opened in it) and many terminal attach/detach cycles over the real WebSocket, the
// server's instance holds exactly what it should: no container, volume, network or sandbox
// folder without a live sandbox, no exec session or shell beyond the pooled sandboxes' ready
// shells, and the server process (its own process) holds no more file descriptors than after
// warm-up. Once the instance is removed, the engine holds nothing the run made: no object of the
// instance, and no anonymous volume, network or untagged image that was not there before.
// bench/leaks.soak.ts runs the same with 500 resets and reports memory growth too.
// Runs alone: it counts every anonymous volume, network and untagged image new on the engine since it began, whoever made them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireEngine } from '../support/engine.js';
import { runLeakCycles } from './support/leak-cycles.js';

const INSTANCE = 'leaks';

describe('leaks', () => {
  it('leaves no Docker object, exec session, shell or file descriptor behind after 10 resets and 200 terminal attach/detach cycles', async () => {
    await requireEngine();
    const result = await runLeakCycles({ instance: INSTANCE, sandboxCycles: 10, attachCycles: 200, log: (line) => console.log(`  ${line}`) });
    assert.deepEqual(result.errors, []);
    const { live: _live, ...leftover } = result.leftover;
    assert.deepEqual(leftover, { containers: 0, volumes: 0, networks: 0, socketDirs: 0, execs: 0, shells: 0 });
    assert.ok(result.end.fds <= result.baseline.fds, `the server holds ${result.end.fds} file descriptors, ${result.baseline.fds} after warm-up`);
    const { engine } = result;
    assert.deepEqual(
      { containers: engine.containers.length, volumes: engine.volumes.length, networks: engine.networks.length, untaggedImages: engine.untaggedImages.length },
      { containers: 0, volumes: 0, networks: 0, untaggedImages: 0 },
      `left on the engine: ${JSON.stringify(engine)}`,
    );
  });
});
