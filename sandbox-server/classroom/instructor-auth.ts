// Instructor access: a one-time token printed at start (exchanged once for a cookie), or the
// configured password. The cookie is an HMAC of a random nonce under a key of its own, so a
// learner's signed session cookie can never pass for it. Neither secret is ever logged.
import crypto from 'node:crypto';
import type { Request, Response, NextFunction } from 'express';
import { cookieValues } from '../sessions/cookie.js';
import { ClassroomError } from './errors.js';

export const INSTRUCTOR_COOKIE = 'slipway_instructor';
const COOKIE_MAX_AGE_MS = 24 * 3600 * 1000;

const digest = (text: string) => crypto.createHash('sha256').update(text).digest();

export class InstructorAuth {
  private oneTimeToken: string | undefined;

  constructor(
    private readonly key: string,
    private readonly password: string,
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

  cookieValue(): string {
    const nonce = crypto.randomBytes(12).toString('base64url');
    return `${nonce}.${this.sign(nonce)}`;
  }

  setCookie(res: Response, secure: boolean): void {
    res.cookie(INSTRUCTOR_COOKIE, this.cookieValue(), { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: COOKIE_MAX_AGE_MS });
  }

  /**
   * Every copy of the cookie is read: a page on another port of this host (a previewed app) may
   * set one of the same name with a longer path, which the browser sends first. It cannot
   * forge a valid one, so any valid copy is the instructor's.
   */
  isInstructor(req: Request): boolean {
    return cookieValues(req.headers.cookie, INSTRUCTOR_COOKIE).some((raw) => this.validCookie(raw));
  }

  private validCookie(raw: string): boolean {
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      return false;
    }
    const [nonce, signature] = value.split('.');
    if (!nonce || !signature) return false;
    const expected = Buffer.from(this.sign(nonce));
    const given = Buffer.from(signature);
    return expected.length === given.length && crypto.timingSafeEqual(expected, given);
  }

  /** Express middleware: 401 unless the request carries the instructor cookie. */
  readonly require = (req: Request, _res: Response, next: NextFunction): void => {
    if (this.isInstructor(req)) return next();
    next(new ClassroomError('not_instructor', 'Instructor access needed: open the instructor link the server printed at start, or log in with the instructor password.'));
  };

  private sign(nonce: string): string {
    return crypto.createHmac('sha256', this.key).update(`instructor:${nonce}`).digest('base64url');
  }
}
