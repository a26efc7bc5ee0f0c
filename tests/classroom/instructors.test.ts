// Several instructors on one workshop, over HTTP on the real engine: the first logs in with the
// console link under a name, invites a second by a one-time link (which works once; a second
// use is refused with invite_used), and each acts on the same learner (who is told the name of
// the one who gave them more time); both actions appear in
// the audit log with their names, in what the dashboard reads, in the JSON export and in the
// audit CSV. A learner's cookie opens neither the invite nor the audit routes.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditLog, InviteGrant } from '../../contract/instructors.js';
import { LEARNER_EVENTS_PATH } from '../../contract/learner-events.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { call, cookieOf, EventReader } from './support.js';

const LESSONS = path.join(import.meta.dirname, 'fixtures', 'lessons');
const SLUG = 'classroom-basics';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('several instructors and the audit log', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-instructors', SLIPWAY_LESSONS_DIR: LESSONS, SLIPWAY_POOL_SIZE: '0' });
  });
  after(async () => {
    if (!server) return;
    await stopAndClean(server);
  });

  it('two named instructors act on one workshop; both are in the audit log, the dashboard data and the exports', async () => {
    // The first instructor: the console link, under a name of their choosing.
    const token = new URL(server.instructorLink(server.url)).searchParams.get('token')!;
    const first = await call(server, 'POST', '/api/instructor/login', { body: { token, name: 'Dana' } });
    assert.equal(first.status, 200, first.text);
    const dana = cookieOf(first, 'slipway_instructor');
    const status = await call(server, 'GET', '/api/instructor/status', { cookie: dana });
    assert.equal(status.body.me.name, 'Dana');

    // A workshop, and a learner in it.
    const workshop = (await call(server, 'POST', '/api/instructor/workshops', { cookie: dana, body: { title: 'Two instructors', lessons: [SLUG], expectedSize: 1, sessionMinutes: 60 } })).body;
    assert.equal((await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/start`, { cookie: dana })).status, 200);
    const joined = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name: 'Alex' } });
    assert.equal(joined.status, 200, joined.text);
    const learnerCookie = cookieOf(joined, 'slipway_session');
    const learnerId: string = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}`, { cookie: dana })).body.learners[0].id;

    // Dana invites Lee; the link works once.
    const invited = await call(server, 'POST', '/api/instructor/invites', { cookie: dana, body: { name: 'Lee' } });
    assert.equal(invited.status, 201, invited.text);
    const grant = invited.body as InviteGrant;
    assert.equal(grant.name, 'Lee');
    const invite = new URL(grant.url).searchParams.get('invite')!;
    assert.ok(invite.length >= 20, grant.url);
    const second = await call(server, 'POST', '/api/instructor/login', { body: { invite } });
    assert.equal(second.status, 200, second.text);
    const lee = cookieOf(second, 'slipway_instructor');
    assert.equal((await call(server, 'GET', '/api/instructor/status', { cookie: lee })).body.me.name, 'Lee');
    const again = await call(server, 'POST', '/api/instructor/login', { body: { invite } });
    assert.equal(again.status, 410, again.text);
    assert.equal(again.body.error.code, 'invite_used');
    assert.match(again.body.error.message, /already used.*ask the instructor who invited you for a new one/);
    assert.equal(again.headers.getSetCookie().length, 0, 'a refused invite set a cookie');

    // Each acts on the same learner; the learner's page is told who gave them more time.
    const learnerEvents = new EventReader(`${server.url}${LEARNER_EVENTS_PATH}`, learnerCookie);
    assert.equal((await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/learners/${learnerId}/extend`, { cookie: dana, body: { minutes: 15 } })).status, 200);
    await learnerEvents.until('the extension named to the learner', (events) => events.some((e) => e.type === 'classroom' && e.data.action === 'extended' && /Your instructor Dana gave you 15 more minutes/.test(e.data.message)), 5000);
    await learnerEvents.close();
    assert.equal((await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/learners/${learnerId}/name`, { cookie: lee, body: { name: 'Alex B' } })).status, 200);
    // A refused action is not recorded as done.
    assert.equal((await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/learners/nobody/reset`, { cookie: lee })).status, 404);

    // What the dashboard reads: newest first, each with the instructor's name.
    const log = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}/audit`, { cookie: lee })).body as AuditLog;
    const lines = log.entries.map((e) => `${e.instructor.name} ${e.action} ${e.learner?.name ?? '-'} ${e.details ?? '-'}`);
    assert.deepEqual(lines.slice(0, 5), ['Lee rename_learner Alex Alex B', 'Dana extend_learner Alex 15 more minutes', 'Lee login - invited by Dana', 'Dana invite - Lee', 'Dana start_workshop - -']);
    assert.ok(lines.includes('Dana create_workshop - Two instructors'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('reset_learner')), 'a refused reset was logged');
    assert.equal(new Set(log.entries.filter((e) => e.action === 'rename_learner' || e.action === 'extend_learner').map((e) => e.learner?.id)).size, 1);

    // The JSON export: oldest first, ISO 8601 UTC, with the plain line.
    const json = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}/results.json`, { cookie: dana })).body;
    const acted = json.audit.filter((e: { action: string }) => e.action === 'extend_learner' || e.action === 'rename_learner');
    assert.deepEqual(
      acted.map((e: { instructor: { name: string }; summary: string }) => [e.instructor.name, e.summary]),
      [
        ['Dana', 'Dana gave Alex 15 more minutes'],
        ['Lee', 'Lee renamed Alex to "Alex B"'],
      ],
    );
    for (const entry of json.audit) assert.match(entry.at, ISO);

    // The audit CSV.
    const csv = await call(server, 'GET', `/api/instructor/workshops/${workshop.id}/audit.csv`, { cookie: dana });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(csv.text, /^at,instructor_id,instructor,action,learner_id,learner,details,summary\r\n/);
    assert.match(csv.text, new RegExp(`,Dana,extend_learner,${learnerId},Alex,15 more minutes,`));
    assert.match(csv.text, new RegExp(`,Lee,rename_learner,${learnerId},Alex,Alex B,`));

    // A learner's cookie opens neither the invite nor the audit routes.
    for (const [method, route, body] of [
      ['POST', '/api/instructor/invites', { name: 'Mallory' }],
      ['GET', `/api/instructor/workshops/${workshop.id}/audit`, undefined],
      ['GET', `/api/instructor/workshops/${workshop.id}/audit.csv`, undefined],
      ['POST', '/api/instructor/me', { name: 'Mallory' }],
    ] as const) {
      const res = await call(server, method, route, { cookie: learnerCookie, body });
      assert.equal(res.status, 401, `${method} ${route}: ${res.status}`);
      assert.equal(res.body.error.code, 'not_instructor');
    }

    // An instructor renames themselves; the log keeps the name each entry was made under.
    assert.equal((await call(server, 'POST', '/api/instructor/me', { cookie: lee, body: { name: 'Lee Park' } })).body.name, 'Lee Park');
    const after = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}/audit`, { cookie: dana })).body as AuditLog;
    assert.equal(after.entries[0]!.action, 'rename_self');
    assert.equal(after.entries[0]!.instructor.name, 'Lee');
    assert.ok(after.entries.some((e) => e.action === 'rename_learner' && e.instructor.name === 'Lee'));
  });
});
