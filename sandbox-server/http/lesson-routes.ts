// /api/lessons: the lessons the server knows, and a session's progress in them. Progress only
// changes through the check engine: there is no endpoint to mark a step done. The check
// engine's refusals (ChecksError) reach errors.ts, which gives their status.
import { Router, type Request } from 'express';
import { usageBody, type LessonList } from '../../contract/lessons-api.js';
import { isSlug } from '../../contract/slug.js';
import type { LessonChecks } from '../checks/service.js';
import type { LessonLibrary } from '../lessons/library.js';
import { sessionIdOf } from '../sessions/cookie.js';
import type { Sessions } from '../sessions/sessions.js';
import type { ProgressStore } from '../store/progress.js';
import { currentSession } from './current-session.js';
import { HttpError } from './errors.js';

function slugOf(req: Request): string {
  const slug = String(req.params.slug ?? '');
  if (!isSlug(slug)) throw new HttpError('no_lesson', `No lesson "${slug.slice(0, 80)}".`);
  return slug;
}

export function lessonRoutes(checks: LessonChecks, library: LessonLibrary, sessions: Sessions, progress: ProgressStore): Router {
  const router = Router();

  router.get('/api/lessons', (req, res) => {
    const id = sessionIdOf(req);
    const session = id ? sessions.get(id) : undefined;
    const rows = session ? progress.allSteps(session.id) : [];
    const list: LessonList = {
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
    };
    res.json(list);
  });

  router.get('/api/lessons/:slug/progress', async (req, res) => {
    const slug = slugOf(req);
    const session = currentSession(sessions, req);
    res.json(checks.view(session.id, slug));
  });

  router.post('/api/lessons/:slug/open', async (req, res) => {
    const slug = slugOf(req);
    const session = currentSession(sessions, req);
    res.json(await checks.open(session, slug));
  });

  router.post('/api/lessons/:slug/check', async (req, res) => {
    const slug = slugOf(req);
    const session = currentSession(sessions, req);
    res.json(await checks.check(session, slug));
  });

  // The learner skips a step: recorded as skipped (never as done), the next steps go on.
  router.post('/api/lessons/:slug/steps/:step/skip', async (req, res) => {
    const slug = slugOf(req);
    const step = String(req.params.step ?? '');
    if (!isSlug(step)) throw new HttpError('no_step', `Lesson "${slug}" has no step "${step.slice(0, 80)}".`);
    const session = currentSession(sessions, req);
    res.json(await checks.skip(session, slug, step));
  });

  // Help the learner used (a hint, the solution, a Run button), for the instructor's exports.
  router.post('/api/lessons/:slug/usage', (req, res) => {
    const slug = slugOf(req);
    const session = currentSession(sessions, req);
    checks.noteUse(session, slug, usageBody.parse(req.body ?? {}));
    res.status(204).end();
  });

  return router;
}
