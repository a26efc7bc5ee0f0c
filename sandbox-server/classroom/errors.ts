// The classroom's refusals: a code the API's clients understand (contract/errors.ts) and words
// for the instructor or the learner. The HTTP status is http/errors.ts's business.
import { DomainError } from '../errors.js';

export type ClassroomErrorCode = 'invalid_input' | 'no_workshop' | 'not_started' | 'already_ended' | 'workshop_ended' | 'removed' | 'name_differs' | 'no_sandbox' | 'no_learner' | 'not_instructor' | 'bad_credentials' | 'invite_used' | 'invite_expired' | 'relink_used' | 'relink_expired' | 'not_in_workshop';

export class ClassroomError extends DomainError<ClassroomErrorCode> {}
