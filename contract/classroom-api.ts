// The classroom API: the bodies learners (/api/classroom/...) and instructors
// (/api/instructor/...) send, which the server validates with these schemas, and what it answers
// that is not the dashboard itself (dashboard.ts). Join codes are read aloud and typed from a
// projector, so they use only characters that cannot be mistaken for one another.
import { z } from 'zod';
import { workshopView } from './dashboard.js';
import { SLUG_PATTERN } from './slug.js';

/** No 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V. */
export const CODE_ALPHABET = '34679ACDEFGHJKMNPQRTWXY';
export const CODE_LENGTH = 6;

/** What a learner typed, as the stored code: upper case, spaces and dashes dropped. */
export function normalizeCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '');
}

// --- learners ---------------------------------------------------------------------------------

/** POST /api/classroom/join */
export const joinBody = z
  .object({
    code: z
      .string()
      .transform(normalizeCode)
      .pipe(z.string().regex(new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`), `a join code is ${CODE_LENGTH} letters and digits as shown on the projector`)),
    name: z.string().trim().min(1, 'give a display name').max(40, 'at most 40 characters'),
  })
  .strict();
export type JoinBody = z.input<typeof joinBody>;

/** What the learner's own pages show (GET /api/classroom/me, and the answer to a join): their workshop, time left, their place in a queue. */
export const learnerState = z.object({
  workshop: z.object({ title: z.string(), code: z.string(), state: z.string(), lessons: z.array(z.object({ slug: z.string(), title: z.string() })) }),
  name: z.string(),
  status: z.enum(['ready', 'queued', 'removed', 'ended']),
  position: z.number().int().nullable(),
  expiresAt: z.number().nullable(),
  warnBeforeMs: z.number(),
  /** The first lesson's page, where a learner who joined starts. */
  start: z.string(),
});
export type LearnerState = z.infer<typeof learnerState>;

// --- instructors ------------------------------------------------------------------------------

/** POST /api/instructor/login: the one-time token from the server's console, or the password. */
export const loginBody = z
  .object({ token: z.string().min(1).max(200).optional(), password: z.string().min(1).max(200).optional() })
  .strict()
  .refine((body) => body.token !== undefined || body.password !== undefined, { path: ['token or password'], message: 'give one of them' });
export type LoginBody = z.infer<typeof loginBody>;

/** GET /api/instructor/status */
export const instructorStatus = z.object({ instructor: z.boolean(), passwordEnabled: z.boolean() });
export type InstructorStatus = z.infer<typeof instructorStatus>;

/** POST /api/instructor/workshops */
export const createWorkshopBody = z
  .object({
    title: z.string().trim().min(1, 'give the workshop a title').max(120),
    lessons: z.array(z.string().regex(SLUG_PATTERN, 'a lesson slug')).min(1, 'pick at least one lesson').max(20),
    expectedSize: z.number().int().min(1).max(500),
    sessionMinutes: z.number().int().min(5).max(24 * 60),
  })
  .strict();
export type CreateWorkshopBody = z.infer<typeof createWorkshopBody>;

/** GET /api/instructor/workshops */
export const workshopList = z.object({ workshops: z.array(workshopView) });
export type WorkshopList = z.infer<typeof workshopList>;

/** POST .../extend (the whole workshop, or one learner) */
export const extendBody = z.object({ minutes: z.number().int().min(1).max(8 * 60) }).strict();
export type ExtendBody = z.infer<typeof extendBody>;

/** POST /api/instructor/workshops/:id/end */
export const endBody = z.object({ confirm: z.literal(true, { errorMap: () => ({ message: 'send confirm: true to end the workshop and destroy its sandboxes' }) }) }).strict();
export type EndBody = z.infer<typeof endBody>;

/**
 * POST .../learners/:learner/view: a read-only view of the learner's terminals, through a viewer
 * token; add `&tab=N` to the endpoint for another of the tabs open now.
 */
export const terminalViewGrant = z.object({ endpoint: z.string(), sandbox: z.string(), expiresAt: z.number(), tabs: z.array(z.number().int()) });
export type TerminalViewGrant = z.infer<typeof terminalViewGrant>;
