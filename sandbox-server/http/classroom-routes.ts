// Classroom HTTP API. Learners: POST /api/classroom/join (code + name → session cookie and a
// sandbox, or a place in the queue), GET /api/classroom/me. Instructors (/api/instructor/*):
// log in, create/start/end workshops, the live dashboard (SSE), per-learner actions, exports.
// Every instructor endpoint but login/status answers 401 without the instructor cookie.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { VIEWER_PATH } from '../../contract/terminal.js';
import type { Config } from '../config/config.js';
import { ClassroomError, type Classroom, type DashboardEvent } from '../classroom/classroom.js';
import { normalizeCode, CODE_ALPHABET, CODE_LENGTH } from '../classroom/codes.js';
import { resultsCsv, resultsJson } from '../classroom/export.js';
import type { InstructorAuth } from '../classroom/instructor-auth.js';
import { qrSvg } from '../classroom/qr.js';
import type { Sessions } from '../sessions/sessions.js';
import type { ViewerTokens } from '../terminal/authorize.js';
import { HttpError } from './errors.js';
import { openEventStream } from './event-stream.js';
import { ipKey, limit } from './rate-limits.js';
import { sessionIdOf, setSessionCookie } from './session-cookie.js';

const HEARTBEAT_MS = 15_000;
const VIEW_TTL_MS = 30 * 60_000;

