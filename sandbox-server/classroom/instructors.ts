// Named instructor accounts and the one-time links that invite a co-instructor. An invite's token
// is random and shown once; the store keeps only its SHA-256, so a copy of the database holds no
// working link. Redeeming is one conditional UPDATE: two tabs opening the same link cannot both
// get in.
import crypto from 'node:crypto';
import { DEFAULT_INSTRUCTOR_NAME, type InstructorIdentity } from '../../contract/instructors.js';
import type { Db } from '../store/database.js';
import { ClassroomError } from './errors.js';

/** How long an invite link works (it also stops after its first use). */
export const INVITE_TTL_MS = 60 * 60_000;

const hash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

interface InviteRow {
  token_hash: string;
  name: string;
  created_by: string;
  expires_at: number;
  used_at: number | null;
}

export class Instructors {
  constructor(private readonly db: Db) {}

  get(id: string): InstructorIdentity | undefined {
    return this.db.prepare(`SELECT id, name FROM instructors WHERE id = ?`).get(id) as InstructorIdentity | undefined;
  }

  /**
   * The account a console-link or password login lands in: the one of that name (case aside),
   * made on first use. Without a name, the default account, whose holder may rename it.
   */
  byName(name: string | undefined, now = Date.now()): InstructorIdentity {
    const wanted = name?.trim() || DEFAULT_INSTRUCTOR_NAME;
    const found = this.db.prepare(`SELECT id, name FROM instructors WHERE lower(name) = lower(?) ORDER BY created_at LIMIT 1`).get(wanted) as InstructorIdentity | undefined;
    return found ?? this.add(wanted, null, now);
  }

  rename(id: string, name: string): InstructorIdentity {
    this.db.prepare(`UPDATE instructors SET name = ? WHERE id = ?`).run(name, id);
    const renamed = this.get(id);
    if (!renamed) throw new ClassroomError('not_instructor', 'This instructor account no longer exists: log in again.');
    return renamed;
  }

  /** A one-time link's token for a co-instructor of this name; returned once, stored hashed. */
  invite(name: string, by: InstructorIdentity, now = Date.now()): { token: string; expiresAt: number } {
    const token = crypto.randomBytes(24).toString('base64url');
    const expiresAt = now + INVITE_TTL_MS;
    this.db.prepare(`INSERT INTO instructor_invites (token_hash, name, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`).run(hash(token), name, by.id, now, expiresAt);
    return { token, expiresAt };
  }

  /** Redeems an invite: a new instructor account of the invited name. Works once, before it expires. */
  redeem(token: string, now = Date.now()): { instructor: InstructorIdentity; invitedBy: InstructorIdentity | undefined } {
    const tokenHash = hash(token);
    const row = this.db.prepare(`SELECT token_hash, name, created_by, expires_at, used_at FROM instructor_invites WHERE token_hash = ?`).get(tokenHash) as InviteRow | undefined;
    if (!row) throw new ClassroomError('bad_credentials', 'This invite link is not one this server made: check that it was copied whole.');
    if (row.used_at !== null) throw new ClassroomError('invite_used', 'This invite link was already used (each works once): ask the instructor who invited you for a new one.');
    if (row.expires_at <= now) throw new ClassroomError('invite_expired', `This invite link has expired (each works for ${INVITE_TTL_MS / 60_000} minutes): ask the instructor who invited you for a new one.`);
    return this.db.transaction(() => {
      const taken = this.db.prepare(`UPDATE instructor_invites SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`).run(now, tokenHash);
      if (taken.changes !== 1) throw new ClassroomError('invite_used', 'This invite link was already used (each works once): ask the instructor who invited you for a new one.');
      const instructor = this.add(row.name, row.created_by, now);
      this.db.prepare(`UPDATE instructor_invites SET instructor_id = ? WHERE token_hash = ?`).run(instructor.id, tokenHash);
      return { instructor, invitedBy: this.get(row.created_by) };
    })();
  }

  private add(name: string, invitedBy: string | null, now: number): InstructorIdentity {
    const id = `in-${crypto.randomBytes(6).toString('hex')}`;
    this.db.prepare(`INSERT INTO instructors (id, name, created_at, invited_by) VALUES (?, ?, ?, ?)`).run(id, name, now, invitedBy);
    return { id, name };
  }
}
