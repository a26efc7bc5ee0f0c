// What an instructor did to one learner, as that learner's lesson page hears it on its event
// stream (contract/learner-events.ts, type `classroom`), and the learner's own place in the
// workshop (also GET /api/classroom/me). Kept apart from classroom-api.ts so that the lesson
// page, which parses these, does not carry the instructor API's schemas.
import { z } from 'zod';

/** What the learner's own pages show: their workshop, time left, their place in a queue. */
export const learnerState = z.object({
  workshop: z.object({ title: z.string(), code: z.string(), state: z.string(), lessons: z.array(z.object({ slug: z.string(), title: z.string() })) }),
  name: z.string(),
  status: z.enum(['ready', 'queued', 'removed', 'ended']),
  position: z.number().int().nullable(),
  expiresAt: z.number().nullable(),
  warnBeforeMs: z.number(),
  /** The server's clock when it answered (ms since the epoch): a page counts down by it, not by its own clock. */
  now: z.number(),
  /** The first lesson's page, where a learner who joined starts. */
  start: z.string(),
  /** The workshop has ended and the operator lets its learners keep practising in a sandbox (SLIPWAY_PRACTICE_AFTER_END). */
  practice: z.boolean(),
  /** The learner's raised hand ("I need help"), until they lower it or an instructor clears it. */
  hand: z.object({ line: z.string(), raisedAt: z.number() }).nullable(),
  /** The latest message or hint the instructor sent this learner, while it is news (a page opened later still shows it). */
  message: z.object({ action: z.enum(['message', 'hint']), by: z.string(), at: z.number(), title: z.string(), message: z.string() }).nullable(),
});
export type LearnerState = z.infer<typeof learnerState>;

/**
 * `resetting` comes when the instructor's reset begins (the old sandbox goes), `reset` once the
 * fresh one is there; the others when each is done. `message` is a message to the whole room,
 * `hint` one to this learner (alone or in a selection); `hand_cleared` an instructor saw the
 * raised hand; `marked` / `unmarked` an instructor marked a step done or not done.
 */
export const classroomAction = z.enum(['resetting', 'reset', 'extended', 'removed', 'readmitted', 'ended', 'message', 'hint', 'hand_cleared', 'marked', 'unmarked']);
export type ClassroomAction = z.infer<typeof classroomAction>;

export const classroomNotice = z.object({
  action: classroomAction,
  /** Who did it, as the page names them ("Your instructor"). */
  by: z.string(),
  /** When (ms since the epoch, the server's clock). */
  at: z.number(),
  /** A few words, for the banner's title. */
  title: z.string(),
  /** Who did what and what it means for the learner, in plain words. */
  message: z.string(),
  /** The learner's place in the workshop after it: the page's timer, buttons and terminal follow it. */
  me: learnerState,
});
export type ClassroomNotice = z.infer<typeof classroomNotice>;
