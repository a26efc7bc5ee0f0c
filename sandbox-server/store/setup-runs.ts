// Which lesson and step setups ran in which sandbox. A setup is claimed here before it runs, so
// it runs at most once per sandbox: a page reload, a reconnect or a server restart finds the
// claim and leaves it be; a new sandbox (a reset) has none, so it runs there again.
import type { Db } from './database.js';

export interface SetupRunRow {
  sandbox_id: string;
  lesson: string;
  /** '' for the lesson's own setup. */
  step: string;
  started_at: number;
  /** Null while it runs (or when the server stopped before it ended). */
  exit_code: number | null;
  duration_ms: number | null;
}

export class SetupRunStore {
  constructor(private readonly db: Db) {}

  /** Claims the run; false when this setup was claimed in this sandbox before. */
  claim(sandboxId: string, lesson: string, step: string, now = Date.now()): boolean {
    const result = this.db
      .prepare(`INSERT INTO setup_runs (sandbox_id, lesson, step, started_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`)
      .run(sandboxId, lesson, step, now);
    return result.changes === 1;
  }

  finish(sandboxId: string, lesson: string, step: string, exitCode: number, durationMs: number): void {
    this.db.prepare(`UPDATE setup_runs SET exit_code = ?, duration_ms = ? WHERE sandbox_id = ? AND lesson = ? AND step = ?`).run(exitCode, durationMs, sandboxId, lesson, step);
  }

  get(sandboxId: string, lesson: string, step: string): SetupRunRow | undefined {
    return this.db.prepare(`SELECT * FROM setup_runs WHERE sandbox_id = ? AND lesson = ? AND step = ?`).get(sandboxId, lesson, step) as SetupRunRow | undefined;
  }

  /** Every setup run in a sandbox (tests and diagnostics). */
  of(sandboxId: string): SetupRunRow[] {
    return this.db.prepare(`SELECT * FROM setup_runs WHERE sandbox_id = ? ORDER BY started_at`).all(sandboxId) as SetupRunRow[];
  }
}
