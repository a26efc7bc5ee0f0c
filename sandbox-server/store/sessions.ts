// Learner sessions: who holds which sandbox. A session outlives its sandboxes (reset gives a
// new one), so the learner keeps their identity and, later, their progress.
import type { Db } from './database.js';

export interface SessionRow {
  id: string;
  created_at: number;
  display_name: string | null;
  sandbox_id: string | null;
}

export class SessionStore {
  constructor(private readonly db: Db) {}

  create(id: string, displayName: string | null = null, now = Date.now()): SessionRow {
    this.db.prepare(`INSERT INTO sessions (id, created_at, display_name) VALUES (?, ?, ?)`).run(id, now, displayName);
    return this.get(id)!;
  }

  get(id: string): SessionRow | undefined {
    return this.db.prepare(`SELECT * FROM sessions WHERE id = ?`).get(id) as SessionRow | undefined;
  }

  setSandbox(id: string, sandboxId: string | null): void {
    this.db.prepare(`UPDATE sessions SET sandbox_id = ? WHERE id = ?`).run(sandboxId, id);
  }
}
