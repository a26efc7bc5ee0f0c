// The class view over HTTP on the real engine: two learners of a workshop, each in their own
// sandbox, publish ports the wrong way round for a step whose check knows that near miss; a
// third does the step right. The dashboard groups the two under the one diagnosis ("host and
// container ports swapped", "2 of 3"), with exactly their ids, and the third in no group; a
// hint to that group reaches exactly those two learners' event streams.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DashboardView } from '../../contract/dashboard.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { TermClient } from '../terminal/support/client.js';
import { eventually } from '../terminal/support/wait.js';
import { LEARNER_EVENTS_PATH } from '../../contract/learner-paths.js';
import { call, cookieOf, EventReader, instructorCookie, type SseEvent } from './support.js';

const LESSONS = path.join(import.meta.dirname, 'fixtures', 'lessons');
const SLUG = 'classroom-ports';

describe('the class view', () => {
  let server: TestServer;
  let instructor: string;

  before(async () => {
    server = await startTestServer({ SLIPWAY_INSTANCE: 'test-classview', SLIPWAY_LESSONS_DIR: LESSONS, SLIPWAY_POOL_SIZE: '0' });
    instructor = await instructorCookie(server);
  });
  after(async () => {
    if (!server) return;
    await stopAndClean(server);
  });

  it('groups two learners who swapped host and container ports under that diagnosis', async () => {
    const workshop = (await call(server, 'POST', '/api/instructor/workshops', { cookie: instructor, body: { title: 'Ports', lessons: [SLUG], expectedSize: 3, sessionMinutes: 30 } })).body;
    assert.equal((await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/start`, { cookie: instructor })).status, 200);
    const names = ['Ada', 'Grace', 'Linus'];
    const joined = await Promise.all(names.map(async (name) => {
      const res = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name } });
      assert.equal(res.status, 200, res.text);
      return { name, cookie: cookieOf(res, 'slipway_session') };
    }));
    const dashboard = async () => (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}`, { cookie: instructor })).body as DashboardView;
    await eventually('the lesson to open for every learner', async () => (await dashboard()).counts[0]!.working === names.length, 60_000);

    const terminals = await Promise.all(joined.map((l) => TermClient.connect(server.url, { cookie: l.cookie })));
    try {
      const commands = {
        Ada: 'docker run -d --name web -p 80:8080 busybox httpd -f -p 8080',
        Grace: 'docker run -d --name web -p 80:8080 busybox httpd -f -p 8080',
        Linus: 'docker run -d --name web -p 8080:80 busybox httpd -f -p 80',
      };
      await Promise.all(terminals.map(async (t, i) => {
        await t.waitFor(/#\s*$/, 60_000);
        await t.run(`${commands[names[i] as keyof typeof commands]} >/dev/null && echo started-web`, /started-web[\s\S]*#\s*$/, 120_000);
      }));
      let view: DashboardView | undefined;
      await eventually('the two who swapped the ports to fail the step, the third to be done', async () => {
        view = await dashboard();
        const status = (name: string) => view!.learners.find((l) => l.name === name)!.cells[0]!.status;
        return status('Ada') === 'failing' && status('Grace') === 'failing' && status('Linus') === 'done';
      }, 60_000);
      const id = (name: string) => view!.learners.find((l) => l.name === name)!.id;
      assert.equal(view!.failures.length, 1, JSON.stringify(view!.failures));
      const [group] = view!.failures;
      assert.equal(group!.step, 'publish-port');
      assert.equal(group!.reason, 'host and container ports swapped');
      assert.equal(group!.diagnosed, true);
      assert.equal(group!.of, 3);
      assert.deepEqual([...group!.learners].sort(), [id('Ada'), id('Grace')].sort());
      assert.match(group!.example, /the ports are the wrong way round/);
      // A hint to that group (what "Select these 2" then the hint sends) reaches exactly them.
      const streams = joined.map((l) => new EventReader(`${server.url}${LEARNER_EVENTS_PATH}`, l.cookie));
      try {
        await Promise.all(streams.map((s) => s.until('the stream to open', (events) => events.length > 0)));
        const sent = await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/messages`, { cookie: instructor, body: { text: 'The host port comes first.', learners: group!.learners } });
        assert.deepEqual([sent.status, [...sent.body.names].sort()], [200, ['Ada', 'Grace']]);
        const hinted = (events: SseEvent[]) => events.some((e) => e.type === 'classroom' && e.data.action === 'hint' && e.data.message === 'The host port comes first.');
        await Promise.all(streams.slice(0, 2).map((s) => s.until('the hint to reach Ada and Grace', hinted)));
        const checkpoint = await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/messages`, { cookie: instructor, body: { text: 'Checkpoint for Linus', learners: [id('Linus')] } });
        assert.equal(checkpoint.status, 200);
        // Linus's stream carries the later hint meant for him, and never the group's.
        await streams[2]!.until('the later hint to reach Linus', (events) => events.some((e) => e.type === 'classroom' && e.data.message === 'Checkpoint for Linus'));
        assert.equal(hinted(streams[2]!.events), false, "the group's hint reached Linus");
      } finally {
        await Promise.all(streams.map((s) => s.close()));
      }
      // Both are active, so neither is idle; one failed attempt each is not yet stuck.
      for (const name of ['Ada', 'Grace']) {
        const learner = view!.learners.find((l) => l.name === name)!;
        assert.equal(learner.idle, null);
        assert.ok(Date.now() - learner.lastActivityAt < 120_000, `${name}'s last activity is ${learner.lastActivityAt}`);
      }
    } finally {
      await Promise.all(terminals.map((t) => t.close().catch(() => undefined)));
    }
  });
});
