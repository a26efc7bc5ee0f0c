// Refusals the API's clients understand. Each domain (sandboxes, checks, classroom...) throws
// its own subclass with a code from the shared list (contract/errors.ts) and plain words; only
// http/errors.ts turns codes into HTTP statuses, so no domain knows about HTTP.
import type { ApiErrorCode } from '../contract/errors.js';

export class DomainError<Code extends ApiErrorCode = ApiErrorCode> extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
  }
}
