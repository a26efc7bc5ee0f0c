// Workshops and their learners in the store. A learner is a learner session (the signed cookie);
// rows stay when a workshop ends, so its results can still be exported.
import type { Db } from '../store/database.js';

export type WorkshopState = 'created' | 'running' | 'ended';

export interface WorkshopRow {
  id: string;
  code: string;
  title: string;
  /** JSON array of lesson slugs. */
  lessons: string;
  expected_size: number;
  session_ms: number;
  state: WorkshopState;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

export interface LearnerRow {
  session_id: string;
  workshop_id: string;
  display_name: string;
  joined_at: number;
  /** When the learner got a sandbox; null while queued. */
  admitted_at: number | null;
  /** When the learner's time is up (session length plus extensions). */
  expires_at: number | null;
  /** When the instructor removed the learner; null while they are in (also after a re-admission). */
  removed_at: number | null;
  /** When the instructor last took the learner back after a removal. */
  readmitted_at: number | null;
}

export class WorkshopStore {
  constructor(private readonly db: Db) {}

  insert(row: Omit<WorkshopRow, 'started_at' | 'ended_at' | 'state'>): WorkshopRow {
    this.db
      .prepare(`INSERT INTO workshops (id, code, title, lessons, expected_size, session_ms, state, created_at) VALUES (?, ?, ?, ?, ?, ?, 'created', ?)`)
      .run(row.id, row.code, row.title, row.lessons, row.expected_size, row.session_ms, row.created_at);
    return this.get(row.id)!;
  }

  get(id: string): WorkshopRow | undefined {
    return this.db.prepare(`SELECT * FROM workshops WHERE id = ?`).get(id) as WorkshopRow | undefined;
  }

  byCode(code: string): WorkshopRow | undefined {
    return this.db.prepare(`SELECT * FROM workshops WHERE code = ?`).get(code) as WorkshopRow | undefined;
  }

  codeTaken(code: string): boolean {
    return this.byCode(code) !== undefined;
  }

  list(): WorkshopRow[] {
    return this.db.prepare(`SELECT * FROM workshops ORDER BY created_at DESC`).all() as WorkshopRow[];
  }

  running(): WorkshopRow[] {
    return this.db.prepare(`SELECT * FROM workshops WHERE state = 'running'`).all() as WorkshopRow[];
  }

  setState(id: string, state: WorkshopState, now = Date.now()): void {
    const column = state === 'running' ? 'started_at' : state === 'ended' ? 'ended_at' : 'created_at';
    this.db.prepare(`UPDATE workshops SET state = ?, ${column} = COALESCE(${column}, ?) WHERE id = ?`).run(state, now, id);
  }

  addLearner(sessionId: string, workshopId: string, displayName: string, now = Date.now()): LearnerRow {
    this.db.prepare(`INSERT INTO workshop_learners (session_id, workshop_id, display_name, joined_at) VALUES (?, ?, ?, ?)`).run(sessionId, workshopId, displayName, now);
    return this.learner(sessionId)!;
  }

  learner(sessionId: string): LearnerRow | undefined {
    return this.db.prepare(`SELECT * FROM workshop_learners WHERE session_id = ?`).get(sessionId) as LearnerRow | undefined;
  }

  /** Learners of a workshop in joining order; removed ones only when asked (exports keep them). */
  learners(workshopId: string, includeRemoved = false): LearnerRow[] {
    return this.db
      .prepare(`SELECT * FROM workshop_learners WHERE workshop_id = ? ${includeRemoved ? '' : 'AND removed_at IS NULL'} ORDER BY joined_at, rowid`)
      .all(workshopId) as LearnerRow[];
  }

  admit(sessionId: string, expiresAt: number, now = Date.now()): void {
    this.db.prepare(`UPDATE workshop_learners SET admitted_at = COALESCE(admitted_at, ?), expires_at = COALESCE(expires_at, ?) WHERE session_id = ?`).run(now, expiresAt, sessionId);
  }

  extend(sessionId: string, byMs: number): void {
    this.db.prepare(`UPDATE workshop_learners SET expires_at = expires_at + ? WHERE session_id = ? AND expires_at IS NOT NULL`).run(byMs, sessionId);
  }

  /**
   * The name the instructor sees. The session's own name (sessions.display_name) stays: the
   * learner's registry namespace is made from it and must not move under their pushed images.
   */
  rename(sessionId: string, displayName: string): void {
    this.db.prepare(`UPDATE workshop_learners SET display_name = ? WHERE session_id = ?`).run(displayName, sessionId);
  }

  remove(sessionId: string, now = Date.now()): void {
    this.db.prepare(`UPDATE workshop_learners SET removed_at = ? WHERE session_id = ? AND removed_at IS NULL`).run(now, sessionId);
  }

  /** Takes a removed learner back: their rows (progress, admission, time) are as they were. */
  readmit(sessionId: string, now = Date.now()): void {
    this.db.prepare(`UPDATE workshop_learners SET removed_at = NULL, readmitted_at = ? WHERE session_id = ? AND removed_at IS NOT NULL`).run(now, sessionId);
  }

  /** Queued learners (not admitted, not removed) of running workshops, oldest first. */
  queue(): LearnerRow[] {
    return this.db
      .prepare(
        `SELECT l.* FROM workshop_learners l JOIN workshops w ON w.id = l.workshop_id
         WHERE w.state = 'running' AND l.admitted_at IS NULL AND l.removed_at IS NULL ORDER BY l.joined_at, l.rowid`,
      )
      .all() as LearnerRow[];
  }
}
