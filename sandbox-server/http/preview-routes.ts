// The web preview's API: a learner asks for a link to a port of their own sandbox; an
// instructor for a link to a port of a learner's. The preview itself is served on ports of its
// own, or hosts of its own in subdomain mode (preview/previews.ts), never by these routes.
import { Router } from 'express';
import { LEARNER_PREVIEW_PATH, previewBody } from '../../contract/preview-api.js';
import type { Classroom } from '../classroom/classroom.js';
import type { InstructorAuth } from '../classroom/instructor-auth.js';
import type { Previews } from '../preview/previews.js';
import type { Sessions } from '../sessions/sessions.js';
import type { Audited } from './audited.js';
import { currentSession } from './current-session.js';
import { HttpError } from './errors.js';

const param = (value: unknown) => String(value ?? '').slice(0, 80);

export function previewRoutes(previews: Previews, sessions: Sessions, classroom: Classroom, auth: InstructorAuth, audited: Audited): Router {
  const router = Router();

  router.post(LEARNER_PREVIEW_PATH, async (req, res) => {
    const session = currentSession(sessions, req);
    const { port } = previewBody.parse(req.body ?? {});
    const sandbox = sessions.liveSandbox(session);
    if (!sandbox) throw new HttpError('no_sandbox', 'You have no sandbox right now: start one from the lesson page, run your app, then open its preview.');
    res.json(await previews.link(sandbox.id, port, { host: req.host, protocol: req.protocol }));
  });

  const previewOpened = audited('open_preview', (req) => ({ details: `port ${previewBody.safeParse(req.body).data?.port ?? '?'}` }));
  router.post('/api/instructor/workshops/:id/learners/:learner/preview', auth.require, previewOpened, async (req, res) => {
    const { port } = previewBody.parse(req.body ?? {});
    const sandboxId = classroom.sandboxOf(param(req.params.id), param(req.params.learner));
    res.json(await previews.link(sandboxId, port, { host: req.host, protocol: req.protocol }));
  });

  return router;
}
