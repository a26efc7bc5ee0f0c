// One-time links that move a learner to another browser: their laptop died, so the instructor
// makes a link, and the new browser that opens it becomes that learner (same session: name,
// progress, sandbox). Like the co-instructor invites (instructors.ts), the token is random and
// shown once; the store keeps only its SHA-256, so a copy of the database holds no working link.
// The token is the only credential: a learner's public id alone moves nobody. Redeeming is one
// conditional UPDATE, so two browsers opening the same link cannot both become the learner.
//
// The old browser keeps working: a learner is their session id, the key of their progress, their
// sandbox, their commands and their hands, and the new browser gets that same id. Shutting the
// old one out would mean giving the learner a new id in every one of those tables; the usual old
// browser is a laptop that no longer starts, and the instructor can still remove a learner.
import crypto from 'node:crypto';
import type { InstructorIdentity } from '../../contract/instructors.js';
import type { Db } from '../store/database.js';
import { learnerId } from './dashboard.js';
import { ClassroomError } from './errors.js';
import type { LearnerRow, WorkshopStore } from './store.js';

/** How long a link to another browser works (it also stops after its first use). */
export const RELINK_TTL_MS = 15 * 60_000;

const hash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

const ASK_AGAIN = 'ask the instructor for a new one';

interface RelinkRow {
  session_id: string;
  workshop_id: string;
  expires_at: number;
  used_at: number | null;
}

export class Relinks {
  /** `now`: the clock links are made and checked by (tests move it forward instead of waiting). */
  constructor(
    private readonly db: Db,
    private readonly store: WorkshopStore,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A link's token for this learner (their public id, as on the dashboard); returned once, stored
   * hashed. Refused for a removed learner (re-admit first) and once the workshop has ended.
   */
  issue(workshopId: string, id: string, by: InstructorIdentity): { token: string; expiresAt: number; learner: LearnerRow } {
    const workshop = this.store.get(workshopId);
    if (!workshop) throw new ClassroomError('no_workshop', `No workshop "${workshopId.slice(0, 40)}".`);
    const learner = this.store.learners(workshopId, true).find((l) => learnerId(l.session_id) === id);
    if (!learner) throw new ClassroomError('no_learner', `No learner "${id.slice(0, 40)}" in this workshop.`);
    if (workshop.state === 'ended') throw new ClassroomError('already_ended', 'This workshop has ended: nobody can be moved to another browser any more. Its results are kept.');
    if (learner.removed_at !== null) throw new ClassroomError('removed', `${learner.display_name} was removed from this workshop: re-admit them first, then make the link.`);
    const token = crypto.randomBytes(24).toString('base64url');
    const now = this.now();
    const expiresAt = now + RELINK_TTL_MS;
    this.db
      .prepare(`INSERT INTO learner_relinks (token_hash, session_id, workshop_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(hash(token), learner.session_id, workshopId, by.id, now, expiresAt);
    return { token, expiresAt, learner };
  }

  /**
   * The learner a link moves to this browser. Works once, before it expires, while the learner
   * is still in a workshop that has not ended; every refusal says what to do next.
   */
  redeem(token: string): LearnerRow {
    const tokenHash = hash(token);
    const row = this.db.prepare(`SELECT session_id, workshop_id, expires_at, used_at FROM learner_relinks WHERE token_hash = ?`).get(tokenHash) as RelinkRow | undefined;
    if (!row) throw new ClassroomError('bad_credentials', `This link to continue in a workshop is not one this server made: check that it was copied whole, or ${ASK_AGAIN}.`);
    if (row.used_at !== null) throw new ClassroomError('relink_used', `This link was already used (each works once, in one browser): ${ASK_AGAIN}.`);
    const now = this.now();
    if (row.expires_at <= now) throw new ClassroomError('relink_expired', `This link has expired (each works for ${RELINK_TTL_MS / 60_000} minutes): ${ASK_AGAIN}.`);
    const learner = this.store.learner(row.session_id);
    const workshop = this.store.get(row.workshop_id);
    if (!learner || !workshop || workshop.state === 'ended') throw new ClassroomError('workshop_ended', 'This workshop has ended since the link was made, so it moves nobody any more. Your results are kept.');
    if (learner.removed_at !== null) throw new ClassroomError('removed', 'The instructor removed you from this workshop after making this link. Ask them if this is a mistake: once they re-admit you, ask for a new link.');
    const taken = this.db.prepare(`UPDATE learner_relinks SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`).run(now, tokenHash);
    if (taken.changes !== 1) throw new ClassroomError('relink_used', `This link was already used (each works once, in one browser): ${ASK_AGAIN}.`);
    return learner;
  }
}
