// How the API says no: every refusal is `{ "error": { "code", "message" } }` with an HTTP
// status that depends on the code alone (sandbox-server/http/errors.ts holds that one map).
// Clients branch on the code; the message is plain words for the person in front of the page.
import { z } from 'zod';

export const apiErrorCode = z.enum([
  // Any request
  'invalid_input',
  'not_found',
  'rate_limited',
  'cross_origin',
  'internal',
  // Learner sessions and their sandboxes
  'no_session',
  'no_sandbox',
  'not_allowed',
  'capacity',
  'create_failed',
  'engine_unavailable',
  'disk_full',
  // Lessons and progress
  'no_lesson',
  'not_open',
  'no_step',
  'step_done',
  // Classroom
  'no_workshop',
  'not_started',
  'already_ended',
  'workshop_ended',
  'removed',
  'name_differs',
  'no_learner',
  'not_in_workshop',
  'not_instructor',
  'bad_credentials',
  'invite_used',
  'invite_expired',
  'relink_used',
  'relink_expired',
  // Web preview
  'preview_off',
  'reserved_port',
  'preview_busy',
  'conflicting_cookies',
  // The workspace's files
  'bad_path',
  'outside_workspace',
  'no_such_file',
  'is_folder',
  'file_changed',
  'file_exists',
  'too_large',
  'not_editable',
]);
export type ApiErrorCode = z.infer<typeof apiErrorCode>;

export const apiErrorBody = z.object({
  error: z.object({
    /** One of apiErrorCode, or for a body the server could not read at all, the JSON parser's own (such as entity.parse.failed). */
    code: z.string(),
    message: z.string(),
    /** For invalid_input: each problem with where it is. */
    issues: z.array(z.unknown()).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof apiErrorBody>;
