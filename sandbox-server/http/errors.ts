// Every error leaves the API as JSON naming what went wrong (contract/errors.ts); nothing escapes
// as a bare 500 page. Domains throw errors with a code; this file's STATUS is the one place that
// turns a code into an HTTP status.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { ApiErrorCode } from '../../contract/errors.js';
import { DomainError } from '../errors.js';
import type { Logger } from '../log.js';

/** A refusal of the HTTP layer itself (no session, too many requests, another site...). */
export class HttpError extends DomainError {}

const STATUS: Record<ApiErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  rate_limited: 429,
  cross_origin: 403,
  internal: 500,
  no_session: 401,
  no_sandbox: 409,
  not_allowed: 403,
  capacity: 503,
  create_failed: 502,
  engine_unavailable: 503,
  disk_full: 507,
  no_lesson: 404,
  not_open: 409,
  no_step: 404,
  step_done: 409,
  no_workshop: 404,
  not_started: 409,
  already_ended: 409,
  workshop_ended: 410,
  removed: 403,
  name_differs: 409,
  no_learner: 404,
  not_in_workshop: 404,
  not_instructor: 401,
  bad_credentials: 401,
  invite_used: 410,
  invite_expired: 410,
  relink_used: 410,
  relink_expired: 410,
  preview_off: 404,
  reserved_port: 400,
  preview_busy: 503,
  conflicting_cookies: 400,
  bad_path: 400,
  outside_workspace: 403,
  no_such_file: 404,
  is_folder: 400,
  file_changed: 409,
  file_exists: 409,
  too_large: 413,
  not_editable: 409,
};

/** The HTTP status of a refusal with this code: the one place that decides it. */
export function statusOf(code: ApiErrorCode): number {
  return STATUS[code];
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError('not_found', `No such endpoint: ${req.method} ${req.originalUrl.split('?')[0]}`));
};

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let status = STATUS.internal;
    let body: { code: string; message: string; issues?: unknown };
    if (err instanceof DomainError) {
      const code: ApiErrorCode = err.code;
      status = statusOf(code);
      body = { code, message: err.message };
    } else if (err instanceof ZodError) {
      status = STATUS.invalid_input;
      body = {
        code: 'invalid_input',
        message: err.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`).join('; '),
        issues: err.issues,
      };
    } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      // body-parser errors: malformed JSON, too large, wrong charset.
      status = err.status;
      body = { code: err.type ?? 'bad_request', message: err.expose ? err.message : 'Bad request' };
    } else {
      body = { code: 'internal', message: 'Something went wrong on the server; it has been logged.' };
    }
    // Expected refusals (capacity, disk) are warnings; only the unexpected is an error.
    if (status === 500) log.error({ err, path: req.path }, 'request failed');
    else if (status > 500) log.warn({ code: body.code, message: body.message, path: req.path }, 'request refused');
    res.status(status).json({ error: body });
  };
}
