// The warm pool on the fake driver, through a whole server: a learner gets a pooled sandbox at
// once (no create on their time), the pool fills back to its target (SLIPWAY_POOL_SIZE plus what
// a workshop reserved), creates run two at a time, a failed create is recorded and not handed
// out, and past SLIPWAY_MAX_SANDBOXES a learner gets a capacity error instead of a sandbox.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startFakeServer, until, type FakeServer } from './fake/harness.js';

describe('sandbox pool', () => {
  let fake: FakeServer | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });
  const sessionId = () => fake!.server.sessions.create('learner').id;
  const inState = (state: string) => fake!.rows().filter((r) => r.state === state);

  it('with an empty pool, creates a sandbox for the learner and hands it to them alone', async () => {
    fake = await startFakeServer();
    const session = sessionId();
    const before = Date.now();
    const row = await fake.server.manager.acquire(session);
    assert.equal(fake.driver.count('create'), 1);
    assert.deepEqual(fake.driver.ids(), [row.id]);
    assert.equal(row.state, 'assigned');
    assert.equal(row.session_id, session);
    assert.ok(row.expires_at! >= before + fake.server.config.sandboxLifetime, 'its lifetime starts when it is handed out');
    assert.equal(inState('pooled').length, 0, 'a pool of size 0 stays empty');
  });

  it('fills the pool to SLIPWAY_POOL_SIZE at start, hands out the oldest pooled sandbox without creating one, then refills', async () => {
    fake = await startFakeServer({ SLIPWAY_POOL_SIZE: '2' });
    await until(() => inState('pooled').length === 2, 'two pooled sandboxes');
    // The oldest is the one ready first; two made together may be ready in the same millisecond.
    const firstReady = Math.min(...inState('pooled').map((r) => r.ready_at!));
    const oldest = inState('pooled').filter((r) => r.ready_at === firstReady).map((r) => r.id);
    const creates = fake.driver.count('create');
    assert.equal(creates, 2);
    const row = await fake.server.manager.acquire(sessionId());
    assert.ok(oldest.includes(row.id), `the oldest pooled sandbox (${oldest.join(' or ')}), not ${row.id}`);
    assert.equal(row.state, 'assigned');
    assert.ok(fake.driver.count('create') <= creates + 1, 'at most the refill started; the learner did not wait for a create');
    await until(() => inState('pooled').length === 2, 'the pool back at two');
    assert.equal(fake.driver.count('create'), 3);
    assert.equal(fake.driver.ids().length, 3);
  });

  it('keeps what a workshop reserves warm on top of the pool size, and refills at once when the reserve grows', async () => {
    fake = await startFakeServer({ SLIPWAY_POOL_SIZE: '1' });
    await until(() => inState('pooled').length === 1, 'the pool at one');
    fake.server.manager.reserve(3);
    assert.equal(fake.server.manager.poolTarget(), 4);
    await until(() => inState('pooled').length === 4, 'the pool at four');
    fake.server.manager.reserve(0);
    assert.equal(fake.server.manager.poolTarget(), 1);
    await fake.server.manager.fillPool();
    assert.equal(inState('pooled').length, 4, 'a smaller target destroys nothing already warm');
    assert.equal(fake.driver.count('destroy'), 0);
  });

  it('creates at most two sandboxes at a time while filling', async () => {
    const release = (() => {
      let r: (() => void) | undefined;
      return { set: (fn: () => void) => (r = fn), go: () => r?.() };
    })();
    fake = await startFakeServer();
    release.set(fake.driver.holdCreates());
    fake.server.manager.reserve(5);
    await until(() => fake!.driver.count('create') === 2, 'two creates under way');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(fake.driver.count('create'), 2, 'no third create while two are held');
    assert.equal(inState('creating').length, 2);
    release.go();
    await until(() => inState('pooled').length === 5, 'five pooled sandboxes');
    assert.equal(fake.driver.count('create'), 5);
  });

  it('refuses past SLIPWAY_MAX_SANDBOXES with a capacity error, creating nothing, and takes a learner again once one leaves', async () => {
    fake = await startFakeServer({ SLIPWAY_MAX_SANDBOXES: '2' });
    const first = await fake.server.manager.acquire(sessionId());
    await fake.server.manager.acquire(sessionId());
    await assert.rejects(fake.server.manager.acquire(sessionId()), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'capacity');
      assert.match(err.message, /All 2 sandboxes this server may run are in use/);
      return true;
    });
    assert.equal(fake.driver.count('create'), 2, 'no create was tried');
    assert.equal(fake.rows().length, 2, 'nothing recorded for the refusal');
    await fake.server.manager.destroy(first.id, 'released');
    const third = await fake.server.manager.acquire(sessionId());
    assert.equal(third.state, 'assigned');
  });

  it('counts the pool towards SLIPWAY_MAX_SANDBOXES: it never fills past it', async () => {
    fake = await startFakeServer({ SLIPWAY_POOL_SIZE: '5', SLIPWAY_MAX_SANDBOXES: '3' });
    await until(() => inState('pooled').length === 3, 'three pooled sandboxes');
    await fake.server.manager.fillPool();
    assert.equal(fake.driver.count('create'), 3);
  });

  it('records a failed create as failed with its reason, hands nothing out, and creates again next time', async () => {
    fake = await startFakeServer();
    fake.driver.failCreates(1, 'no space for the sandbox');
    await assert.rejects(fake.server.manager.acquire(sessionId()), /no space for the sandbox/);
    const [failed] = fake.rows();
    assert.equal(failed!.state, 'failed');
    assert.equal(failed!.end_reason, 'no space for the sandbox');
    assert.equal(failed!.session_id, null);
    const row = await fake.server.manager.acquire(sessionId());
    assert.equal(row.state, 'assigned');
    assert.deepEqual(fake.driver.ids(), [row.id]);
  });

  it('gives one session one sandbox, however many times it asks at once', async () => {
    fake = await startFakeServer({}, { createDelayMs: 30 });
    const session = fake.server.sessions.create('double click');
    const rows = await Promise.all([1, 2, 3].map(() => fake!.server.sessions.ensureSandbox(session)));
    assert.equal(new Set(rows.map((r) => r.id)).size, 1);
    assert.equal(fake.driver.count('create'), 1);
  });
});
