// The server the fuzzer attacks: a real Slipway on the real engine with ONE sandbox, which the
// learner session the fuzzer uses already has (so no fuzz case ever makes the server create
// another: the machine holds one, and that session's allowance of new sandboxes is spent), a
// running workshop, an instructor cookie and a viewer token. Every error-level log line is
// recorded: a request the server could not handle shows there even when the client got a 4xx.
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createSlipwayServer, type SlipwayServer } from '../../../sandbox-server/server.js';
import { requireEngine } from '../../support/engine.js';
import { removeTestInstallation, testConfig } from '../../support/server.js';
import { learnerSession } from '../../terminal/support/client.js';
import { cookieFrom, describeAnswer, request } from './http.js';

export interface FuzzTarget {
  server: SlipwayServer;
  url: string;
  /** The learner session whose sandbox exists (cookie `slipway_session=…`). */
  learnerCookie: string;
  sandboxId: string;
  instructorCookie: string;
  workshop: { id: string; code: string };
  /** A read-only viewer token for the sandbox. */
  viewerToken: string;
  /** Error-level log lines since the last take. */
  takeErrors(): string[];
  stop(): Promise<void>;
}

export async function startFuzzTarget(instance: string, lessonSlug = 'hello-containers'): Promise<FuzzTarget> {
  await requireEngine();
  const errors: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        const level = (JSON.parse(line) as { level?: number }).level ?? 0;
        if (level >= 50) {
          errors.push(line);
          process.stdout.write(`${line}\n`);
        }
      }
      done();
    },
  });
  const config = testConfig({
    SLIPWAY_INSTANCE: instance,
    SLIPWAY_MAX_SANDBOXES: '1',
    // The fuzz session made its one sandbox: resets are refused (429), never carried out.
    SLIPWAY_RATE_SANDBOX: '1/1h',
    LOG_LEVEL: 'warn',
  });
  const log = pino({ level: 'warn', base: { service: 'slipway' } }, sink);
  const server = createSlipwayServer(config, { log });
  const url = await server.start(() => undefined);

  const stop = async () => {
    const backend = await server.driver.list();
    await Promise.all(backend.map((b) => server.driver.destroy(b.id)));
    await server.classroom.stop();
    await server.stop();
    fs.rmSync(config.dataPath, { recursive: true, force: true });
    await removeTestInstallation(config.instance);
  };
  try {
    const learner = await learnerSession(url);
    const token = new URL(server.instructorLink(url)).searchParams.get('token')!;
    const instructorCookie = cookieFrom(await request(url, 'POST', '/api/instructor/login', { body: { token } }), 'slipway_instructor');
    const created = await request(url, 'POST', '/api/instructor/workshops', { cookie: instructorCookie, body: { title: 'Fuzz', lessons: [lessonSlug], expectedSize: 1, sessionMinutes: 60 } });
    if (created.status !== 201) throw new Error(`could not create the workshop: ${describeAnswer(created)}`);
    const workshop = { id: created.json.id as string, code: created.json.code as string };
    const started = await request(url, 'POST', `/api/instructor/workshops/${workshop.id}/start`, { cookie: instructorCookie });
    if (started.status !== 200) throw new Error(`could not start the workshop: ${describeAnswer(started)}`);
    return {
      server,
      url,
      learnerCookie: learner.cookie,
      sandboxId: learner.sandboxId,
      instructorCookie,
      workshop,
      viewerToken: server.terminals.viewerTokens.issue(learner.sandboxId, { ttlMs: 24 * 3600_000 }),
      takeErrors: () => errors.splice(0),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
