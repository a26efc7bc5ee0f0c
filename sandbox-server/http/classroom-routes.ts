// Classroom HTTP API. Learners: POST /api/classroom/join (code + name → session cookie and a
// sandbox, or a place in the queue), GET /api/classroom/me. Instructors (/api/instructor/*):
// log in, create/start/end workshops, the live dashboard (SSE), per-learner actions (reset,
// extend, remove, re-admit, rename, read-only terminal), exports; named instructors invite each
// other by one-time link, and every action is in the workshop's audit log (audited.ts).
// Every instructor endpoint but login/status answers 401 without the instructor cookie. Bodies
// are checked against the shared contract (contract/classroom-api.ts); the classroom's refusals
// (ClassroomError) reach errors.ts, which gives their status.
import { Router, type Request, type Response } from 'express';
import { createWorkshopBody, endBody, extendBody, handBody, joinBody, loginBody, markStepBody, messageBody, normalizeCode, renameBody, type InstructorStatus, type MessageSent, type TerminalViewGrant, type WorkshopList } from '../../contract/classroom-api.js';
import type { DashboardEvent } from '../../contract/dashboard.js';
import { DEFAULT_INSTRUCTOR_NAME, inviteBody, renameSelfBody, type AuditLog, type InstructorIdentity, type InviteGrant } from '../../contract/instructors.js';
import { VIEWER_PATH } from '../../contract/terminal.js';
import type { Classroom } from '../classroom/classroom.js';
import type { AuditTrail } from '../classroom/audit.js';
import { auditCsv, resultsCsv, resultsJson } from '../classroom/export.js';
import { currentInstructor, type InstructorAuth } from '../classroom/instructor-auth.js';
import { qrSvg } from '../classroom/qr.js';
import type { Config } from '../config/config.js';
import { sessionIdOf, setSessionCookie } from '../sessions/cookie.js';
import type { Sessions } from '../sessions/sessions.js';
import type { Terminals } from '../terminal/index.js';
import type { WorkshopChannel } from '../feed/index.js';
import type { Audited } from './audited.js';
import { HttpError } from './errors.js';
import { streamEvents } from './event-stream.js';
import { ipKey, limit } from './rate-limits.js';

const VIEW_TTL_MS = 30 * 60_000;

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
    const result = await classroom.join(body.code, body.name, existing, body.nameChoice);
    setSessionCookie(res, result.session.id, req.secure);
    res.status(result.status === 'queued' ? 202 : 200).json(result.me);
  });

  router.get('/api/classroom/me', (req, res) => {
    const id = sessionIdOf(req);
    const state = id ? classroom.learnerState(id) : undefined;
    if (!state) throw new HttpError('not_in_workshop', 'This browser has not joined a workshop.');
    res.json(state);
  });

  // "I need help": the learner raises their hand (with an optional line) or lowers it.
  const learnerSession = (req: Request): string => {
    const id = sessionIdOf(req);
    if (!id || !classroom.learnerState(id)) throw new HttpError('not_in_workshop', 'This browser has not joined a workshop.');
    return id;
  };
  router.post('/api/classroom/hand', (req, res) => {
    const body = handBody.parse(req.body ?? {});
    res.json(classroom.helpRoom.raiseHand(learnerSession(req), body.line ?? ''));
  });
  router.delete('/api/classroom/hand', (req, res) => {
    res.json(classroom.helpRoom.lowerHand(learnerSession(req)));
  });

  return router;
}

/** The name learners are told acted on them: none for the default account ("Your instructor" alone reads better than "Your instructor Instructor"). */
const spokenName = (res: Response): string | null => {
  const { name } = currentInstructor(res);
  return name === DEFAULT_INSTRUCTOR_NAME ? null : name;
};

const minutes = (n: number) => (n === 1 ? '1 more minute' : `${n} more minutes`);

