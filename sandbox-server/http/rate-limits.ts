// Rate limits on the requests that cost the server something or guess a secret: joining a
// workshop (join codes), creating or resetting a sandbox, logging in as instructor (password).
// Limits count per learner session where the request has one and per IP address otherwise,
// and are generous: a real class never meets them, even 40 people behind one NAT address.
// Over a limit: HTTP 429, code rate_limited, a sentence saying what to do, and Retry-After.
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Rate } from '../config/config.js';
import { formatDuration } from '../config/units.js';
import { HttpError } from './errors.js';

export interface LimitOptions {
  /** Names what is limited, for the 429's message: "workshop joins from this address". */
  what: string;
  /** Who is counted: a session id, or the client's IP address. */
  key: (req: Request) => string;
  /** Requests that do not count (nothing to create, a learner already in). */
  skip?: (req: Request) => boolean;
  /** Count only refused requests (4xx/5xx): a right password never uses up the allowance. */
  failedOnly?: boolean;
}

/** The client's address, IPv6 grouped by /56 so that one host cannot hop between addresses. */
export const ipKey = (req: Request): string => `ip:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown')}`;

export function limit(rate: Rate, options: LimitOptions): RequestHandler {
  return rateLimit({
    windowMs: rate.windowMs,
    limit: rate.limit,
    // draft-8 RateLimit headers, and Retry-After once over the limit.
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: options.key,
    skip: options.skip ?? (() => false),
    skipSuccessfulRequests: options.failedOnly ?? false,
    handler: (req, _res, next) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(rate.windowMs / 1000);
      next(new HttpError('rate_limited', `Too many ${options.what}: at most ${rate.limit} per ${formatDuration(rate.windowMs)}. Try again in ${seconds} s.`));
    },
  }) as unknown as RequestHandler;
}
