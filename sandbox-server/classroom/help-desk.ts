// Helping the room, in the store: the messages an instructor sent (to everyone, or a hint to
// chosen learners) and the hands learners raised ("I need help"), until they lower them or an
// instructor clears them. Only the server writes here: a learner raises and lowers their own
// hand, nothing else.
import type { Db } from '../store/database.js';

export interface SentMessage {
  /** `message`: to the whole room; `hint`: to this learner alone or in a selection. */
  action: 'message' | 'hint';
  text: string;
  by: string;
  at: number;
}

export interface RaisedHand {
  line: string;
  raisedAt: number;
}

interface MessageRow {
  session_id: string | null;
  text: string;
  instructor_name: string;
  at: number;
}

export class HelpDesk {
  constructor(private readonly db: Db) {}

  /** Records a message to everyone (`to` null) or one hint row per learner of `to`. */
  send(workshopId: string, to: string[] | null, text: string, by: string, at = Date.now()): void {
    const insert = this.db.prepare(`INSERT INTO classroom_messages (workshop_id, session_id, text, instructor_name, at) VALUES (?, ?, ?, ?, ?)`);
    this.db.transaction(() => {
      for (const sessionId of to ?? [null]) insert.run(workshopId, sessionId, text, by, at);
    })();
  }

  /** The latest message that reached this learner (to everyone or to them) since `since`. */
  latestFor(workshopId: string, sessionId: string, since: number): SentMessage | undefined {
    const row = this.db
      .prepare(`SELECT session_id, text, instructor_name, at FROM classroom_messages WHERE workshop_id = ? AND (session_id IS NULL OR session_id = ?) AND at >= ? ORDER BY id DESC LIMIT 1`)
      .get(workshopId, sessionId, since) as MessageRow | undefined;
    return row && { action: row.session_id === null ? 'message' : 'hint', text: row.text, by: row.instructor_name, at: row.at };
  }

  /** How many hints this learner was sent (for the exports). */
  hintsFor(sessionId: string): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM classroom_messages WHERE session_id = ?`).get(sessionId) as { n: number }).n;
  }

  /** Raises the learner's hand, or changes the line of the hand already up (it keeps its place). */
  raise(sessionId: string, line: string, at = Date.now()): RaisedHand {
    const open = this.open(sessionId);
    if (open) {
      this.db.prepare(`UPDATE classroom_hands SET line = ? WHERE session_id = ? AND lowered_at IS NULL`).run(line, sessionId);
      return { line, raisedAt: open.raisedAt };
    }
    this.db.prepare(`INSERT INTO classroom_hands (session_id, line, raised_at) VALUES (?, ?, ?)`).run(sessionId, line, at);
    return { line, raisedAt: at };
  }

  /** Lowers the learner's hand: themselves (`by` null) or an instructor cleared it. False when none was up. */
  lower(sessionId: string, by: string | null, at = Date.now()): boolean {
    return this.db.prepare(`UPDATE classroom_hands SET lowered_at = ?, lowered_by = ? WHERE session_id = ? AND lowered_at IS NULL`).run(at, by, sessionId).changes > 0;
  }

  /** The learner's hand while it is up. */
  open(sessionId: string): RaisedHand | null {
    const row = this.db.prepare(`SELECT line, raised_at FROM classroom_hands WHERE session_id = ? AND lowered_at IS NULL`).get(sessionId) as { line: string; raised_at: number } | undefined;
    return row ? { line: row.line, raisedAt: row.raised_at } : null;
  }
}