export function instructorRoutes(classroom: Classroom, workshops: WorkshopChannel, auth: InstructorAuth, terminals: Pick<Terminals, 'viewerTokens' | 'hub'>, rates: Pick<Config, 'rateLogin'>, trail: AuditTrail, audited: Audited): Router {
  const router = Router();

  // Password guessing: failed logins per address. Past the limit every login from that
  // address waits, the right password included, so guessing cannot go on between successes.
  const loginLimit = limit(rates.rateLogin, { what: 'failed instructor logins from this address', key: ipKey, failedOnly: true });

  router.get('/api/instructor/status', (req, res) => {
    const me = auth.instructorOf(req) ?? null;
    const status: InstructorStatus = { instructor: me !== null, passwordEnabled: auth.passwordEnabled, me };
    res.json(status);
  });

  // Three ways in: the console's one-time link or the password (into the named account the body
  // asks for, or the default one), or a co-instructor's one-time invite (into the account made
  // for them). The login itself goes in the log too: who came in and how.
  router.post('/api/instructor/login', loginLimit, (req, res) => {
    const body = loginBody.parse(req.body ?? {});
    let instructor: InstructorIdentity;
    let how: string;
    if (body.invite !== undefined) {
      const redeemed = auth.accounts.redeem(body.invite);
      instructor = redeemed.instructor;
      how = `invited by ${redeemed.invitedBy?.name ?? 'an instructor'}`;
    } else {
      if (!auth.login(body)) {
        throw new HttpError('bad_credentials', body.token ? 'This instructor link was already used or is from an earlier start; use the link the server printed last, or the password.' : 'Wrong instructor password.');
      }
      instructor = auth.accounts.byName(body.name);
      how = body.token ? 'with the console link' : 'with the password';
    }
    trail.record({ instructor, action: 'login', details: how });
    auth.setCookie(res, req.secure, instructor);
    res.json({ instructor: true, me: instructor });
  });

  // Everything below needs the instructor cookie.
  router.use('/api/instructor', auth.require);

  // Who is logged in, and their own name (the first instructor starts as "Instructor").
  router.post(
    '/api/instructor/me',
    audited('rename_self', (req) => ({ details: `now "${renameSelfBody.safeParse(req.body).data?.name ?? ''}"` })),
    (req, res) => {
      const body = renameSelfBody.parse(req.body ?? {});
      res.json(auth.accounts.rename(currentInstructor(res).id, body.name));
    },
  );

  // A one-time link for a co-instructor, under the name given: it works once, for an hour.
  router.post(
    '/api/instructor/invites',
    audited('invite', (req) => ({ details: inviteBody.safeParse(req.body).data?.name ?? null })),
    (req, res) => {
      const body = inviteBody.parse(req.body ?? {});
      const { token, expiresAt } = auth.accounts.invite(body.name, currentInstructor(res));
      const grant: InviteGrant = { url: joinUrl(req, `/instructor/?invite=${encodeURIComponent(token)}`), name: body.name, expiresAt };
      res.status(201).json(grant);
    },
  );

  router.get('/api/instructor/capacity', (_req, res) => {
    res.json(classroom.warmProgress());
  });

  router.get('/api/instructor/workshops', (_req, res) => {
    const list: WorkshopList = { workshops: classroom.list() };
    res.json(list);
  });

  router.post('/api/instructor/workshops', audited('create_workshop', (_req, answer) => {
    const created = answer as { id?: unknown; title?: unknown } | undefined;
    return { workshopId: typeof created?.id === 'string' ? created.id : null, details: typeof created?.title === 'string' ? created.title : null };
  }), async (req, res) => {
    const body = createWorkshopBody.parse(req.body ?? {});
    res.status(201).json(classroom.create(body));
  });

  router.get('/api/instructor/workshops/:id', async (req, res) => {
    res.json(classroom.dashboard(param(req, 'id')));
  });

  router.post('/api/instructor/workshops/:id/start', audited('start_workshop'), async (req, res) => {
    res.json(classroom.startWorkshop(param(req, 'id')));
  });

  router.post('/api/instructor/workshops/:id/end', audited('end_workshop'), async (req, res) => {
    endBody.parse(req.body ?? {});
    res.json(await classroom.end(param(req, 'id'), spokenName(res)));
  });

  router.get('/api/instructor/workshops/:id/qr.svg', async (req, res) => {
    const { workshop } = classroom.dashboard(param(req, 'id'));
    res.type('image/svg+xml').set('cache-control', 'no-store').send(await qrSvg(joinUrl(req, workshop.joinPath)));
  });

  router.get('/api/instructor/workshops/:id/results.csv', (req, res) => {
    const view = classroom.dashboard(param(req, 'id'));
    res
      .type('text/csv; charset=utf-8')
      .set('content-disposition', `attachment; filename="workshop-${view.workshop.code}-results.csv"`)
      .send(resultsCsv(view));
  });

  router.get('/api/instructor/workshops/:id/results.json', (req, res) => {
    const view = classroom.dashboard(param(req, 'id'));
    res.set('content-disposition', `attachment; filename="workshop-${view.workshop.code}-results.json"`).json(resultsJson(view, Date.now(), trail.forWorkshop(view.workshop.id)));
  });

  // The audit log: who did what, newest first (the dashboard's list), and as CSV.
  router.get('/api/instructor/workshops/:id/audit', (req, res) => {
    const id = classroom.workshop(param(req, 'id')).id;
    const log: AuditLog = { entries: trail.forWorkshop(id) };
    res.set('cache-control', 'no-store').json(log);
  });

  router.get('/api/instructor/workshops/:id/audit.csv', (req, res) => {
    const workshop = classroom.workshop(param(req, 'id'));
    res
      .type('text/csv; charset=utf-8')
      .set('content-disposition', `attachment; filename="workshop-${workshop.code}-audit.csv"`)
      .send(auditCsv(trail.forWorkshop(workshop.id)));
  });

  router.post('/api/instructor/workshops/:id/extend', audited('extend_workshop', (req) => ({ details: minutes(extendBody.safeParse(req.body).data?.minutes ?? 0) })), async (req, res) => {
    const body = extendBody.parse(req.body ?? {});
    res.json({ learners: await classroom.extend(param(req, 'id'), null, body.minutes, spokenName(res)) });
  });

  router.post('/api/instructor/workshops/:id/learners/:learner/extend', audited('extend_learner', (req) => ({ details: minutes(extendBody.safeParse(req.body).data?.minutes ?? 0) })), async (req, res) => {
    const body = extendBody.parse(req.body ?? {});
    const [learner] = await classroom.extend(param(req, 'id'), param(req, 'learner'), body.minutes, spokenName(res));
    res.json(learner);
  });

  router.post('/api/instructor/workshops/:id/learners/:learner/reset', audited('reset_learner'), async (req, res) => {
    res.json(await classroom.resetLearner(param(req, 'id'), param(req, 'learner'), spokenName(res)));
  });

  router.delete('/api/instructor/workshops/:id/learners/:learner', audited('remove_learner'), async (req, res) => {
    await classroom.remove(param(req, 'id'), param(req, 'learner'), spokenName(res));
    res.status(204).end();
  });

  // The roster: a removed learner stays listed and may be taken back; any learner renamed.
  router.post('/api/instructor/workshops/:id/learners/:learner/readmit', audited('readmit_learner'), async (req, res) => {
    res.json(await classroom.readmit(param(req, 'id'), param(req, 'learner'), spokenName(res)));
  });

  router.post('/api/instructor/workshops/:id/learners/:learner/name', audited('rename_learner', (req) => ({ details: renameBody.safeParse(req.body).data?.name ?? null })), async (req, res) => {
    const body = renameBody.parse(req.body ?? {});
    res.json(classroom.rename(param(req, 'id'), param(req, 'learner'), body.name));
  });

  // Helping the room: a message to everyone, or a hint to chosen learners (a banner on their
  // pages); a raised hand seen and lowered; a step marked done or not done when a check misfired.
  const isHint = (req: Request) => Array.isArray((req.body as { learners?: unknown } | undefined)?.learners);
  const quoted = (text: string | undefined) => (text === undefined ? null : `"${text.length > 120 ? `${text.slice(0, 119)}…` : text}"`);
  router.post(
    '/api/instructor/workshops/:id/messages',
    audited(
      (req) => (isHint(req) ? 'hint' : 'message_all'),
      (req, answer) => {
        const text = quoted(messageBody.safeParse(req.body).data?.text);
        return { details: isHint(req) ? `to ${((answer as MessageSent | undefined)?.names ?? []).join(', ')}: ${text ?? ''}` : text };
      },
    ),
    (req, res) => {
      const body = messageBody.parse(req.body ?? {});
      const names = classroom.helpRoom.message(param(req, 'id'), body.learners, body.text, spokenName(res));
      const sent: MessageSent = { learners: names.length, names: body.learners ? names : [] };
      res.json(sent);
    },
  );

  router.post('/api/instructor/workshops/:id/learners/:learner/hand/clear', audited('clear_hand'), (req, res) => {
    res.json(classroom.helpRoom.clearHand(param(req, 'id'), param(req, 'learner'), spokenName(res)));
  });

  router.post(
    '/api/instructor/workshops/:id/learners/:learner/steps',
    audited('mark_step', (req) => {
      const body = markStepBody.safeParse(req.body).data;
      return { details: body ? `${body.lesson}/${body.step} ${body.done ? 'done' : 'not done'}` : null };
    }),
    async (req, res) => {
      const body = markStepBody.parse(req.body ?? {});
      res.json(await classroom.helpRoom.markStep(param(req, 'id'), param(req, 'learner'), body.lesson, body.step, body.done, spokenName(res)));
    },
  );

  // A read-only view of the learner's terminal: a viewer token for the terminal WebSocket.
  router.post('/api/instructor/workshops/:id/learners/:learner/view', audited('view_terminal'), async (req, res) => {
    const sandboxId = await classroom.sandboxOf(param(req, 'id'), param(req, 'learner'));
    const token = terminals.viewerTokens.issue(sandboxId, { mode: 'ro', ttlMs: VIEW_TTL_MS });
    const tabs = terminals.hub.tabs(sandboxId);
    const grant: TerminalViewGrant = { endpoint: `${VIEWER_PATH}?token=${encodeURIComponent(token)}`, sandbox: sandboxId, expiresAt: Date.now() + VIEW_TTL_MS, tabs: tabs.length ? tabs : [1] };
    res.json(grant);
  });

  // The live dashboard: a snapshot, then learner/workshop/warm events as they happen.
  router.get('/api/instructor/workshops/:id/events', (req, res: Response) => {
    const id = param(req, 'id');
    // Before the stream opens, so that an unknown workshop is a 404, not an empty stream.
    const snapshot = classroom.dashboard(id);
    streamEvents<DashboardEvent>(req, res, {
      follow: (subscription) => workshops.subscribe(id, subscription),
      initial: () => [
        { type: 'snapshot', data: snapshot },
        { type: 'warm', data: classroom.warmProgress() },
      ],
    });
  });

  return router;
}
