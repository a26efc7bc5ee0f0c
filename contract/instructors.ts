// Named instructors and their audit log: the bodies of the invite and rename requests, who an
// instructor is, and one entry of the log (who did what to which learner, when), with the plain
// line the dashboard shows for it ("Dana reset Alex's sandbox"). Times are ms since the epoch
// on the wire; the exports turn them into ISO 8601 UTC.
import { z } from 'zod';

/** An instructor's name: what the audit log and the learners' notices call them. */
export const INSTRUCTOR_NAME_MAX = 40;
export const instructorName = z.string().trim().min(1, 'give a name').max(INSTRUCTOR_NAME_MAX, `at most ${INSTRUCTOR_NAME_MAX} characters`);

/** The name a first instructor gets when they log in without giving one; they may change it. */
export const DEFAULT_INSTRUCTOR_NAME = 'Instructor';

export const instructorIdentity = z.object({ id: z.string(), name: z.string() });
export type InstructorIdentity = z.infer<typeof instructorIdentity>;

/** POST /api/instructor/invites: a one-time link that logs a co-instructor in under this name. */
export const inviteBody = z.object({ name: instructorName }).strict();
export type InviteBody = z.infer<typeof inviteBody>;

/** The answer to an invite: the link to hand over (it works once, until expiresAt). */
export const inviteGrant = z.object({ url: z.string(), name: z.string(), expiresAt: z.number() });
export type InviteGrant = z.infer<typeof inviteGrant>;

/** POST /api/instructor/me: the logged-in instructor changes their own name. */
export const renameSelfBody = z.object({ name: instructorName }).strict();
export type RenameSelfBody = z.infer<typeof renameSelfBody>;

export const auditAction = z.enum([
  'login',
  'invite',
  'rename_self',
  'create_workshop',
  'start_workshop',
  'end_workshop',
  'extend_workshop',
  'extend_learner',
  'reset_learner',
  'remove_learner',
  'readmit_learner',
  'relink_learner',
  'rename_learner',
  'view_terminal',
  'open_preview',
  'message_all',
  'hint',
  'clear_hand',
  'mark_step',
]);
export type AuditAction = z.infer<typeof auditAction>;

export const auditEntry = z.object({
  id: z.number().int(),
  /** The workshop acted on; null for what concerns the server (a login, an invite). */
  workshopId: z.string().nullable(),
  instructor: instructorIdentity,
  action: auditAction,
  /** The learner acted on (their public id and the name they had then), if any. */
  learner: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** What else matters: the minutes added, a new name, a port, how someone logged in. */
  details: z.string().nullable(),
  at: z.number(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

/** GET /api/instructor/workshops/:id/audit: newest first. */
export const auditLog = z.object({ entries: z.array(auditEntry) });
export type AuditLog = z.infer<typeof auditLog>;

/** The entry as a line of plain words, without the time: "Dana reset Alex's sandbox". */
export function auditLine(entry: Pick<AuditEntry, 'instructor' | 'action' | 'learner' | 'details'>): string {
  const who = entry.instructor.name;
  const learner = entry.learner?.name ?? 'a learner';
  const details = entry.details ?? '';
  switch (entry.action) {
    case 'login':
      return `${who} logged in${details ? ` (${details})` : ''}`;
    case 'invite':
      return `${who} invited ${details || 'a co-instructor'} as an instructor`;
    case 'rename_self':
      return `${who} changed their name${details ? ` (${details})` : ''}`;
    case 'create_workshop':
      return `${who} created the workshop${details ? ` "${details}"` : ''}`;
    case 'start_workshop':
      return `${who} started the workshop`;
    case 'end_workshop':
      return `${who} ended the workshop`;
    case 'extend_workshop':
      return `${who} gave everyone ${details}`;
    case 'extend_learner':
      return `${who} gave ${learner} ${details}`;
    case 'reset_learner':
      return `${who} reset ${learner}'s sandbox`;
    case 'remove_learner':
      return `${who} removed ${learner}`;
    case 'readmit_learner':
      return `${who} re-admitted ${learner}`;
    case 'relink_learner':
      return `${who} made a one-time link moving ${learner} to another browser`;
    case 'rename_learner':
      return `${who} renamed ${learner}${details ? ` to "${details}"` : ''}`;
    case 'view_terminal':
      return `${who} opened ${learner}'s terminal (read-only)`;
    case 'open_preview':
      return `${who} opened ${learner}'s web preview${details ? ` (${details})` : ''}`;
    case 'message_all':
      return `${who} wrote to everyone${details ? `: ${details}` : ''}`;
    case 'hint':
      return `${who} sent a hint${details ? ` ${details}` : ''}`;
    case 'clear_hand':
      return `${who} lowered ${learner}'s raised hand`;
    case 'mark_step':
      return `${who} marked ${learner}'s step ${details}`;
  }
}
