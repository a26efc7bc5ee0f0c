// The classroom API: the bodies learners (/api/classroom/...) and instructors
// (/api/instructor/...) send, which the server validates with these schemas, and what it answers
// that is not the dashboard itself (dashboard.ts). What a learner may type to join (the code's
// alphabet, the longest name) and the words for a mistake are join-rules.ts's.
import { z } from 'zod';
import { workshopView } from './dashboard.js';
import { instructorIdentity, instructorName } from './instructors.js';
import { codeProblem, nameProblem, normalizeCode } from './join-rules.js';
import { SLUG_PATTERN } from './slug.js';

export { CODE_ALPHABET, CODE_LENGTH, NAME_MAX, normalizeCode } from './join-rules.js';

/** A display name: trimmed, at most NAME_MAX characters (refused with the limit stated, never cut). */
export const learnerName = z
  .string()
  .trim()
  .superRefine((name, ctx) => {
    const problem = nameProblem(name);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

// --- learners ---------------------------------------------------------------------------------

/** POST /api/classroom/join */
export const joinBody = z
  .object({
    code: z
      .string()
      .transform(normalizeCode)
      .superRefine((code, ctx) => {
        const problem = codeProblem(code);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      }),
    name: learnerName,
    /**
     * For a learner who already joined under another name (their cookie says so): keep that
     * name, or change it to this one. Without it such a join is refused with `name_differs`.
     */
    nameChoice: z.enum(['keep', 'change']).optional(),
  })
  .strict();
export type JoinBody = z.input<typeof joinBody>;

/** What the learner's own pages show (GET /api/classroom/me, and the answer to a join): classroom-events.ts's, which the lesson page parses. */
export { learnerState, type LearnerState } from './classroom-events.js';

// --- instructors ------------------------------------------------------------------------------

/**
 * POST /api/instructor/login: the one-time token from the server's console, the password, or a
 * co-instructor's one-time invite (contract/instructors.ts). With a token or the password, `name`
 * picks the named account (made on first use; without it, the default "Instructor" one).
 */
export const loginBody = z
  .object({
    token: z.string().min(1).max(200).optional(),
    password: z.string().min(1).max(200).optional(),
    invite: z.string().min(1).max(200).optional(),
    name: instructorName.optional(),
  })
  .strict()
  .refine((body) => body.token !== undefined || body.password !== undefined || body.invite !== undefined, { path: ['token, password or invite'], message: 'give one of them' });
export type LoginBody = z.infer<typeof loginBody>;

/** GET /api/instructor/status */
export const instructorStatus = z.object({ instructor: z.boolean(), passwordEnabled: z.boolean(), /** Who is logged in, when someone is. */ me: instructorIdentity.nullable() });
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

/** POST .../learners/:learner/name: the instructor renames a learner (same id, same progress). */
export const renameBody = z.object({ name: learnerName }).strict();
export type RenameBody = z.infer<typeof renameBody>;

/** The longest message, hint or raised hand's line: a few sentences, never an essay on a banner. */
export const MESSAGE_MAX = 500;

const messageText = z.string().trim().min(1, 'write the message').max(MESSAGE_MAX, `at most ${MESSAGE_MAX} characters`);

/**
 * POST /api/instructor/workshops/:id/messages: to everyone still in the workshop (a banner on
 * each learner's page), or, with `learners`, a hint to exactly those learners.
 */
export const messageBody = z
  .object({
    text: messageText,
    learners: z.array(z.string().min(1).max(80)).min(1, 'name at least one learner, or leave learners out to write to everyone').max(500).optional(),
  })
  .strict();
export type MessageBody = z.infer<typeof messageBody>;

/** What a message reached: how many learners, and (for a hint) their names. */
export const messageSent = z.object({ learners: z.number().int(), names: z.array(z.string()) });
export type MessageSent = z.infer<typeof messageSent>;

/** POST /api/classroom/hand: the learner raises their hand, with an optional line. */
export const handBody = z.object({ line: z.string().trim().max(MESSAGE_MAX, `at most ${MESSAGE_MAX} characters`).optional() }).strict();
export type HandBody = z.infer<typeof handBody>;

/** POST .../learners/:learner/steps: an instructor marks one step done or not done for a learner (a check that misfired). */
export const markStepBody = z.object({ lesson: z.string().regex(SLUG_PATTERN, 'a lesson slug'), step: z.string().min(1).max(120), done: z.boolean() }).strict();
export type MarkStepBody = z.infer<typeof markStepBody>;

/** POST /api/instructor/workshops/:id/end */
export const endBody = z.object({ confirm: z.literal(true, { errorMap: () => ({ message: 'send confirm: true to end the workshop and destroy its sandboxes' }) }) }).strict();
export type EndBody = z.infer<typeof endBody>;

/**
 * POST .../learners/:learner/view: a read-only view of the learner's terminals, through a viewer
 * token; add `&tab=N` to the endpoint for another of the tabs open now.
 */
export const terminalViewGrant = z.object({ endpoint: z.string(), sandbox: z.string(), expiresAt: z.number(), tabs: z.array(z.number().int()) });
export type TerminalViewGrant = z.infer<typeof terminalViewGrant>;

/**
 * POST .../learners/:learner/relink: a one-time link that moves the learner to another browser
 * (their laptop died). `url` opens the join page, which exchanges the token; `qrSvg` is the same
 * link as a QR code; both work once, until expiresAt.
 */
export const relinkGrant = z.object({ url: z.string(), qrSvg: z.string(), learner: z.object({ id: z.string(), name: z.string() }), expiresAt: z.number() });
export type RelinkGrant = z.infer<typeof relinkGrant>;

/** POST /api/classroom/relink: the new browser hands in the link's token and becomes that learner (answer: LearnerState). */
export const relinkBody = z.object({ token: z.string().min(1, 'the link has no token: copy it whole').max(200, 'this is not a link the server made: copy it whole') }).strict();
export type RelinkBody = z.infer<typeof relinkBody>;
