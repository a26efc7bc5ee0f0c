// What an instructor does to a learner reaches that learner's channel of the feed (their lesson
// page's event stream) as a `classroom` event, with who did it in words and the learner's state
// after it ("Your instructor", or "Your instructor Dana" when named): more time carries the new end; removal, re-admission and the end of the workshop
// carry the new status. On the fake driver, through a whole server (a reset opens the lesson in
// the fresh sandbox, which needs an engine: tests/classroom/learner-screens.test.ts).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ClassroomNotice } from '../../contract/classroom-events.js';
import { startFakeServer, until, type FakeServer } from '../sandboxes/fake/harness.js';

describe('instructor actions on the learner channel', () => {
  let fake: FakeServer | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  it('tells the learner of each action, with the words and their state after it', async () => {
    fake = await startFakeServer({ SLIPWAY_SANDBOX_MEMORY: '64m' });
    const { classroom, feed, sessions } = fake.server;
    const workshop = classroom.create({ title: 'Room 2', lessons: ['first-container'], expectedSize: 2, sessionMinutes: 60 });
    classroom.startWorkshop(workshop.id);
    const joined = await classroom.join(workshop.code, 'Ada', undefined);
    const told: ClassroomNotice[] = [];
    const sandboxes: Array<string | undefined> = [];
    feed.learners.subscribe(joined.session.id, {
      event: (event) => {
        if (event.type !== 'classroom') return;
        told.push(event.data);
        sandboxes.push(sessions.liveSandbox(sessions.get(joined.session.id)!)?.id);
      },
    });
    const id = classroom.dashboard(workshop.id).learners[0]!.id;
    const end = classroom.learnerState(joined.session.id)!.expiresAt!;
    classroom.extend(workshop.id, id, 15);
    assert.equal(told[0]!.action, 'extended');
    assert.equal(told[0]!.me.expiresAt, end + 15 * 60_000, 'the new end comes with the event');
    assert.equal(told[0]!.by, 'Your instructor');
    assert.equal(told[0]!.message, 'Your instructor gave you 15 more minutes: the time left above counts them.');
    // A named instructor is named.
    classroom.extend(workshop.id, null, 1, 'Dana');
    assert.equal(told[1]!.by, 'Your instructor Dana');
    assert.match(told[1]!.message, /^Your instructor Dana gave everyone 1 more minute:/);

    await classroom.remove(workshop.id, id);
    assert.equal(told[2]!.action, 'removed');
    assert.equal(told[2]!.me.status, 'removed');
    assert.equal(sandboxes[2], undefined, 'told once the sandbox is gone');

    await classroom.readmit(workshop.id, id);
    assert.equal(told[3]!.action, 'readmitted');
    assert.equal(told[3]!.me.status, 'ready');
    await until(() => sessions.liveSandbox(sessions.get(joined.session.id)!) !== undefined, 'a sandbox again');

    await classroom.end(workshop.id);
    assert.equal(told[4]!.action, 'ended');
    assert.equal(told[4]!.me.status, 'ended');
    assert.equal(told.length, 5);
    for (const notice of told) assert.ok(Math.abs(notice.me.now - Date.now()) < 60_000, 'the state carries the server clock');
  });
});
