// A classroom end to end over HTTP and WebSockets, on the real engine: an instructor creates and
// starts a workshop (pre-warming 10 sandboxes); 10 learners join at once and each completes a
// step in their own terminal; the dashboard feed reports exactly those completions; the CSV
// export matches; the instructor views a terminal read-only, resets, extends; ending removes
// the 10 sandboxes and nothing else. Also: instructor auth, bad input (join codes and names
// told the exact rule), a rejoin under another name, the roster (remove, re-admit, rename), and
// a full machine queueing a learner instead of failing silently.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { codeRule, NAME_MAX } from '../../contract/join-rules.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { learnerSession, TermClient } from '../terminal/support/client.js';
import { eventually } from '../terminal/support/wait.js';
import { call, cookieOf, EventReader, instructorCookie } from './support.js';

const LESSONS = path.join(import.meta.dirname, 'fixtures', 'lessons');
const SLUG = 'classroom-basics';
const LEARNERS = 10;

describe('classroom workshops', () => {
  let server: TestServer;
  let instructor: string;

  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-classroom', SLIPWAY_LESSONS_DIR: LESSONS, SLIPWAY_POOL_SIZE: '0' });
    instructor = await instructorCookie(server);
  });
  after(async () => {
    if (!server) return;
    await stopAndClean(server);
  });

  it('refuses instructor endpoints without the instructor cookie, and a learner cookie is not one', async () => {
    const learner = await call(server, 'POST', '/api/session', { body: {} });
    const learnerCookie = cookieOf(learner, 'slipway_session');
    const forged = `slipway_instructor=${decodeURIComponent(learnerCookie.split('=')[1]!)}`;
    for (const cookie of [undefined, learnerCookie, forged, 'slipway_instructor=abc.def']) {
      for (const [method, route] of [['GET', '/api/instructor/workshops'], ['POST', '/api/instructor/workshops'], ['GET', '/api/instructor/capacity'], ['GET', '/api/instructor/workshops/x/events'], ['GET', '/api/instructor/workshops/x/results.csv']] as const) {
        const res = await call(server, method, route, { cookie, body: method === 'POST' ? { title: 'x', lessons: [SLUG], expectedSize: 1, sessionMinutes: 30 } : undefined });
        assert.equal(res.status, 401, `${method} ${route} with ${cookie ?? 'no cookie'} answered ${res.status}`);
        assert.equal(res.body.error.code, 'not_instructor');
      }
    }
    // The one-time token works once; a wrong password never.
    const token = new URL(server.instructorLink(server.url)).searchParams.get('token')!;
    assert.equal((await call(server, 'POST', '/api/instructor/login', { body: { token } })).status, 200);
    assert.equal((await call(server, 'POST', '/api/instructor/login', { body: { token } })).status, 401);
    assert.equal((await call(server, 'POST', '/api/instructor/login', { body: { password: 'guess' } })).status, 401);
    assert.equal((await call(server, 'GET', '/api/instructor/workshops', { cookie: instructor })).status, 200);
  });

  it('answers bad input with a 4xx naming the field', async () => {
    const create = (body: unknown) => call(server, 'POST', '/api/instructor/workshops', { cookie: instructor, body });
    const good = { title: 'Docker 101', lessons: [SLUG], expectedSize: 5, sessionMinutes: 60 };
    for (const [body, field] of [
      [{ ...good, title: '' }, 'title'],
      [{ ...good, lessons: [] }, 'lessons'],
      [{ ...good, lessons: ['no-such-lesson'] }, 'lessons'],
      [{ ...good, expectedSize: 0 }, 'expectedSize'],
      [{ ...good, sessionMinutes: 'long' }, 'sessionMinutes'],
      [{ ...good, extra: 1 }, 'extra'],
    ] as const) {
      const res = await create(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error.message, new RegExp(field), `${JSON.stringify(body)} → ${res.body.error.message}`);
    }
    for (const [body, field, status] of [
      [{ code: 'AB', name: 'Ada' }, 'code', 400],
      [{ code: 'ABCDEF', name: '' }, 'name', 400],
      [{ name: 'Ada' }, 'code', 400],
      [{ code: '777777', name: 'Ada' }, 'code', 404],
    ] as const) {
      const res = await call(server, 'POST', '/api/classroom/join', { body });
      assert.equal(res.status, status, JSON.stringify(body));
      assert.match(res.body.error.message, new RegExp(field));
    }
    // A wrong code is told the exact rule, from the alphabet codes are made of, and which
    // characters it used that codes never do; a long name is refused with the limit, not cut.
    const foreign = await call(server, 'POST', '/api/classroom/join', { body: { code: 'k0q-1x4', name: 'Ada' } });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.error.message, `code: a join code is ${codeRule()}; "0" and "1" are never used in codes`);
    assert.match(foreign.body.error.message, /the letters A–Z except B, I, L, O, S, U, V and Z, and the digits 3, 4, 6, 7 and 9/);
    const long = await call(server, 'POST', '/api/classroom/join', { body: { code: '777777', name: 'x'.repeat(52) } });
    assert.equal(long.status, 400);
    assert.equal(long.body.error.message, `name: a name is at most ${NAME_MAX} characters; yours has 52`);
    const workshop = (await create(good)).body;
    const notStarted = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name: 'Ada' } });
    assert.equal(notStarted.status, 409);
    assert.match(notStarted.body.error.message, /not started/);
    const end = await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/end`, { cookie: instructor, body: {} });
    assert.equal(end.status, 400);
    assert.match(end.body.error.message, /confirm/);
    const extend = await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/extend`, { cookie: instructor, body: { minutes: -5 } });
    assert.equal(extend.status, 400);
    assert.match(extend.body.error.message, /minutes/);
    assert.equal((await call(server, 'GET', '/api/instructor/workshops/ws-nope', { cookie: instructor })).status, 404);
  });

  it(`runs a workshop: ${LEARNERS} learners join at once, each completes a step; feed, export and end agree`, async () => {
    // Someone outside the workshop (a playground user) whose sandbox must survive its end.
    const outsider = await learnerSession(server.url);

    const created = await call(server, 'POST', '/api/instructor/workshops', { cookie: instructor, body: { title: 'Classroom test', lessons: [SLUG], expectedSize: LEARNERS, sessionMinutes: 30 } });
    assert.equal(created.status, 201);
    const workshop = created.body;
    assert.match(workshop.code, /^[34679ACDEFGHJKMNPQRTWXY]{6}$/);
    const qr = await call(server, 'GET', `/api/instructor/workshops/${workshop.id}/qr.svg`, { cookie: instructor });
    assert.match(qr.text, /^<svg/);

    const feed = new EventReader(`${server.url}/api/instructor/workshops/${workshop.id}/events`, instructor);
    try {
      await feed.until('the snapshot', (events) => events.some((e) => e.type === 'snapshot'));
      assert.equal((await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/start`, { cookie: instructor })).status, 200);
      // Pre-warming, visible in the feed, up to the expected size (the machine holds more).
      await feed.until(`${LEARNERS} warm sandboxes`, (events) => events.some((e) => e.type === 'warm' && e.data.pooled >= LEARNERS), 120_000);
      const warm = feed.events.filter((e) => e.type === 'warm').map((e) => e.data);
      assert.ok(warm.some((w) => w.pooled < LEARNERS && w.target === LEARNERS), 'no progress was shown while warming');
      assert.ok(warm.at(-1).capacity.computation.some((line: string) => line.startsWith('memory:')));
      // Each warm sandbox's shell is opened ahead, so a learner finds a prompt waiting.
      const pooled = server.manager['store'].live().filter((r) => r.state === 'pooled').map((r) => r.id);
      await eventually('shells opened ahead in the warm sandboxes', () => pooled.every((id) => server.terminals.hub.get(id)));
      const openedAhead = new Map(pooled.map((id) => [id, server.terminals.hub.get(id)!.id]));

      const joined = await Promise.all(
        Array.from({ length: LEARNERS }, async (_, i) => {
          const res = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code.toLowerCase(), name: `Learner ${i + 1}` } });
          assert.equal(res.status, 200, res.text);
          return { name: `Learner ${i + 1}`, cookie: cookieOf(res, 'slipway_session'), me: res.body };
        }),
      );
      for (const learner of joined) {
        assert.equal(learner.me.status, 'ready');
        assert.ok(learner.me.expiresAt > Date.now() + 29 * 60_000 && learner.me.expiresAt <= Date.now() + 30 * 60_000);
      }
      const dashboard0 = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}`, { cookie: instructor })).body;
      const sandboxes = new Set(dashboard0.learners.map((l: any) => l.sandbox.id));
      assert.equal(sandboxes.size, LEARNERS, 'every learner has a sandbox of their own');
      assert.ok(!sandboxes.has(outsider.sandboxId));
      // Nobody has done anything yet; the lesson opens for everyone shortly after joining.
      let counts: unknown;
      await eventually('the lesson to open for every learner', async () => {
        counts = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}`, { cookie: instructor })).body.counts[0];
        return (counts as { working: number }).working === LEARNERS;
      });
      assert.deepEqual(counts, { not_started: 0, working: LEARNERS, failing: 0, skipped: 0, done: 0 });

      // Each learner completes step 1 in their own terminal.
      const terminals = await Promise.all(joined.map((l) => TermClient.connect(server.url, { cookie: l.cookie })));
      try {
        for (const t of terminals) assert.equal(t.hello?.terminal, openedAhead.get(t.hello!.sandboxId), 'the learner got a new shell, not the one opened ahead');
        await Promise.all(terminals.map(async (t) => {
          await t.waitFor(/#\s*$/, 60_000);
          await t.run('echo hello-classroom', /hello-classroom[\s\S]*#\s*$/, 30_000);
        }));
        const doneIn = (events: typeof feed.events) => {
          const latest = new Map<string, any>();
          for (const e of events) if (e.type === 'learner') latest.set(e.data.id, e.data);
          return [...latest.values()].filter((l) => l.cells[0].status === 'done');
        };
        await feed.until(`${LEARNERS} completions in the feed`, (events) => doneIn(events).length === LEARNERS, 60_000);
        const latest = doneIn(feed.events);
        assert.deepEqual(latest.map((l) => l.name).sort(), joined.map((l) => l.name).sort());
        assert.ok(latest.every((l) => l.cells[1].status !== 'done'), 'step 2 was reported done though nobody did it');

        const dashboard = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}`, { cookie: instructor })).body;
        assert.equal(dashboard.counts[0].done, LEARNERS);
        assert.equal(dashboard.counts[1].done, 0);
        assert.equal(dashboard.completions.length, LEARNERS);

        // The CSV export says the same.
        const csv = await call(server, 'GET', `/api/instructor/workshops/${workshop.id}/results.csv`, { cookie: instructor });
        assert.equal(csv.status, 200);
        assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
        const [header, ...lines] = csv.text.trim().split('\r\n').map((line) => line.split(','));
        assert.deepEqual(header, ['learner_id', 'learner', 'joined_at', 'removed', 'removed_at', 'readmitted_at', 'lesson', 'step', 'status', 'marked_by', 'done_at', 'skipped_at', 'attempts', 'hints_shown', 'solution_opened_at', 'runs']);
        const rows = lines.map((line) => Object.fromEntries(header!.map((key, i) => [key, line[i]!])));
        assert.equal(rows.length, LEARNERS * 2);
        for (const learner of dashboard.learners) {
          const hello = rows.find((r) => r.learner_id === learner.id && r.step === 'say-hello')!;
          assert.equal(hello.learner, learner.name);
          assert.equal(hello.lesson, SLUG);
          assert.equal(hello.joined_at, new Date(learner.joinedAt).toISOString());
          assert.deepEqual([hello.removed, hello.removed_at, hello.readmitted_at], ['false', '', '']);
          assert.equal(hello.status, 'done');
          assert.equal(hello.done_at, new Date(learner.cells[0].doneAt).toISOString());
          assert.ok(Number(hello.attempts) >= 1);
          const list = rows.find((r) => r.learner_id === learner.id && r.step === 'list-files')!;
          assert.equal(list.done_at, '');
          assert.notEqual(list.status, 'done');
        }

        // Reopening the link resumes the same sandbox.
        const again = await call(server, 'POST', '/api/classroom/join', { cookie: joined[0]!.cookie, body: { code: workshop.code, name: 'Learner 1' } });
        assert.equal(again.status, 200);
        assert.equal(cookieOf(again, 'slipway_session'), joined[0]!.cookie);
        const first = dashboard.learners.find((l: any) => l.name === 'Learner 1');
        const afterRejoin = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}`, { cookie: instructor })).body;
        assert.equal(afterRejoin.learners.find((l: any) => l.name === 'Learner 1').sandbox.id, first.sandbox.id);

        // Reopening the link under another name asks first. Keeping changes nothing; changing
        // renames the learner: the same id, sandbox and progress.
        const fourth = dashboard.learners.find((l: any) => l.name === 'Learner 4');
        const rejoin = (nameChoice?: string) => call(server, 'POST', '/api/classroom/join', { cookie: joined[3]!.cookie, body: { code: workshop.code, name: 'Sam', ...(nameChoice ? { nameChoice } : {}) } });
        const differs = await rejoin();
        assert.equal(differs.status, 409, differs.text);
        assert.equal(differs.body.error.code, 'name_differs');
        assert.match(differs.body.error.message, /"Learner 4".*"Sam"/);
        const kept = await rejoin('keep');
        assert.equal(kept.status, 200, kept.text);
        assert.equal(kept.body.name, 'Learner 4');
        const changed = await rejoin('change');
        assert.equal(changed.status, 200, changed.text);
        assert.equal(changed.body.name, 'Sam');
        assert.equal(cookieOf(changed, 'slipway_session'), joined[3]!.cookie);
        const sam = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}`, { cookie: instructor })).body.learners.find((l: any) => l.id === fourth.id);
        assert.equal(sam.name, 'Sam');
        assert.equal(sam.sandbox.id, fourth.sandbox.id);
        assert.equal(sam.cells[0].status, 'done');
        assert.equal(sam.cells[0].doneAt, fourth.cells[0].doneAt);
        assert.equal((await rejoin()).status, 200, 'the new name is the one kept');

        // The instructor views Learner 1's terminal read-only and sees their last command.
        const view = await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/learners/${first.id}/view`, { cookie: instructor });
        assert.equal(view.status, 200);
        const viewer = await TermClient.connect(server.url, { path: view.body.endpoint });
        assert.equal(viewer.hello?.mode, 'ro');
        await viewer.waitFor(/echo hello-classroom/);
        await viewer.close();

        // Extend one learner, then everyone; the sandbox's lifetime follows.
        const one = await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/learners/${first.id}/extend`, { cookie: instructor, body: { minutes: 15 } });
        assert.equal(one.body.expiresAt, first.expiresAt + 15 * 60_000);
        await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/extend`, { cookie: instructor, body: { minutes: 5 } });
        const me = (await call(server, 'GET', '/api/classroom/me', { cookie: joined[0]!.cookie })).body;
        assert.equal(me.expiresAt, first.expiresAt + 20 * 60_000);
        assert.equal(server.manager['store'].get(first.sandbox.id)!.expires_at, me.expiresAt);

        // Reset gives Learner 2 a fresh sandbox; their finished step stays finished.
        const second = dashboard.learners.find((l: any) => l.name === 'Learner 2');
        const reset = await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/learners/${second.id}/reset`, { cookie: instructor });
        assert.equal(reset.status, 200, reset.text);
        assert.notEqual(reset.body.sandbox.id, second.sandbox.id);
        assert.equal(reset.body.cells[0].status, 'done');

        // The idle timeout spares a workshop learner (their time in the workshop bounds them), not others.
        const idler = await learnerSession(server.url);
        const third = dashboard.learners.find((l: any) => l.name === 'Learner 3');
        server.db.prepare('UPDATE sandboxes SET last_active_at = 0 WHERE id IN (?, ?)').run(third.sandbox.id, idler.sandboxId);
        await server.manager.sweep();
        assert.equal(server.manager['store'].get(third.sandbox.id)!.ended_at, null, "a workshop learner's sandbox was ended as idle");
        assert.equal(server.manager['store'].get(idler.sandboxId)!.state, 'expired', 'the idle timeout no longer works outside workshops');
      } finally {
        await Promise.all(terminals.map((t) => t.close().catch(() => undefined)));
      }

      // Ending removes the workshop's sandboxes and nothing else; the results stay.
      const liveBefore = new Set((await server.driver.list()).map((b) => b.id));
      const ours = new Set(((await call(server, 'GET', `/api/instructor/workshops/${workshop.id}`, { cookie: instructor })).body.learners as any[]).map((l) => l.sandbox.id as string));
      assert.equal(ours.size, LEARNERS);
      for (const id of ours) assert.ok(liveBefore.has(id));
      const ended = await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/end`, { cookie: instructor, body: { confirm: true } });
      assert.equal(ended.status, 200, ended.text);
      assert.equal(ended.body.state, 'ended');
      const liveAfter = new Set((await server.driver.list()).map((b) => b.id));
      const rows = server.manager['store'].live().map((r) => `${r.id}:${r.state}:${r.session_id ?? '-'}`);
      assert.deepEqual([...liveAfter].sort(), [...liveBefore].filter((id) => !ours.has(id)).sort(), `live now: ${rows.join(' ')}`);
      assert.ok(liveAfter.has(outsider.sandboxId), "the outsider's sandbox was removed");
      const results = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}/results.json`, { cookie: instructor })).body;
      assert.equal(results.learners.length, LEARNERS);
      assert.ok(results.learners.every((l: any) => l.steps[0].doneAt !== null));
      // One time format: ISO 8601 UTC everywhere in the JSON, never epoch milliseconds.
      assert.match(results.workshop.endedAt, /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
      assert.match(results.learners[0].joinedAt, /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
      const epochs = JSON.stringify(results).match(/:\s*\d{12,}/g);
      assert.equal(epochs, null, `epoch milliseconds in the JSON export: ${epochs?.join(' ')}`);
      const late = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name: 'Late' } });
      assert.equal(late.status, 410);
      // A learner of the ended workshop cannot take a fresh sandbox through the lesson page.
      const fresh = await call(server, 'POST', '/api/session/sandbox', { cookie: joined[0]!.cookie });
      assert.equal(fresh.status, 403, fresh.text);
      assert.match(fresh.body.error.message, /workshop has ended/);
    } finally {
      await feed.close();
    }
  });

  it('keeps a removed learner in the roster, refuses them while removed, re-admits them with their progress; renames', async () => {
    const workshop = (await call(server, 'POST', '/api/instructor/workshops', { cookie: instructor, body: { title: 'Roster', lessons: [SLUG], expectedSize: 1, sessionMinutes: 30 } })).body;
    await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/start`, { cookie: instructor });
    const joinedRes = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name: 'Remy' } });
    assert.equal(joinedRes.status, 200, joinedRes.text);
    const cookie = cookieOf(joinedRes, 'slipway_session');
    // Some progress of theirs: the first step skipped.
    assert.equal((await call(server, 'POST', `/api/lessons/${SLUG}/open`, { cookie, body: {} })).status, 200);
    assert.equal((await call(server, 'POST', `/api/lessons/${SLUG}/steps/say-hello/skip`, { cookie, body: {} })).status, 200);
    const roster = async () => (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}`, { cookie: instructor })).body.learners as any[];
    const before = (await roster())[0];
    assert.equal(before.cells[0].status, 'skipped');
    const base = `/api/instructor/workshops/${workshop.id}/learners/${before.id}`;

    // Removed: still in the roster, marked with the time; refused a sandbox and a rejoin.
    assert.equal((await call(server, 'DELETE', base, { cookie: instructor })).status, 204);
    const removed = (await roster()).find((l) => l.id === before.id);
    assert.ok(removed, 'a removed learner vanished from the roster');
    assert.equal(removed.removed, true);
    assert.equal(typeof removed.removedAt, 'number');
    assert.equal(removed.sandbox, null, `the removed learner still has a sandbox (${JSON.stringify(removed.sandbox)}; before the removal: ${before.sandbox?.id})`);
    const refusedSandbox = await call(server, 'POST', '/api/session/sandbox', { cookie });
    assert.equal(refusedSandbox.status, 403, refusedSandbox.text);
    assert.match(refusedSandbox.body.error.message, /removed you/);
    const refusedJoin = await call(server, 'POST', '/api/classroom/join', { cookie, body: { code: workshop.code, name: 'Remy' } });
    assert.equal(refusedJoin.status, 403);
    assert.equal(refusedJoin.body.error.code, 'removed');
    assert.equal((await call(server, 'GET', '/api/classroom/me', { cookie })).body.status, 'removed');
    const reset = await call(server, 'POST', `${base}/reset`, { cookie: instructor });
    assert.equal(reset.status, 403, reset.text);
    // Nothing still queued for them (the lesson opened ahead after joining) gives them one back.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await roster()).find((l) => l.id === before.id).sandbox, null, 'the removed learner got a sandbox again');

    // Re-admitted: the same learner with their progress, a sandbox again, and their session works.
    const back = await call(server, 'POST', `${base}/readmit`, { cookie: instructor });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.body.id, before.id);
    assert.equal(back.body.removed, false);
    assert.equal(back.body.removedAt, null);
    assert.equal(typeof back.body.readmittedAt, 'number');
    assert.ok(back.body.sandbox, 'the re-admitted learner got no sandbox');
    assert.equal(back.body.cells[0].status, 'skipped');
    assert.equal(back.body.cells[0].skippedAt, before.cells[0].skippedAt);
    assert.equal((await call(server, 'GET', '/api/classroom/me', { cookie })).body.status, 'ready');
    const sandbox = await call(server, 'POST', '/api/session/sandbox', { cookie });
    assert.equal(sandbox.status, 200, sandbox.text);
    assert.equal(sandbox.body.sandbox.id, back.body.sandbox.id);
    const rejoined = await call(server, 'POST', '/api/classroom/join', { cookie, body: { code: workshop.code, name: 'Remy' } });
    assert.equal(rejoined.status, 200, rejoined.text);
    assert.equal((await call(server, 'POST', `${base}/readmit`, { cookie: instructor })).status, 200, 're-admitting someone who is in changes nothing');

    // Renamed: same id and progress; the learner's own pages say the new name; the limit holds.
    const renamed = await call(server, 'POST', `${base}/name`, { cookie: instructor, body: { name: '  Remy Bernard ' } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.body.id, before.id);
    assert.equal(renamed.body.name, 'Remy Bernard');
    assert.equal(renamed.body.cells[0].status, 'skipped');
    assert.equal((await call(server, 'GET', '/api/classroom/me', { cookie })).body.name, 'Remy Bernard');
    const tooLong = await call(server, 'POST', `${base}/name`, { cookie: instructor, body: { name: 'y'.repeat(52) } });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.error.message, `name: a name is at most ${NAME_MAX} characters; yours has 52`);
    assert.equal((await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/learners/nobody/name`, { cookie: instructor, body: { name: 'X' } })).status, 404);
    assert.equal((await call(server, 'POST', `${base}/name`, { body: { name: 'X' } })).status, 401);

    // After the end nobody is re-admitted; the roster still lists everyone.
    assert.equal((await call(server, 'DELETE', base, { cookie: instructor })).status, 204);
    await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/end`, { cookie: instructor, body: { confirm: true } });
    const late = await call(server, 'POST', `${base}/readmit`, { cookie: instructor });
    assert.equal(late.status, 409, late.text);
    assert.match(late.body.error.message, /ended/);
    assert.equal((await roster()).length, 1);
    const csv = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}/results.csv`, { cookie: instructor })).text.trim().split('\r\n');
    assert.match(csv[1]!, new RegExp(`^${before.id},Remy Bernard,\\d{4}-[^,]+Z,true,\\d{4}-[^,]+Z,\\d{4}-[^,]+Z,${SLUG},say-hello,skipped,,,\\d{4}-[^,]+Z,\\d+,0,,0$`));
  });

  it('queues a learner when the machine is full, with their place, and admits them when room frees', async () => {
    const live = (await server.driver.list()).length;
    const saved = server.config.maxSandboxes;
    server.config.maxSandboxes = live + 1;
    try {
      const workshop = (await call(server, 'POST', '/api/instructor/workshops', { cookie: instructor, body: { title: 'Full room', lessons: [SLUG], expectedSize: 2, sessionMinutes: 30 } })).body;
      await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/start`, { cookie: instructor });
      // The instructor waits for the warm-up (the room's one free place) before people join.
      await eventually('the warm-up', () => server.classroom.warmProgress().pooled === 1, 60_000, 100);
      const first = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name: 'First' } });
      assert.equal(first.status, 200, first.text);
      const second = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name: 'Second' } });
      assert.equal(second.status, 202, second.text);
      assert.equal(second.body.status, 'queued');
      assert.equal(second.body.position, 1);
      const secondCookie = cookieOf(second, 'slipway_session');
      const third = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name: 'Third' } });
      assert.equal(third.body.position, 2);

      const dashboard = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}`, { cookie: instructor })).body;
      const firstId = dashboard.learners.find((l: any) => l.name === 'First').id;
      assert.equal(dashboard.learners.find((l: any) => l.name === 'Second').queuePosition, 1);
      assert.equal((await call(server, 'DELETE', `/api/instructor/workshops/${workshop.id}/learners/${firstId}`, { cookie: instructor })).status, 204);
      await eventually('the queued learner to get a sandbox', async () => (await call(server, 'GET', '/api/classroom/me', { cookie: secondCookie })).body.status === 'ready', 60_000, 250);
      const removed = await call(server, 'POST', '/api/classroom/join', { cookie: cookieOf(first, 'slipway_session'), body: { code: workshop.code, name: 'First' } });
      assert.equal(removed.status, 403);
      await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/end`, { cookie: instructor, body: { confirm: true } });
    } finally {
      server.config.maxSandboxes = saved;
    }
  });
});
