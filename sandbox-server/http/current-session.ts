// The learner session a request belongs to, from its signed cookie; 401 without one.
import type { Request } from 'express';
import { sessionIdOf } from '../sessions/cookie.js';
import type { Sessions } from '../sessions/sessions.js';
import type { SessionRow } from '../store/sessions.js';
import { HttpError } from './errors.js';

export function currentSession(sessions: Sessions, req: Request): SessionRow {
  const id = sessionIdOf(req);
  const session = id ? sessions.get(id) : undefined;
  if (!session) throw new HttpError('no_session', 'No session: create one with POST /api/session first.');
  return session;
}
