// Expiry on the fake driver, through a whole server, with the sweep run at chosen times: a
// sandbox ends at the end of its lifetime, or when nobody used it for the idle timeout (learner
// activity pushes that back); a workshop learner's sandbox is spared when idle for as long as
// their time in the workshop lasts, but not past it.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startFakeServer, type FakeServer } from './fake/harness.js';

const MINUTE = 60_000;

describe('sandbox expiry', () => {
  let fake: FakeServer | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });
  const acquire = () => fake!.server.manager.acquire(fake!.server.sessions.create('learner').id);
  const sandboxOf = (sessionId: string) => {
    const sandbox = fake!.server.sessions.liveSandbox(fake!.server.sessions.get(sessionId)!);
    assert.ok(sandbox, 'the learner has a sandbox');
    return sandbox;
  };

  it('ends a sandbox at the end of its lifetime, not a moment before, and removes it from the backend', async () => {
    fake = await startFakeServer({ SLIPWAY_SANDBOX_LIFETIME: '30m', SLIPWAY_SANDBOX_IDLE_TIMEOUT: '2h' });
    const { id } = await acquire();
    const expiresAt = fake.row(id)!.expires_at!;
    await fake.server.manager.sweep(expiresAt - 1);
    assert.equal(fake.row(id)!.state, 'assigned');
    await fake.server.manager.sweep(expiresAt);
    const row = fake.row(id)!;
    assert.equal(row.state, 'expired');
    assert.equal(row.end_reason, 'The sandbox reached the end of its time and was removed.');
    assert.deepEqual(fake.driver.ids(), []);
  });

  it('ends a sandbox nobody used for the idle timeout; activity pushes that back', async () => {
    fake = await startFakeServer({ SLIPWAY_SANDBOX_LIFETIME: '4h', SLIPWAY_SANDBOX_IDLE_TIMEOUT: '10m' });
    const used = await acquire();
    const unused = await acquire();
    const start = fake.row(unused.id)!.last_active_at!;
    // The learner typed something a while later (the terminal reports activity).
    await new Promise((resolve) => setTimeout(resolve, 20));
    fake.server.manager.touch(used.id);
    assert.equal(fake.row(used.id)!.state, 'active', 'used: active');
    await fake.server.manager.sweep(start + 10 * MINUTE - 1);
    assert.equal(fake.row(unused.id)!.state, 'assigned');
    await fake.server.manager.sweep(start + 10 * MINUTE);
    assert.equal(fake.row(unused.id)!.state, 'expired');
    assert.equal(fake.row(unused.id)!.end_reason, 'The sandbox was unused for too long and was removed.');
    assert.equal(fake.row(used.id)!.state, 'active', 'its idle time started again at the activity');
    await fake.server.manager.sweep(fake.row(used.id)!.last_active_at! + 10 * MINUTE);
    assert.equal(fake.row(used.id)!.state, 'expired');
  });

  it('leaves pooled sandboxes alone: expiry counts from when a learner got one', async () => {
    fake = await startFakeServer({ SLIPWAY_POOL_SIZE: '1', SLIPWAY_SANDBOX_LIFETIME: '10m', SLIPWAY_SANDBOX_IDLE_TIMEOUT: '5m' });
    await fake.server.manager.fillPool();
    const [pooled] = fake.rows();
    await fake.server.manager.sweep(Date.now() + 24 * 60 * MINUTE);
    assert.equal(fake.row(pooled!.id)!.state, 'pooled');
  });

  it("spares a workshop learner's idle sandbox for their time in the workshop, but ends it when that time is up", async () => {
    fake = await startFakeServer({ SLIPWAY_SANDBOX_LIFETIME: '4h', SLIPWAY_SANDBOX_IDLE_TIMEOUT: '10m' });
    const { classroom } = fake.server;
    const workshop = classroom.create({ title: 'Spared', lessons: ['first-container'], expectedSize: 1, sessionMinutes: 60 });
    classroom.startWorkshop(workshop.id);
    const joined = await classroom.join(workshop.code, 'Ada', undefined);
    assert.equal(joined.status, 'ready');
    const sandbox = sandboxOf(joined.session.id);
    const solo = await acquire();
    const now = Date.now();
    await fake.server.manager.sweep(now + 30 * MINUTE);
    assert.equal(fake.row(solo.id)!.state, 'expired', 'a learner outside a workshop: idle, ended');
    assert.equal(fake.row(sandbox.id)!.state, 'assigned', 'the workshop learner listening to the instructor: spared');
    const row = fake.row(sandbox.id)!;
    assert.ok(Math.abs(row.expires_at! - (now + 60 * MINUTE)) < 5_000, 'the sandbox lasts as long as their hour in the workshop');
    await fake.server.manager.sweep(row.expires_at!);
    assert.equal(fake.row(sandbox.id)!.state, 'expired');
    assert.equal(fake.row(sandbox.id)!.end_reason, 'The sandbox reached the end of its time and was removed.');
  });

  it('releases the sandbox of a learner the instructor removed; the learners who stay are still spared', async () => {
    fake = await startFakeServer({ SLIPWAY_SANDBOX_IDLE_TIMEOUT: '10m' });
    const { classroom } = fake.server;
    const workshop = classroom.create({ title: 'Removed', lessons: ['first-container'], expectedSize: 2, sessionMinutes: 60 });
    classroom.startWorkshop(workshop.id);
    const stays = await classroom.join(workshop.code, 'Stays', undefined);
    const leaves = await classroom.join(workshop.code, 'Leaves', undefined);
    const leavingSandbox = sandboxOf(leaves.session.id);
    const learner = classroom.dashboard(workshop.id).learners.find((l) => l.name === 'Leaves')!;
    await classroom.remove(workshop.id, learner.id);
    assert.equal(fake.row(leavingSandbox.id)!.state, 'destroyed', 'removing a learner releases their sandbox');
    assert.equal(fake.row(leavingSandbox.id)!.end_reason, 'The instructor removed you from the workshop.');
    await fake.server.manager.sweep(Date.now() + 30 * MINUTE);
    assert.equal(fake.row(sandboxOf(stays.session.id).id)!.state, 'assigned');
  });
});
