// /api/lessons: the lessons the server knows, and a session's progress in them. Progress only
// changes through the check engine: there is no endpoint to mark a step done.
import { Router, type Request } from 'express';
import { LessonChecks, ChecksError } from '../checks/service.js';
import type { LessonLibrary } from '../lessons/library.js';
import type { Sessions } from '../sessions/sessions.js';
import type { ProgressStore } from '../store/progress.js';
import { currentSession } from './current-session.js';
import { HttpError } from './errors.js';
import { sessionIdOf } from './session-cookie.js';

const STATUS: Record<ChecksError['code'], number> = { no_lesson: 404, not_open: 409, no_sandbox: 409, no_step: 404, step_done: 409 };

function slugOf(req: Request): string {
  const slug = String(req.params.slug ?? '');
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) throw new HttpError(404, 'no_lesson', `No lesson "${slug.slice(0, 80)}".`);
  return slug;
}

/** Runs a route body, turning the check engine's errors into HTTP answers. */
async function answer<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ChecksError) throw new HttpError(STATUS[err.code], err.code, err.message);
    throw err;
  }
}

export function lessonRoutes(checks: LessonChecks, library: LessonLibrary, sessions: Sessions, progress: ProgressStore): Router {
  const router = Router();

  router.get('/api/lessons', (req, res) => {
    const id = sessionIdOf(req);
    const session = id ? sessions.get(id) : undefined;
    const rows = session ? progress.allSteps(session.id) : [];
    res.json({
      lessons: library.list().map(({ slug, lesson }) => ({
        slug,
        title: lesson.title,
        description: lesson.description,
        order: lesson.order,
        minutes: lesson.minutes ?? null,
        steps: lesson.steps.length,
        done: lesson.steps.filter((s) => rows.some((r) => r.lesson === slug && r.step === s.id && r.done_at)).length,
      })),
      // Lesson files that could not be loaded, so an author sees why a lesson is missing.
      problems: library.problems(),
    });
  });

  router.get('/api/lessons/:slug/progress', async (req, res) => {
    const slug = slugOf(req);
    const session = currentSession(sessions, req);
    res.json(await answer(() => checks.view(session.id, slug)));
  });

  router.post('/api/lessons/:slug/open', async (req, res) => {
    const slug = slugOf(req);
    const session = currentSession(sessions, req);
    res.json(await answer(() => checks.open(session, slug)));
  });

  router.post('/api/lessons/:slug/check', async (req, res) => {
    const slug = slugOf(req);
    const session = currentSession(sessions, req);
    res.json(await answer(() => checks.check(session, slug)));
  });

  // The learner skips a step: recorded as skipped (never as done), the next steps go on.
  router.post('/api/lessons/:slug/steps/:step/skip', async (req, res) => {
    const slug = slugOf(req);
    const step = String(req.params.step ?? '');
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(step)) throw new HttpError(404, 'no_step', `Lesson "${slug}" has no step "${step.slice(0, 80)}".`);
    const session = currentSession(sessions, req);
    res.json(await answer(() => checks.skip(session, slug, step)));
  });

  return router;
}
