// GET /api/session/events: a server-sent event stream of the session's progress. On connect it
// sends the last opened lesson's progress (`progress`), then each step whose result changes
// (`step`), sandbox changes and notices; the events are the shared contract's
// (contract/learner-events.ts). EventSource reconnects by itself and gets a fresh snapshot, so
// nothing is lost.
import { Router } from 'express';
import { LEARNER_EVENTS_PATH, type LearnerEvent } from '../../contract/learner-events.js';
import type { LessonChecks } from '../checks/service.js';
import type { Sessions } from '../sessions/sessions.js';
import { currentSession } from './current-session.js';
import { openEventStream } from './event-stream.js';

/** Proxies drop idle connections; a comment line now and then keeps the stream open. */
const HEARTBEAT_MS = 15_000;

export function eventRoutes(checks: LessonChecks, sessions: Sessions): Router {
  const router = Router();

  router.get(LEARNER_EVENTS_PATH, (req, res) => {
    const session = currentSession(sessions, req);
    if (!openEventStream(req, res)) return;

    let id = 0;
    const write = (event: LearnerEvent) => {
      res.write(`id: ${++id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    };
    const unsubscribe = checks.subscribe(session.id, (event) => {
      if (event.type === 'shutdown') res.end();
      else write(event);
    });
    const snapshot = checks.resume(session);
    if (snapshot) write({ type: 'progress', data: snapshot });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  return router;
}
