// Classroom figures: 30 learners joining at once (join → terminal prompt over the WebSocket),
// with sandboxes pre-warmed by the workshop and without (the server's standby sandboxes then,
// as it keeps them by default; each learner types `docker run hello-world` at once: join → its
// end); instructor actions (more time, a message to everyone, a hint, a reset) reaching a
// learner's event stream while all 30 follow theirs; then the host memory used by those 30
// sandboxes each running lesson 4's compose app (Flask + Redis).
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { names } from '../sandbox-server/labels.js';
import { TermClient } from '../tests/terminal/support/client.js';
import { followLearnerEvents, percentile, round, startBenchServer, waitUntil, type Bench, type BenchServer } from './support.js';

const LEARNERS = 30;
const LESSON = 'compose-flask-redis';

async function json(server: BenchServer, method: string, route: string, cookie: string | undefined, body?: unknown): Promise<{ status: number; body: any; cookie: string | undefined }> {
  const res = await fetch(`${server.url}${route}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  return { status: res.status, body: await res.json().catch(() => undefined), cookie: set[0] };
}

async function instructor(server: BenchServer): Promise<string> {
  const token = new URL(server.instructorLink(server.url)).searchParams.get('token');
  const res = await json(server, 'POST', '/api/instructor/login', undefined, { token });
  return res.cookie!;
}

/**
 * 30 learners join at once; each time is join request → prompt on their terminal. With
 * `firstCommand`, each then types `docker run --rm hello-world` the moment the prompt appears,
 * timed from the join to its end (a cold sandbox's engine may still be starting then).
 */
async function joinWave(server: BenchServer, code: string, firstCommand = false): Promise<{ times: number[]; joinTimes: number[]; firstCommandTimes: number[]; clients: TermClient[]; cookies: string[] }> {
  const results = await Promise.all(
    Array.from({ length: LEARNERS }, async (_, i) => {
      const started = performance.now();
      const joined = await json(server, 'POST', '/api/classroom/join', undefined, { code, name: `Learner ${i + 1}` });
      if (joined.status !== 200) throw new Error(`join answered ${joined.status}: ${JSON.stringify(joined.body)}`);
      const joinMs = performance.now() - started;
      const client = await TermClient.connect(server.url, { cookie: joined.cookie! });
      await client.waitFor(/#\s*$/, 120_000);
      const ms = performance.now() - started;
      let firstMs = 0;
      if (firstCommand) {
        const out = await client.run('docker run --rm hello-world >/dev/null 2>&1; echo "first-done-$?"', /first-done-\d+/, 300_000);
        if (!/first-done-0/.test(out)) throw new Error(`docker run hello-world failed in a cold sandbox: ${out.slice(-500)}`);
        firstMs = performance.now() - started;
      }
      return { ms, joinMs, firstMs, client, cookie: joined.cookie! };
    }),
  );
  return {
    times: results.map((r) => r.ms),
    joinTimes: results.map((r) => r.joinMs),
    firstCommandTimes: results.map((r) => r.firstMs),
    clients: results.map((r) => r.client),
    cookies: results.map((r) => r.cookie),
  };
}

/**
 * Follows the session's event stream and notes each instructor action it delivers (its
 * `classroom` events, in performance.now() time) until `signal` aborts: the moment the page hears it.
 */
async function followClassroom(url: string, cookie: string, signal: AbortSignal): Promise<Array<{ action: string; at: number }>> {
  const heard: Array<{ action: string; at: number }> = [];
  await followLearnerEvents(url, cookie, signal, (type, data, at) => {
    if (type === 'classroom') heard.push({ action: (data as { action: string }).action, at });
  });
  return heard;
}

/** Milliseconds from `started` until the learner's stream delivers `action`. */
async function heardAfter(heard: Array<{ action: string; at: number }>, action: string, started: number): Promise<number> {
  await waitUntil(`the learner's stream to deliver "${action}"`, () => heard.some((h) => h.action === action && h.at >= started), 120_000, 2);
  return heard.find((h) => h.action === action && h.at >= started)!.at - started;
}

async function workshop(server: BenchServer, cookie: string, expectedSize: number): Promise<{ id: string; code: string }> {
  const created = await json(server, 'POST', '/api/instructor/workshops', cookie, { title: 'bench', lessons: [LESSON], expectedSize, sessionMinutes: 60 });
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
  await json(server, 'POST', `/api/instructor/workshops/${created.body.id}/start`, cookie);
  return created.body;
}

const COMPOSE = fs
  .readFileSync(path.resolve('lessons/04-compose-flask-redis/index.mdx'), 'utf8')
  .match(/cat > compose.yaml <<'EOF'\n([\s\S]*?)\n\s*EOF/)![1]!
  .replace(/^ {8}/gm, '');

/** Resident memory of a sandbox (its cgroup: the inner engine and everything it runs), page cache excluded. */
async function sandboxMemory(docker: Docker, instance: string, id: string): Promise<number> {
  const stats = (await docker.getContainer(names.sandboxContainer(instance, id)).stats({ stream: false })) as any;
  const usage = stats.memory_stats?.usage ?? 0;
  const cache = stats.memory_stats?.stats?.inactive_file ?? stats.memory_stats?.stats?.total_inactive_file ?? 0;
  return usage - cache;
}

export default {
  name: 'classroom: 30 learners join, pre-warmed and cold; memory of 30 running lesson-4 apps',
  async run() {
    // Standby as an operator gets it by default (bench servers otherwise run without).
    const server = await startBenchServer({ SLIPWAY_LESSONS_DIR: path.resolve('lessons'), SLIPWAY_SANDBOX_MEMORY: '1.5g', SLIPWAY_MAX_SANDBOXES: '70', SLIPWAY_STANDBY: '30' });
    const clients: TermClient[] = [];
    try {
      const cookie = await instructor(server);

      // Cold: a workshop expecting one learner, so nothing is pre-warmed for the others; while
      // it runs the server keeps sandboxes on standby (containers started, engines not), the
      // time that takes and what one costs are figures of their own. Then 30 join at once.
      const standbyStarted = performance.now();
      const cold = await workshop(server, cookie, 1);
      await waitUntil('the sandboxes on standby', () => server.classroom.warmProgress().standby.ready >= LEARNERS, 600_000, 200);
      const standbySeconds = (performance.now() - standbyStarted) / 1000;
      await new Promise((r) => setTimeout(r, 5000));
      const docker = new Docker();
      const standbyRows = server.manager.store.live().filter((r) => r.state === 'pooled' && r.standby);
      const standbyMiB = (await Promise.all(standbyRows.map((r) => sandboxMemory(docker, server.config.instance, r.id)))).reduce((a, b) => a + b, 0) / 1024 ** 2 / standbyRows.length;
      const coldWave = await joinWave(server, cold.code, true);
      clients.push(...coldWave.clients);
      for (const c of coldWave.clients) await c.close();
      await json(server, 'POST', `/api/instructor/workshops/${cold.id}/end`, cookie, { confirm: true });

      // Pre-warmed: the instructor starts the workshop and waits for the warm-up.
      const warmStarted = performance.now();
      const warm = await workshop(server, cookie, LEARNERS);
      await waitUntil('30 warm sandboxes', () => server.classroom.warmProgress().pooled >= LEARNERS, 600_000, 500);
      const warmupSeconds = (performance.now() - warmStarted) / 1000;
      const warmWave = await joinWave(server, warm.code);
      clients.push(...warmWave.clients);

      // Instructor actions while all 30 follow their event streams: each timed from the
      // instructor's request to that learner's stream delivering it. More time for each learner
      // in turn; a reset for five (delivered as it begins; the fresh sandbox is timed apart).
      const streams = new AbortController();
      const actionTimes: number[] = [];
      const freshTimes: number[] = [];
      const messageToAll: number[] = [];
      try {
        const heard = await Promise.all(warmWave.cookies.map((c) => followClassroom(server.url, c, streams.signal)));
        const learnerIds = new Map<string, string>((await json(server, 'GET', `/api/instructor/workshops/${warm.id}`, cookie)).body.learners.map((l: any) => [l.name, l.id]));
        const idOf = (i: number) => learnerIds.get(`Learner ${i + 1}`)!;
        for (let i = 0; i < LEARNERS; i++) {
          const started = performance.now();
          const extended = await json(server, 'POST', `/api/instructor/workshops/${warm.id}/learners/${idOf(i)}/extend`, cookie, { minutes: 15 });
          if (extended.status !== 200) throw new Error(`extend answered ${extended.status}: ${JSON.stringify(extended.body)}`);
          actionTimes.push(await heardAfter(heard[i]!, 'extended', started));
        }
        // A message to everyone: each learner's stream timed from the one request; a hint to
        // each learner in turn.
        for (let round = 0; round < 3; round++) {
          const started = performance.now();
          const sent = await json(server, 'POST', `/api/instructor/workshops/${warm.id}/messages`, cookie, { text: `Round ${round + 1}: look at the projector.` });
          if (sent.status !== 200) throw new Error(`the message answered ${sent.status}: ${JSON.stringify(sent.body)}`);
          const each = await Promise.all(heard.map((h) => heardAfter(h, 'message', started)));
          actionTimes.push(...each);
          messageToAll.push(Math.max(...each));
        }
        for (let i = 0; i < LEARNERS; i++) {
          const started = performance.now();
          const sent = await json(server, 'POST', `/api/instructor/workshops/${warm.id}/messages`, cookie, { text: 'Host port first.', learners: [idOf(i)] });
          if (sent.status !== 200) throw new Error(`the hint answered ${sent.status}: ${JSON.stringify(sent.body)}`);
          actionTimes.push(await heardAfter(heard[i]!, 'hint', started));
        }
        for (let i = 0; i < 5; i++) {
          const started = performance.now();
          const reset = json(server, 'POST', `/api/instructor/workshops/${warm.id}/learners/${idOf(i)}/reset`, cookie);
          actionTimes.push(await heardAfter(heard[i]!, 'resetting', started));
          if ((await reset).status !== 200) throw new Error(`reset answered ${(await reset).status}: ${JSON.stringify((await reset).body)}`);
          freshTimes.push(await heardAfter(heard[i]!, 'reset', started));
        }
      } finally {
        streams.abort();
      }

      // Each learner's lesson page opens the lesson (its starter files); each of the 30 then
      // runs lesson 4's compose app; then the host memory they use.
      const dashboard = (await json(server, 'GET', `/api/instructor/workshops/${warm.id}`, cookie)).body;
      const ids: string[] = dashboard.learners.map((l: any) => l.sandbox.id);
      for (const learner of warmWave.cookies) {
        const opened = await json(server, 'POST', `/api/lessons/${LESSON}/open`, learner);
        if (opened.status !== 200) throw new Error(`opening the lesson answered ${opened.status}: ${JSON.stringify(opened.body)}`);
      }
      const idleMiB = (await Promise.all(ids.map((id) => sandboxMemory(docker, server.config.instance, id)))).reduce((a, b) => a + b, 0) / 1024 ** 2;
      let next = 0;
      await Promise.all(
        Array.from({ length: 3 }, async () => {
          while (next < ids.length) {
            const id = ids[next++]!;
            const result = await server.driver.exec(id, ['sh', '-c', 'cd /root/workshop/counter && cat > compose.yaml && docker compose up -d --wait 2>&1 | tail -3'], { stdin: COMPOSE, timeoutMs: 300_000 });
            if (result.exitCode !== 0) throw new Error(`compose up failed in ${id}: ${result.stdout}${result.stderr}`);
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 5000));
      const activeMiB = (await Promise.all(ids.map((id) => sandboxMemory(docker, server.config.instance, id)))).reduce((a, b) => a + b, 0) / 1024 ** 2;

      return {
        'classroom.join_to_prompt_ms.p50': round(percentile(warmWave.times, 50)),
        'classroom.join_to_prompt_ms.p95': round(percentile(warmWave.times, 95)),
        'classroom.join_http_ms.p95': round(percentile(warmWave.joinTimes, 95)),
        'classroom.instructor_action_to_learner_ms.p50': round(percentile(actionTimes, 50)),
        'classroom.instructor_action_to_learner_ms.p95': round(percentile(actionTimes, 95)),
        'classroom.instructor_reset_to_fresh_sandbox_ms.p95': round(percentile(freshTimes, 95)),
        'classroom.message_to_all_30_learners_ms.max': round(Math.max(...messageToAll)),
        'classroom.join_to_prompt_cold_ms.p50': round(percentile(coldWave.times, 50)),
        'classroom.join_to_prompt_cold_ms.p95': round(percentile(coldWave.times, 95)),
        'classroom.first_docker_command_cold_ms.p50': round(percentile(coldWave.firstCommandTimes, 50)),
        'classroom.first_docker_command_cold_ms.p95': round(percentile(coldWave.firstCommandTimes, 95)),
        'classroom.standby_30_fill_s': round(standbySeconds),
        'classroom.standby_memory_mib': round(standbyMiB),
        'classroom.warmup_30_s': round(warmupSeconds),
        'classroom.memory_30_idle_mib': round(idleMiB, 0),
        'classroom.memory_30_active_mib': round(activeMiB, 0),
      };
    } finally {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await server.classroom.stop();
      await server.dispose();
    }
  },
} satisfies Bench;
