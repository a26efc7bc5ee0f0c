// Every error leaves the API as JSON naming what went wrong; nothing escapes as a bare 500 page.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../log.js';
import { SandboxError } from '../sandboxes/driver.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const SANDBOX_STATUS: Record<SandboxError['code'], number> = {
  capacity: 503,
  not_found: 404,
  create_failed: 502,
  engine_unavailable: 503,
  disk_full: 507,
};

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `No such endpoint: ${req.method} ${req.originalUrl.split('?')[0]}`));
};

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let status = 500;
    let body: { code: string; message: string; issues?: unknown };
    if (err instanceof HttpError) {
      status = err.status;
      body = { code: err.code, message: err.message };
    } else if (err instanceof ZodError) {
      status = 400;
      body = {
        code: 'invalid_input',
        message: err.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`).join('; '),
        issues: err.issues,
      };
    } else if (err instanceof SandboxError) {
      status = SANDBOX_STATUS[err.code];
      body = { code: err.code, message: err.message };
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
