// The lessons API (/api/lessons...): the lessons the server knows with the session's progress in
// each, the lesson files it could not load, and what help the learner used (hints, solution, Run
// buttons) for the exports. A lesson's progress itself is in progress.ts: it only changes
// through the check engine.
import { z } from 'zod';

export const lessonSummary = z.object({
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  order: z.number(),
  minutes: z.number().nullable(),
  /** How many steps the lesson has, and how many of them this session has done. */
  steps: z.number().int(),
  done: z.number().int(),
});
export type LessonSummary = z.infer<typeof lessonSummary>;

/** A lesson file that could not be loaded, so an author sees why a lesson is missing. */
export const lessonProblem = z.object({ file: z.string(), message: z.string() });
export type LessonProblem = z.infer<typeof lessonProblem>;

/** GET /api/lessons */
export const lessonList = z.object({ lessons: z.array(lessonSummary), problems: z.array(lessonProblem) });
export type LessonList = z.infer<typeof lessonList>;

/**
 * POST /api/lessons/:slug/usage: the learner used some help: showed hint number `hint` (0 for
 * the first) of a step, opened its solution, or pressed a Run button (a lesson's code block, or
 * the solution's). Without `step`, the step they are on. Counted for the exports; never progress.
 */
export const usageBody = z
  .object({
    kind: z.enum(['hint', 'solution', 'run']),
    step: z.string().min(1).max(120).optional(),
    hint: z.number().int().min(0).max(50).optional(),
  })
  .strict();
export type UsageBody = z.infer<typeof usageBody>;