const joinBody = z
  .object({
    code: z
      .string()
      .transform(normalizeCode)
      .pipe(z.string().regex(new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`), `a join code is ${CODE_LENGTH} letters and digits as shown on the projector`)),
    name: z.string().trim().min(1, 'give a display name').max(40, 'at most 40 characters'),
  })
  .strict();

const loginBody = z.object({ token: z.string().min(1).max(200).optional(), password: z.string().min(1).max(200).optional() }).strict();

const createBody = z
  .object({
    title: z.string().trim().min(1, 'give the workshop a title').max(120),
    lessons: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a lesson slug')).min(1, 'pick at least one lesson').max(20),
    expectedSize: z.number().int().min(1).max(500),
    sessionMinutes: z.number().int().min(5).max(24 * 60),
  })
  .strict();

const extendBody = z.object({ minutes: z.number().int().min(1).max(8 * 60) }).strict();
const endBody = z.object({ confirm: z.literal(true, { errorMap: () => ({ message: 'send confirm: true to end the workshop and destroy its sandboxes' }) }) }).strict();

/** Turns the classroom's refusals into HTTP answers. */
async function answer<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ClassroomError) throw new HttpError(err.status, err.code, err.message);
    throw err;
  }
}

const param = (req: Request, name: string) => String(req.params[name] ?? '').slice(0, 80);

function joinUrl(req: Request, path: string): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${path}`;
}

export function learnerClassroomRoutes(classroom: Classroom, sessions: Sessions, rates: Pick<Config, 'rateJoin'>): Router {
  const router = Router();

  // Counts, per address, the joins that add a learner or fail (guessing codes, filling the
  // queue with made-up learners). A learner of this workshop joining again (another tab, the
  // join page polling its place in the queue every few seconds) never counts.
  const joinLimit = limit(rates.rateJoin, {
    what: 'workshop joins from this address',
    key: ipKey,
    skip: (req) => {
      const id = sessionIdOf(req);
      const code = (req.body as { code?: unknown } | undefined)?.code;
      const state = id ? classroom.learnerState(id) : undefined;
      return state !== undefined && typeof code === 'string' && state.workshop.code === normalizeCode(code);
    },
  });

  router.post('/api/classroom/join', joinLimit, async (req, res) => {
    const body = joinBody.parse(req.body ?? {});
    const existingId = sessionIdOf(req);
    const existing = existingId ? sessions.get(existingId) : undefined;
    const result = await answer(() => classroom.join(body.code, body.name, existing));
    setSessionCookie(res, result.session.id, req.secure);
    res.status(result.status === 'queued' ? 202 : 200).json(result.me);
  });

  router.get('/api/classroom/me', (req, res) => {
    const id = sessionIdOf(req);
    const state = id ? classroom.learnerState(id) : undefined;
    if (!state) throw new HttpError(404, 'not_in_workshop', 'This browser has not joined a workshop.');
    res.json(state);
  });

  return router;
}

export function instructorRoutes(classroom: Classroom, auth: InstructorAuth, viewerTokens: ViewerTokens, rates: Pick<Config, 'rateLogin'>): Router {
  const router = Router();

  // Password guessing: failed logins per address. Past the limit every login from that
  // address waits, the right password included, so guessing cannot go on between successes.
  const loginLimit = limit(rates.rateLogin, { what: 'failed instructor logins from this address', key: ipKey, failedOnly: true });

  router.get('/api/instructor/status', (req, res) => {
    res.json({ instructor: auth.isInstructor(req), passwordEnabled: auth.passwordEnabled });
  });

  router.post('/api/instructor/login', loginLimit, (req, res) => {
    const body = loginBody.parse(req.body ?? {});
    if (!body.token && !body.password) throw new HttpError(400, 'invalid_input', 'token or password: give one of them');
    if (!auth.login(body)) {
      throw new HttpError(401, 'bad_credentials', body.token ? 'This instructor link was already used or is from an earlier start; use the link the server printed last, or the password.' : 'Wrong instructor password.');
    }
    auth.setCookie(res, req.secure);
    res.json({ instructor: true });
  });

  // Everything below needs the instructor cookie.
  router.use('/api/instructor', auth.require);

  router.get('/api/instructor/capacity', (_req, res) => {
    res.json(classroom.warmProgress());
  });

  router.get('/api/instructor/workshops', (_req, res) => {
    res.json({ workshops: classroom.list() });
  });

  router.post('/api/instructor/workshops', async (req, res) => {
    const body = createBody.parse(req.body ?? {});
    res.status(201).json(await answer(() => classroom.create(body)));
  });

  router.get('/api/instructor/workshops/:id', async (req, res) => {
    res.json(await answer(() => classroom.dashboard(param(req, 'id'))));
  });

  router.post('/api/instructor/workshops/:id/start', async (req, res) => {
    res.json(await answer(() => classroom.startWorkshop(param(req, 'id'))));
  });

  router.post('/api/instructor/workshops/:id/end', async (req, res) => {
    endBody.parse(req.body ?? {});
    res.json(await answer(() => classroom.end(param(req, 'id'))));
  });

  router.get('/api/instructor/workshops/:id/qr.svg', async (req, res) => {
    const workshop = await answer(() => classroom.dashboard(param(req, 'id')).workshop);
    res.type('image/svg+xml').set('cache-control', 'no-store').send(await qrSvg(joinUrl(req, workshop.joinPath)));
  });

  router.get('/api/instructor/workshops/:id/results.csv', async (req, res) => {
    const view = await answer(() => classroom.dashboard(param(req, 'id')));
    res
      .type('text/csv; charset=utf-8')
      .set('content-disposition', `attachment; filename="workshop-${view.workshop.code}-results.csv"`)
      .send(resultsCsv(view));
  });

  router.get('/api/instructor/workshops/:id/results.json', async (req, res) => {
    const view = await answer(() => classroom.dashboard(param(req, 'id')));
    res.set('content-disposition', `attachment; filename="workshop-${view.workshop.code}-results.json"`).json(resultsJson(view));
  });

  router.post('/api/instructor/workshops/:id/extend', async (req, res) => {
    const body = extendBody.parse(req.body ?? {});
    res.json({ learners: await answer(() => classroom.extend(param(req, 'id'), null, body.minutes)) });
  });

  router.post('/api/instructor/workshops/:id/learners/:learner/extend', async (req, res) => {
    const body = extendBody.parse(req.body ?? {});
    const [learner] = await answer(() => classroom.extend(param(req, 'id'), param(req, 'learner'), body.minutes));
    res.json(learner);
  });

  router.post('/api/instructor/workshops/:id/learners/:learner/reset', async (req, res) => {
    res.json(await answer(() => classroom.resetLearner(param(req, 'id'), param(req, 'learner'))));
  });

  router.delete('/api/instructor/workshops/:id/learners/:learner', async (req, res) => {
    await answer(() => classroom.remove(param(req, 'id'), param(req, 'learner')));
    res.status(204).end();
  });

  // A read-only view of the learner's terminal: a viewer token for the terminal WebSocket.
  router.post('/api/instructor/workshops/:id/learners/:learner/view', async (req, res) => {
    const sandboxId = await answer(() => classroom.sandboxOf(param(req, 'id'), param(req, 'learner')));
    const token = viewerTokens.issue(sandboxId, { mode: 'ro', ttlMs: VIEW_TTL_MS });
    res.json({ endpoint: `${VIEWER_PATH}?token=${encodeURIComponent(token)}`, sandbox: sandboxId, expiresAt: Date.now() + VIEW_TTL_MS });
  });

  // The live dashboard: a snapshot, then learner/workshop/warm events as they happen.
  router.get('/api/instructor/workshops/:id/events', async (req, res: Response) => {
    const id = param(req, 'id');
    const snapshot = await answer(() => classroom.dashboard(id));
    if (!openEventStream(req, res)) return;
    let seq = 0;
    const write = (type: string, data: unknown) => res.write(`id: ${++seq}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    const unsubscribe = classroom.subscribe(id, (event: DashboardEvent) => {
      if (event.type === 'shutdown') res.end();
      else write(event.type, event.data);
    });
    write('snapshot', snapshot);
    write('warm', classroom.warmProgress());
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  return router;
}
