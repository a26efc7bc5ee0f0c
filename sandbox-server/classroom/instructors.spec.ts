// Named instructors and invites against a real SQLite store: an invite works once and only
// before it expires, the store keeps no working token, a console login lands in a named or the
// default account; the audit log keeps names as they were and a workshop's window.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '../store/database.js';
import { AuditTrail } from './audit.js';
import { ClassroomError } from './errors.js';
import { INVITE_TTL_MS, Instructors } from './instructors.js';
import { WorkshopStore } from './store.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-instructors-'));
const db = openDatabase(dir);
after(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ClassroomError) return err.code;
    throw err;
  }
  return 'none';
};

describe('instructor accounts and invites', () => {
  const instructors = new Instructors(db);

  it('gives a login without a name the default account, and one with a name its own', () => {
    const first = instructors.byName(undefined);
    assert.equal(first.name, 'Instructor');
    assert.equal(instructors.byName(undefined).id, first.id);
    const dana = instructors.byName('Dana');
    assert.notEqual(dana.id, first.id);
    assert.equal(instructors.byName('dana').id, dana.id);
    assert.equal(instructors.rename(first.id, 'Kim').name, 'Kim');
  });

  it('redeems an invite once, refuses it after, and after it expires', () => {
    const dana = instructors.byName('Dana');
    const { token } = instructors.invite('Lee', dana, 1000);
    const stored = JSON.stringify(db.prepare(`SELECT * FROM instructor_invites`).all());
    assert.ok(!stored.includes(token), 'the store holds the token itself');
    const { instructor, invitedBy } = instructors.redeem(token, 2000);
    assert.equal(instructor.name, 'Lee');
    assert.equal(invitedBy?.id, dana.id);
    assert.deepEqual(instructors.get(instructor.id), instructor);
    assert.equal(refusal(() => instructors.redeem(token, 3000)), 'invite_used');
    const late = instructors.invite('Max', dana, 1000);
    assert.equal(refusal(() => instructors.redeem(late.token, 1000 + INVITE_TTL_MS)), 'invite_expired');
    assert.equal(refusal(() => instructors.redeem('made-up', 1000)), 'bad_credentials');
  });
});

describe('audit trail', () => {
  const workshops = new WorkshopStore(db);
  const trail = new AuditTrail(db, workshops);
  workshops.insert({ id: 'ws-a', code: 'AAAAAA', title: 'A', lessons: '[]', expected_size: 1, session_ms: 60_000, created_at: 10_000 });
  workshops.insert({ id: 'ws-b', code: 'BBBBBB', title: 'B', lessons: '[]', expected_size: 1, session_ms: 60_000, created_at: 10_000 });
  const dana = { id: 'in-d', name: 'Dana' };

  it("lists a workshop's entries newest first, with the server's entries from its time, not another workshop's", () => {
    trail.record({ instructor: dana, action: 'login', details: 'with the password' }, 5_000);
    trail.record({ instructor: dana, action: 'start_workshop', workshopId: 'ws-a' }, 11_000);
    trail.record({ instructor: dana, action: 'invite', details: 'Lee' }, 12_000);
    trail.record({ instructor: dana, action: 'reset_learner', workshopId: 'ws-a', learner: { id: 'l-1', name: 'Alex' } }, 13_000);
    trail.record({ instructor: dana, action: 'start_workshop', workshopId: 'ws-b' }, 14_000);
    const actions = trail.forWorkshop('ws-a').map((e) => `${e.action}@${e.at}`);
    assert.deepEqual(actions, ['reset_learner@13000', 'invite@12000', 'start_workshop@11000']);
    assert.deepEqual(trail.forWorkshop('ws-a')[0]!.learner, { id: 'l-1', name: 'Alex' });
    assert.deepEqual(trail.forWorkshop('nope'), []);
  });
});
