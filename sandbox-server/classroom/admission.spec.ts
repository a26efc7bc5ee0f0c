// Admission to a workshop on the fake driver, through a whole server: with room for two, the
// third learner is queued at position 1 and the fourth at 2; when someone leaves, the head of
// the queue gets the place; a newcomer never jumps the queue, even at the moment a place frees;
// a queued learner coming back keeps their place.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startFakeServer, until, type FakeServer } from '../sandboxes/fake/harness.js';

describe('workshop admission', () => {
  let fake: FakeServer | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  /** A running workshop on a server with room for two sandboxes (small ones, so memory is never what limits). */
  async function workshopWithRoomForTwo() {
    fake = await startFakeServer({ SLIPWAY_MAX_SANDBOXES: '2', SLIPWAY_SANDBOX_MEMORY: '64m' });
    const { classroom } = fake.server;
    assert.equal(classroom.capacity().total, 2);
    const workshop = classroom.create({ title: 'Room for two', lessons: ['first-container'], expectedSize: 2, sessionMinutes: 60 });
    classroom.startWorkshop(workshop.id);
    // The instructor starts the workshop ahead: its two sandboxes are warm before anyone joins.
    await until(() => fake!.rows().filter((r) => r.state === 'pooled').length === 2, 'two warm sandboxes');
    const sessions = new Map<string, string>();
    const join = async (name: string) => {
      const result = await classroom.join(workshop.code, name, undefined);
      sessions.set(name, result.session.id);
      return result;
    };
    const state = (name: string) => classroom.learnerState(sessions.get(name)!)!;
    const leave = (name: string) => classroom.remove(workshop.id, classroom.dashboard(workshop.id).learners.find((l) => l.name === name)!.id);
    const hasSandbox = (name: string) => fake!.server.sessions.liveSandbox(fake!.server.sessions.get(sessions.get(name)!)!) !== undefined;
    return { classroom, workshop, join, state, leave, hasSandbox };
  }

  it('queues the learner past the room at position 1, the next at 2, and admits the head when someone leaves', async () => {
    const w = await workshopWithRoomForTwo();
    assert.equal((await w.join('Ada')).status, 'ready');
    assert.equal((await w.join('Brian')).status, 'ready');
    assert.equal(fake!.driver.count('create'), 2, 'both were handed out from the warm pool');
    const third = await w.join('Chen');
    assert.deepEqual([third.status, third.position], ['queued', 1]);
    assert.equal(w.hasSandbox('Chen'), false, 'a queued learner has no sandbox');
    const fourth = await w.join('Dana');
    assert.deepEqual([fourth.status, fourth.position], ['queued', 2]);
    assert.equal(fake!.driver.ids().length, 2, 'never more sandboxes than room');

    await w.leave('Ada');
    await until(() => w.hasSandbox('Chen'), 'Chen admitted with a sandbox');
    assert.equal(w.state('Chen').status, 'ready');
    assert.equal(w.state('Chen').position, null);
    assert.deepEqual([w.state('Dana').status, w.state('Dana').position], ['queued', 1], 'Dana moves up to the head');
    assert.equal(w.state('Ada').status, 'removed');
    assert.equal(fake!.driver.ids().length, 2);
  });

  it('lets nobody jump the queue, not even a newcomer at the moment a place frees', async () => {
    const w = await workshopWithRoomForTwo();
    await w.join('Ada');
    await w.join('Brian');
    await w.join('Chen');
    await w.join('Dana');
    // Ada leaves and Eve joins at the same moment: the place is Chen's, then Dana's, then Eve's.
    const [, eve] = await Promise.all([w.leave('Ada'), w.join('Eve')]);
    assert.equal(eve.status, 'queued');
    await until(() => w.hasSandbox('Chen'), 'Chen admitted');
    assert.deepEqual([w.state('Dana').position, w.state('Eve').position], [1, 2]);
    assert.equal(w.hasSandbox('Eve'), false);

    await w.leave('Brian');
    await until(() => w.hasSandbox('Dana'), 'Dana admitted');
    assert.deepEqual([w.state('Eve').status, w.state('Eve').position], ['queued', 1]);
    assert.equal(w.hasSandbox('Eve'), false);
  });

  it('keeps the place of a queued learner who comes back (a reload), without a second entry', async () => {
    const w = await workshopWithRoomForTwo();
    await w.join('Ada');
    await w.join('Brian');
    const chen = await w.join('Chen');
    await w.join('Dana');
    const again = await w.classroom.join(w.workshop.code, 'Chen', fake!.server.sessions.get(chen.session.id));
    assert.equal(again.session.id, chen.session.id, 'the same learner');
    assert.deepEqual([again.status, again.position], ['queued', 1]);
    assert.equal(w.state('Dana').position, 2);
    assert.equal(w.classroom.dashboard(w.workshop.id).learners.length, 4);
  });
});
