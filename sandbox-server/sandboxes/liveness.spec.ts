// Liveness on the fake driver, through a whole server: a sandbox that vanished is ended as lost
// at once; one that stopped is ended only if still stopped after a short wait (much longer when
// it was asked to stop, as an engine shutting down asks); after an engine restart, sandboxes are
// started again instead; an engine that does not answer ends nothing and refuses new sandboxes
// with its own code; a sandbox on a lost machine is ended at once, naming the machine, and not
// revived; and a restarted server re-adopts, revives or ends what it finds.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startFakeServer, until, type FakeServer } from './fake/harness.js';

/** How long a killed sandbox may be seen stopped before it is taken for dead (the manager's SUSPECT_MS, 1.5 s, plus margin). */
const SUSPECT_WAIT_MS = 1_700;

describe('sandbox liveness', () => {
  let fake: FakeServer | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });
  const acquire = () => fake!.server.manager.acquire(fake!.server.sessions.create('learner').id);
  const live = (id: string) => ['assigned', 'active', 'pooled'].includes(fake!.row(id)!.state);

  it('ends a sandbox whose container vanished as lost, at the first check, and says so to its learner', async () => {
    fake = await startFakeServer();
    const { id } = await acquire();
    const other = await acquire();
    fake.driver.vanish(id);
    await fake.server.manager.checkLiveness();
    const row = fake.row(id)!;
    assert.equal(row.state, 'destroyed');
    assert.match(row.end_reason ?? '', /disappeared/);
    assert.ok(live(other.id), 'the others are untouched');
  });

  it('ends a killed sandbox only once it is still stopped after the suspect wait; one asked to stop waits longer; one running again is forgiven', async () => {
    fake = await startFakeServer();
    const killed = await acquire();
    const asked = await acquire();
    const back = await acquire();
    fake.driver.stopSandbox(killed.id, { words: 'its main process exited with code 1', asked: false });
    fake.driver.stopSandbox(asked.id, { words: 'it was stopped', asked: true });
    fake.driver.stopSandbox(back.id);
    await fake.server.manager.checkLiveness();
    assert.ok(live(killed.id), 'not at the first look: an engine shutting down stops containers one by one');
    assert.ok(live(asked.id));
    // Started again by hand (docker start) while it was a suspect.
    await fake.driver.revive(back.id);
    await new Promise((resolve) => setTimeout(resolve, SUSPECT_WAIT_MS));
    await fake.server.manager.checkLiveness();
    const row = fake.row(killed.id)!;
    assert.equal(row.state, 'destroyed');
    assert.equal(row.end_reason, 'Your sandbox stopped unexpectedly (its main process exited with code 1). Start a fresh one; your progress is kept.');
    assert.ok(live(asked.id), 'asked to stop: given up on only after a much longer wait');
    assert.ok(live(back.id), 'running again: no longer a suspect');
    assert.ok(!fake.driver.ids().includes(killed.id), 'the dead sandbox is removed from the backend');
  });

  it('starts every sandbox again after an engine restart, pooled ones included, and ends none', async () => {
    fake = await startFakeServer({ SLIPWAY_POOL_SIZE: '1' });
    await until(() => fake!.rows().some((r) => r.state === 'pooled'), 'a pooled sandbox');
    const a = await acquire();
    const b = await acquire();
    await until(() => fake!.rows().filter((r) => r.state === 'pooled').length === 1, 'the pool refilled');
    const all = fake.driver.ids();
    fake.driver.restartEngine();
    await fake.server.manager.checkLiveness();
    assert.equal(fake.driver.count('revive'), all.length);
    for (const id of all) {
      assert.ok(live(id), `${id} still live`);
      assert.equal(fake.driver.sandboxes.get(id)!.running, true, `${id} running again`);
    }
    assert.equal(fake.row(a.id)!.session_id, a.session_id, 'each learner keeps their sandbox');
    assert.equal(fake.row(b.id)!.session_id, b.session_id);
  });

  it('ends a sandbox that cannot be started again after an engine restart, telling its learner why', async () => {
    fake = await startFakeServer();
    const { id } = await acquire();
    fake.driver.restartEngine({ reviveFails: true });
    await fake.server.manager.checkLiveness();
    const row = fake.row(id)!;
    assert.equal(row.state, 'destroyed');
    assert.match(row.end_reason ?? '', /Docker Engine restarted and your sandbox could not be started again/);
  });

  it('ends a sandbox on a lost machine at the first look, naming the machine, and never tries to revive it', async () => {
    fake = await startFakeServer();
    const lost = await acquire();
    const other = await acquire();
    const unreachable = { words: 'the machine it ran on, node3, stopped answering', asked: false, unreachable: true };
    // Even in the round where another machine's engine came back, which revives the rest.
    fake.driver.restartEngine();
    fake.driver.stopSandbox(lost.id, unreachable);
    await fake.server.manager.checkLiveness();
    const row = fake.row(lost.id)!;
    assert.equal(row.state, 'destroyed');
    assert.equal(row.end_reason, 'Your sandbox stopped unexpectedly (the machine it ran on, node3, stopped answering). Start a fresh one; your progress is kept.');
    assert.equal(fake.driver.count('revive'), 1, 'only the sandbox on a machine that answers is revived');
    assert.ok(live(other.id));
    // Its learner gets a fresh one in one call, as after any loss.
    const fresh = await fake.server.manager.acquire(lost.session_id!);
    assert.notEqual(fresh.id, lost.id);
    assert.equal(fresh.state, 'assigned');
  });

  it('ends nothing while the engine does not answer, refuses new sandboxes with engine_unavailable, and recovers', async () => {
    fake = await startFakeServer();
    const { id } = await acquire();
    fake.driver.engineDown = true;
    await fake.server.manager.checkLiveness();
    assert.ok(live(id), 'an engine that does not answer says nothing about the sandboxes');
    await assert.rejects(acquire(), (err: Error & { code?: string }) => err.code === 'engine_unavailable' && /not answering/.test(err.message));
    fake.driver.engineDown = false;
    await fake.server.manager.checkLiveness();
    const row = await acquire();
    assert.equal(row.state, 'assigned');
  });

  it('does not take a sandbox still being created for a vanished one', async () => {
    fake = await startFakeServer();
    const release = fake.driver.holdCreates();
    const acquiring = acquire();
    await until(() => fake!.driver.count('create') === 1, 'a create under way');
    await fake.server.manager.checkLiveness();
    release();
    const row = await acquiring;
    assert.equal(fake.row(row.id)!.state, 'assigned');
    assert.equal(fake.row(row.id)!.ended_at, null, 'never ended on the way');
    assert.equal(fake.driver.count('destroy'), 0);
  });

  it('reconciles: re-adopts what the store knows, revives a stopped one, removes orphans, ends what is gone', async () => {
    fake = await startFakeServer();
    const running = await acquire();
    const stopped = await acquire();
    const gone = await acquire();
    fake.driver.stopSandbox(stopped.id, { words: 'it was stopped', asked: true });
    fake.driver.vanish(gone.id);
    // A sandbox of this installation the store never heard of (a crash between create and insert).
    await fake.driver.create('sbx-orphan');
    const result = await fake.server.manager.reconcile();
    assert.deepEqual([...result.adopted].sort(), [running.id, stopped.id].sort());
    assert.deepEqual(result.removed, ['sbx-orphan']);
    assert.deepEqual(result.lost, [gone.id]);
    assert.ok(!fake.driver.ids().includes('sbx-orphan'));
    assert.equal(fake.driver.sandboxes.get(stopped.id)!.running, true);
    assert.equal(fake.row(gone.id)!.state, 'failed');
    assert.ok(live(running.id) && live(stopped.id));
  });
});
