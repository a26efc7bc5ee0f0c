// Instructor access: a one-time token printed at start (exchanged once for a cookie), the
// configured password, or a co-instructor's one-time invite (instructors.ts). The cookie names
// the instructor: its nonce is "<instructor id>~<random>", signed with an HMAC under a key of
// its own, so a learner's signed session cookie can never pass for it and nobody can change the
// id in it. Neither secret is ever logged. `require` puts who is asking on res.locals.
import crypto from 'node:crypto';
import type { Request, Response, NextFunction } from 'express';
import type { InstructorIdentity } from '../../contract/instructors.js';
import { cookieValues } from '../sessions/cookie.js';
import { ClassroomError } from './errors.js';
import type { Instructors } from './instructors.js';

export const INSTRUCTOR_COOKIE = 'slipway_instructor';
const LOCALS_KEY = 'instructor';

/** Who is asking, on a route behind `require` (which put them there). */
export function currentInstructor(res: Response): InstructorIdentity {
  const instructor: unknown = res.locals[LOCALS_KEY];
  if (typeof instructor !== 'object' || instructor === null || !('id' in instructor) || !('name' in instructor)) {
    throw new ClassroomError('not_instructor', 'Instructor access needed: log in first.');
  }
  return { id: String(instructor.id), name: String(instructor.name) };
}
const COOKIE_MAX_AGE_MS = 24 * 3600 * 1000;

const digest = (text: string) => crypto.createHash('sha256').update(text).digest();

export class InstructorAuth {
  private oneTimeToken: string | undefined;

  constructor(
    private readonly key: string,
    private readonly password: string,
    readonly accounts: Instructors,
  ) {}

  /** A fresh one-time token (the previous one stops working). Printed, never logged. */
  issueToken(): string {
    this.oneTimeToken = crypto.randomBytes(18).toString('base64url');
    return this.oneTimeToken;
  }

  get passwordEnabled(): boolean {
    return this.password.length > 0;
  }

  /** Checks a token or a password; a token works once. */
  login(credentials: { token?: string | undefined; password?: string | undefined }): boolean {
    if (credentials.token && this.oneTimeToken && crypto.timingSafeEqual(digest(credentials.token), digest(this.oneTimeToken))) {
      this.oneTimeToken = undefined;
      return true;
    }
    if (credentials.password && this.passwordEnabled) return crypto.timingSafeEqual(digest(credentials.password), digest(this.password));
    return false;
  }

  cookieValue(instructorId: string): string {
    const nonce = `${instructorId}~${crypto.randomBytes(12).toString('base64url')}`;
    return `${nonce}.${this.sign(nonce)}`;
  }

  setCookie(res: Response, secure: boolean, instructor: InstructorIdentity): void {
    res.cookie(INSTRUCTOR_COOKIE, this.cookieValue(instructor.id), { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: COOKIE_MAX_AGE_MS });
  }

  /**
   * Every copy of the cookie is read: a page on another port of this host (a previewed app) may
   * set one of the same name with a longer path, which the browser sends first. It cannot
   * forge a valid one, so any valid copy is the instructor's.
   */
  isInstructor(req: Request): boolean {
    return this.instructorOf(req) !== undefined;
  }

  /** The instructor the request's cookie names (with their name as it is now), if it is valid. */
  instructorOf(req: Request): InstructorIdentity | undefined {
    for (const raw of cookieValues(req.headers.cookie, INSTRUCTOR_COOKIE)) {
      const id = this.validCookie(raw);
      const instructor = id === undefined ? undefined : this.accounts.get(id);
      if (instructor) return instructor;
    }
    return undefined;
  }

  /** The instructor id a cookie value carries, when its signature holds. */
  private validCookie(raw: string): string | undefined {
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    const [nonce, signature] = value.split('.');
    if (!nonce || !signature) return undefined;
    const expected = Buffer.from(this.sign(nonce));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return undefined;
    const id = nonce.split('~')[0];
    return id && nonce.includes('~') ? id : undefined;
  }

  /** Express middleware: 401 unless the request carries the instructor cookie; who it is goes on res.locals. */
  readonly require = (req: Request, res: Response, next: NextFunction): void => {
    const instructor = this.instructorOf(req);
    if (instructor) {
      res.locals[LOCALS_KEY] = instructor;
      return next();
    }
    next(new ClassroomError('not_instructor', 'Instructor access needed: open the instructor link the server printed at start, or log in with the instructor password.'));
  };

  private sign(nonce: string): string {
    return crypto.createHmac('sha256', this.key).update(`instructor:${nonce}`).digest('base64url');
  }
}
