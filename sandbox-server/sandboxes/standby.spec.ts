// Sandboxes on standby (lifecycle/pool.ts), on the fake driver with engines that start only
// when asked: while a workshop runs the pool keeps some with their engines not started; a
// learner gets a warm one first, then one on standby, whose engine then starts in turn; warm
// ones are made before standby ones; trimming ends what is past the targets; a restarted server
// makes standby sandboxes again rather than adopting them.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startFakeServer, until, type FakeServer } from './fake/harness.js';

describe('standby sandboxes', () => {
  let fake: FakeServer | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });
  const pooled = (standby: 0 | 1) => fake!.rows().filter((r) => r.state === 'pooled' && r.standby === standby);
  const acquire = async () => fake!.server.manager.acquire(fake!.server.sessions.create('learner').id);

  it('keeps sandboxes on standby without starting their engines, and hands warm ones out first', async () => {
    fake = await startFakeServer({ SLIPWAY_POOL_SIZE: '1' }, { deferredEngines: true });
    await until(() => pooled(0).length === 1, 'one warm sandbox');
    fake.server.manager.keepOnStandby(2);
    await until(() => pooled(1).length === 2, 'two on standby');
    const [warm] = pooled(0);
    assert.deepEqual(fake.driver.engineStarts, [warm!.id], 'only the warm sandbox started its engine');
    assert.deepEqual(fake.server.classroom.warmProgress().standby, { ready: 2, target: 2 });
    assert.equal(fake.server.classroom.capacity().live, 1, 'the capacity counts the warm sandbox, not those on standby');

    const first = await acquire();
    assert.equal(first.id, warm!.id, 'the warm one first');
    const onStandby = pooled(1).map((r) => r.id);
    const second = await acquire();
    assert.ok(onStandby.includes(second.id), 'then one on standby');
    assert.equal(second.standby, 1, 'the row handed out says it came from standby');
    assert.equal(fake.row(second.id)?.standby, 0, 'a claimed sandbox is no longer on standby');
    await until(() => fake!.driver.engineStarts.includes(second.id), 'the claimed standby sandbox starting its engine');
    await until(() => fake!.server.manager.engines.state(second.id) === 'ready', 'its engine ready');
    // The pool refills both kinds, the warm one first.
    await until(() => pooled(0).length === 1 && pooled(1).length === 2, 'the pool back at one warm and two on standby');
  });

  it('keeps none on standby with a driver whose engines start with their sandboxes (swarm)', async () => {
    fake = await startFakeServer({ SLIPWAY_POOL_SIZE: '1' });
    await until(() => pooled(0).length === 1, 'one warm sandbox');
    fake.server.manager.keepOnStandby(3);
    assert.equal(fake.server.manager.standbyTarget(), 0);
    await fake.server.manager.fillPool();
    assert.equal(pooled(1).length, 0, 'a standby sandbox there would be a whole one');
    assert.equal(fake.rows().length, 1);
  });

  it('with SLIPWAY_ENGINE_START=on-use, a claimed standby sandbox waits for its first docker command', async () => {
    fake = await startFakeServer({ SLIPWAY_ENGINE_START: 'on-use' }, { deferredEngines: true });
    fake.server.manager.keepOnStandby(1);
    await until(() => pooled(1).length === 1, 'one on standby');
    const row = await acquire();
    assert.equal(fake.server.manager.engines.state(row.id), 'on-use');
    assert.deepEqual(fake.driver.engineStarts, []);
    fake.driver.engineWanted.add(row.id);
    await fake.server.manager.engines.promoteWanted();
    await until(() => fake!.server.manager.engines.state(row.id) === 'ready', 'the engine started on first use');
  });

  it('ends standby sandboxes past the target when trimmed, and leaves those in use', async () => {
    fake = await startFakeServer({}, { deferredEngines: true });
    fake.server.manager.keepOnStandby(3);
    await until(() => pooled(1).length === 3, 'three on standby');
    const used = await acquire();
    fake.server.manager.keepOnStandby(1);
    await fake.server.manager.trimPool();
    assert.equal(pooled(1).length, 1);
    assert.equal(fake.row(used.id)?.state, 'assigned');
    fake.server.manager.keepOnStandby(0);
    await fake.server.manager.trimPool();
    assert.equal(pooled(1).length, 0);
    assert.deepEqual(fake.driver.ids(), [used.id], 'only the sandbox in use is left');
  });

  it('a restarted server makes standby sandboxes again instead of adopting them', async () => {
    fake = await startFakeServer({}, { deferredEngines: true });
    fake.server.manager.keepOnStandby(2);
    await until(() => pooled(1).length === 2, 'two on standby');
    const before = pooled(1).map((r) => r.id);
    const result = await fake.server.manager.reconcile();
    assert.deepEqual(result.adopted, []);
    assert.deepEqual([...result.removed].sort(), [...before].sort());
    assert.equal(fake.driver.count('adopt'), 0);
    for (const id of before) assert.equal(fake.row(id)?.state, 'destroyed');
    assert.deepEqual(fake.driver.engineStarts, [], 'no engine was started to adopt them');
  });
});
