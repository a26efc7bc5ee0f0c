// The lessons API (/api/lessons...): the lessons the server knows with the session's progress in
// each, and the lesson files it could not load. A lesson's progress itself is in progress.ts;
// there is no body to send: progress only changes through the check engine.
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
