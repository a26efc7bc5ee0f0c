// Moving a learner to another browser (their laptop died): the instructor asks for a one-time
// link (POST .../learners/:learner/relink, in the audit log), and the new browser that opens it
// hands in its token (POST /api/classroom/relink) for that learner's session cookie. The token
// is the only credential (classroom/relink.ts); it never reaches a log: the join page takes it
// out of the address bar and sends it in the body, and these routes log nothing of the request.
import { Router, type Request } from 'express';
import { relinkBody, type LearnerState, type RelinkGrant } from '../../contract/classroom-api.js';
import type { Classroom } from '../classroom/classroom.js';
import { learnerId } from '../classroom/dashboard.js';
import { currentInstructor, type InstructorAuth } from '../classroom/instructor-auth.js';
import { qrSvg } from '../classroom/qr.js';
import type { Relinks } from '../classroom/relink.js';
import type { Config } from '../config/config.js';
import { setSessionCookie } from '../sessions/cookie.js';
import type { Audited } from './audited.js';
import { HttpError } from './errors.js';
import { ipKey, limit } from './rate-limits.js';

const param = (req: Request, name: string) => String(req.params[name] ?? '').slice(0, 80);

export function relinkRoutes(relinks: Relinks, classroom: Pick<Classroom, 'learnerState'>, auth: InstructorAuth, audited: Audited, rates: Pick<Config, 'rateJoin'>): Router {
  const router = Router();

  // Every exchange counts, per address, at the joins' rate: tokens are too long to guess, and a
  // real class moves a handful of learners a day.
  const exchangeLimit = limit(rates.rateJoin, { what: 'links to another browser opened from this address', key: ipKey });

  router.post('/api/classroom/relink', exchangeLimit, (req, res) => {
    const body = relinkBody.parse(req.body ?? {});
    const learner = relinks.redeem(body.token);
    const me: LearnerState | undefined = classroom.learnerState(learner.session_id);
    if (!me) throw new HttpError('not_in_workshop', 'This learner is no longer in a workshop: ask the instructor.');
    setSessionCookie(res, learner.session_id, req.secure);
    res.json(me);
  });

  router.post('/api/instructor/workshops/:id/learners/:learner/relink', auth.require, audited('relink_learner'), async (req, res) => {
    const { token, expiresAt, learner } = relinks.issue(param(req, 'id'), param(req, 'learner'), currentInstructor(res));
    const url = `${req.protocol}://${req.get('host') ?? 'localhost'}/join/?relink=${encodeURIComponent(token)}`;
    const grant: RelinkGrant = { url, qrSvg: await qrSvg(url), learner: { id: learnerId(learner.session_id), name: learner.display_name }, expiresAt };
    res.set('cache-control', 'no-store').status(201).json(grant);
  });

  return router;
}
