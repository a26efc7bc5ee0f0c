// GET /api/session/events: the session's channel of the feed as server-sent events. On connect
// it sends the last opened lesson's progress (`progress`), then each step whose result changes
// (`step`), sandbox changes, notices and what an instructor did (`classroom`); the events are the shared contract's
// (contract/learner-events.ts). EventSource reconnects by itself and gets a fresh snapshot, so
// nothing is lost.
import { Router } from 'express';
import { LEARNER_EVENTS_PATH, learnerEvent, type LearnerEvent } from '../../contract/learner-events.js';
import type { LessonChecks } from '../checks/service.js';
import type { LearnerChannel } from '../feed/index.js';
import type { Logger } from '../log.js';
import type { Sessions } from '../sessions/sessions.js';
import { currentSession } from './current-session.js';
import { streamEvents } from './event-stream.js';

export function eventRoutes(checks: LessonChecks, sessions: Sessions, learners: LearnerChannel, log: Logger): Router {
  const router = Router();

  router.get(LEARNER_EVENTS_PATH, (req, res) => {
    const session = currentSession(sessions, req);
    streamEvents<LearnerEvent>(req, res, {
      follow: (subscription) => learners.subscribe(session.id, subscription),
      initial: () => {
        const snapshot = checks.resume(session);
        return snapshot ? [{ type: 'progress', data: snapshot }] : [];
      },
      // The lesson page trusts these events (src/lib/lesson-events.ts): each is checked here.
      contract: { schema: learnerEvent, log },
    });
  });

  return router;
}
