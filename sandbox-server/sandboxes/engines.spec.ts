// Sandboxes' engines started after their prompts (lifecycle/engines.ts), on the fake driver with
// engines that start only when a test releases them: one at a time with SLIPWAY_ENGINE_STARTS=1,
// in the order learners got their sandboxes, except that a sandbox whose learner typed `docker`
// goes next; with SLIPWAY_ENGINE_START=on-use none starts before that first command; a sandbox
// that ends while it waits leaves the queue and the others go on.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { EngineState } from '../feed/sandboxes.js';
import { startFakeServer, until, type FakeServer } from './fake/harness.js';

describe('engine starts', () => {
  let fake: FakeServer | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  /** Learners who each got a sandbox, in order; their sandboxes' ids. */
  const learners = async (count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await fake!.server.manager.acquire(fake!.server.sessions.create('learner').id)).id);
    return ids;
  };
  const stateOf = (id: string): EngineState => fake!.server.manager.engines.state(id);

  it('starts them one at a time in turn, and one whose learner typed docker next', async () => {
    fake = await startFakeServer({ SLIPWAY_ENGINE_STARTS: '1' }, { deferredEngines: true });
    const release = fake.driver.holdEngines();
    const seen: Array<[string, EngineState]> = [];
    fake.server.feed.sandboxes.on('engine', (id, state) => seen.push([id, state]));
    const [a, b, c, d] = (await learners(4)) as [string, string, string, string];
    assert.deepEqual(fake.driver.engineStarts, [a], 'one at a time');
    assert.deepEqual([a, b, c, d].map(stateOf), ['starting', 'queued', 'queued', 'queued']);
    assert.deepEqual(fake.server.classroom.warmProgress().engines, { queued: 3, starting: 1 });

    // d's learner types docker: the shim's wish, found by the scheduler's task.
    fake.driver.engineWanted.add(d);
    await fake.server.manager.engines.promoteWanted();
    release();
    await until(() => fake!.driver.engineStarts.length === 2, 'the second start');
    assert.equal(fake.driver.engineStarts[1], d, 'the learner who typed docker goes next, ahead of b and c');
    assert.equal(stateOf(a), 'ready');

    release('all');
    await until(() => [a, b, c, d].every((id) => stateOf(id) === 'ready'), 'every engine ready');
    assert.deepEqual(fake.driver.engineStarts, [a, d, b, c]);
    for (const id of [a, b, c, d]) assert.deepEqual(seen.filter(([s]) => s === id).map(([, state]) => state), ['queued', 'starting', 'ready'], id);
    assert.deepEqual(fake.server.classroom.warmProgress().engines, { queued: 0, starting: 0 });
  });

  it('with SLIPWAY_ENGINE_START=on-use, starts none until its learner types docker', async () => {
    fake = await startFakeServer({ SLIPWAY_ENGINE_START: 'on-use' }, { deferredEngines: true });
    const [a, b] = (await learners(2)) as [string, string];
    await fake.server.manager.engines.promoteWanted();
    assert.deepEqual([a, b].map(stateOf), ['on-use', 'on-use']);
    assert.deepEqual(fake.driver.engineStarts, []);
    fake.driver.engineWanted.add(b);
    await fake.server.manager.engines.promoteWanted();
    await until(() => stateOf(b) === 'ready', "b's engine ready");
    assert.deepEqual(fake.driver.engineStarts, [b]);
    assert.equal(stateOf(a), 'on-use');
  });

  it('drops a sandbox that ends while its engine waits its turn; the others start', async () => {
    fake = await startFakeServer({ SLIPWAY_ENGINE_STARTS: '1' }, { deferredEngines: true });
    const release = fake.driver.holdEngines();
    const [a, b, c] = (await learners(3)) as [string, string, string];
    await fake.server.manager.destroy(b, 'reset');
    assert.equal(fake.server.classroom.warmProgress().engines.queued, 1, 'only c waits now');
    release('all');
    await until(() => stateOf(c) === 'ready', "c's engine ready");
    assert.deepEqual(fake.driver.engineStarts, [a, c]);
  });
});
