// The instructors' audit log: who did what, to which learner, when. One writer (record), which
// the HTTP layer calls once per instructor action that succeeded (http/audited.ts), so no action
// records itself ad hoc. Names are kept as they were at the time. A workshop's log also holds
// what concerned the whole server while the workshop ran (a login, an invite).
import type { AuditAction, AuditEntry, InstructorIdentity } from '../../contract/instructors.js';
import type { Db } from '../store/database.js';
import { learnerId } from './dashboard.js';
import type { WorkshopStore } from './store.js';

interface AuditRow {
  id: number;
  workshop_id: string | null;
  instructor_id: string;
  instructor_name: string;
  action: AuditAction;
  learner_id: string | null;
  learner_name: string | null;
  details: string | null;
  at: number;
}

export interface AuditRecord {
  instructor: InstructorIdentity;
  action: AuditAction;
  workshopId?: string | null;
  learner?: { id: string; name: string } | null;
  details?: string | null;
}

const entryOf = (row: AuditRow): AuditEntry => ({
  id: row.id,
  workshopId: row.workshop_id,
  instructor: { id: row.instructor_id, name: row.instructor_name },
  action: row.action,
  learner: row.learner_id === null ? null : { id: row.learner_id, name: row.learner_name ?? row.learner_id },
  details: row.details,
  at: row.at,
});

export class AuditTrail {
  constructor(
    private readonly db: Db,
    private readonly workshops: WorkshopStore,
  ) {}

  record(entry: AuditRecord, now = Date.now()): AuditEntry {
    const result = this.db
      .prepare(`INSERT INTO instructor_audit (workshop_id, instructor_id, instructor_name, action, learner_id, learner_name, details, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(entry.workshopId ?? null, entry.instructor.id, entry.instructor.name, entry.action, entry.learner?.id ?? null, entry.learner?.name ?? null, entry.details ?? null, now);
    return entryOf(this.db.prepare(`SELECT * FROM instructor_audit WHERE id = ?`).get(result.lastInsertRowid) as AuditRow);
  }

  /**
   * A workshop's log, newest first: its own entries, and the server's (logins, invites) from its
   * creation to its end.
   */
  forWorkshop(workshopId: string, limit = 500): AuditEntry[] {
    const workshop = this.workshops.get(workshopId);
    if (!workshop) return [];
    const rows = this.db
      .prepare(
        `SELECT * FROM instructor_audit
         WHERE workshop_id = ? OR (workshop_id IS NULL AND at >= ? AND at <= ?)
         ORDER BY at DESC, id DESC LIMIT ?`,
      )
      .all(workshopId, workshop.created_at, workshop.ended_at ?? Number.MAX_SAFE_INTEGER, limit) as AuditRow[];
    return rows.map(entryOf);
  }

  /** The learner a route names (by public id) as the log should call them, if they are in the workshop. */
  learner(workshopId: string, id: string): { id: string; name: string } | undefined {
    const row = this.workshops.learners(workshopId, true).find((l) => learnerId(l.session_id) === id);
    return row ? { id, name: row.display_name } : undefined;
  }
}
