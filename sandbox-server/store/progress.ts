// Lesson progress per session, lesson and step. Only the check engine writes here (an
// instructor's mark goes through it too): the browser has no way to mark a step done.
import type { Db } from './database.js';

export interface LessonProgressRow {
  session_id: string;
  lesson: string;
  opened_at: number;
  last_opened_at: number;
  /** The sandbox that received the lesson's starter files (copied once per sandbox). */
  files_sandbox_id: string | null;
}

export interface StepProgressRow {
  session_id: string;
  lesson: string;
  step: string;
  first_seen_at: number;
  done_at: number | null;
  attempts: number;
  last_checked_at: number | null;
  last_message: string | null;
  /** JSON of the last evaluation's per-check results. */
  last_results: string | null;
  /** When the learner skipped the step (it is still checked, and turns done if it ever passes). */
  skipped_at: number | null;
  /** The instructor who marked the step done (a check that misfired); null when its checks did. */
  marked_by: string | null;
  /** How many of the step's hints the learner showed. */
  hints_shown: number;
  /** When the learner first opened the step's solution. */
  solution_opened_at: number | null;
  /** Run buttons pressed while on the step (its solution's, or a code block's). */
  runs: number;
}

export interface StepOutcome {
  passed: boolean;
  message: string;
  results: unknown;
  /** The learner did something aimed at this step (a related command, "check"): count it as an attempt. */
  attempt: boolean;
}

export class ProgressStore {
  constructor(private readonly db: Db) {}

  /** Records an opening of a lesson; returns the row as it is afterwards. */
  open(sessionId: string, lesson: string, now = Date.now()): LessonProgressRow {
    this.db
      .prepare(
        `INSERT INTO lesson_progress (session_id, lesson, opened_at, last_opened_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (session_id, lesson) DO UPDATE SET last_opened_at = excluded.last_opened_at`,
      )
      .run(sessionId, lesson, now, now);
    return this.lesson(sessionId, lesson)!;
  }

  lesson(sessionId: string, lesson: string): LessonProgressRow | undefined {
    return this.db.prepare(`SELECT * FROM lesson_progress WHERE session_id = ? AND lesson = ?`).get(sessionId, lesson) as LessonProgressRow | undefined;
  }

  /** The lesson this session opened last, the one its page most likely shows. */
  lastOpened(sessionId: string): LessonProgressRow | undefined {
    return this.db.prepare(`SELECT * FROM lesson_progress WHERE session_id = ? ORDER BY last_opened_at DESC LIMIT 1`).get(sessionId) as LessonProgressRow | undefined;
  }

  setFilesSandbox(sessionId: string, lesson: string, sandboxId: string): void {
    this.db.prepare(`UPDATE lesson_progress SET files_sandbox_id = ? WHERE session_id = ? AND lesson = ?`).run(sandboxId, sessionId, lesson);
  }

  steps(sessionId: string, lesson: string): StepProgressRow[] {
    return this.db.prepare(`SELECT * FROM step_progress WHERE session_id = ? AND lesson = ?`).all(sessionId, lesson) as StepProgressRow[];
  }

  /** Every step row of a session, for summaries across lessons. */
  allSteps(sessionId: string): StepProgressRow[] {
    return this.db.prepare(`SELECT * FROM step_progress WHERE session_id = ?`).all(sessionId) as StepProgressRow[];
  }

  /**
   * Marks a step skipped: the steps after it are checked from now on. A done step cannot be
   * skipped (done is final); skipping twice keeps the first time. Returns the row afterwards.
   */
  skip(sessionId: string, lesson: string, step: string, now = Date.now()): StepProgressRow {
    return this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO step_progress (session_id, lesson, step, first_seen_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`)
        .run(sessionId, lesson, step, now);
      this.db
        .prepare(`UPDATE step_progress SET skipped_at = COALESCE(skipped_at, ?) WHERE session_id = ? AND lesson = ? AND step = ? AND done_at IS NULL`)
        .run(now, sessionId, lesson, step);
      return this.db.prepare(`SELECT * FROM step_progress WHERE session_id = ? AND lesson = ? AND step = ?`).get(sessionId, lesson, step) as StepProgressRow;
    })();
  }

  /**
   * An instructor marks a step done (`by`: their name) or not done (`by` null). Done this way is
   * done like any other, with who did it; not done clears it, and its checks decide again.
   */
  mark(sessionId: string, lesson: string, step: string, by: string | null, now = Date.now()): StepProgressRow {
    return this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO step_progress (session_id, lesson, step, first_seen_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`)
        .run(sessionId, lesson, step, now);
      if (by === null) {
        this.db.prepare(`UPDATE step_progress SET done_at = NULL, marked_by = NULL WHERE session_id = ? AND lesson = ? AND step = ?`).run(sessionId, lesson, step);
      } else {
        this.db
          .prepare(`UPDATE step_progress SET done_at = ?, marked_by = ?, skipped_at = NULL WHERE session_id = ? AND lesson = ? AND step = ? AND done_at IS NULL`)
          .run(now, by, sessionId, lesson, step);
      }
      return this.db.prepare(`SELECT * FROM step_progress WHERE session_id = ? AND lesson = ? AND step = ?`).get(sessionId, lesson, step) as StepProgressRow;
    })();
  }

  /** Counts help the learner used on a step: a hint shown (`hint`: its number, from 0), the solution opened, a Run button. */
  noteUse(sessionId: string, lesson: string, step: string, use: { kind: 'hint'; hint: number } | { kind: 'solution' | 'run' }, now = Date.now()): void {
    this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO step_progress (session_id, lesson, step, first_seen_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`)
        .run(sessionId, lesson, step, now);
      const where = `WHERE session_id = ? AND lesson = ? AND step = ?`;
      if (use.kind === 'hint') this.db.prepare(`UPDATE step_progress SET hints_shown = MAX(hints_shown, ?) ${where}`).run(use.hint + 1, sessionId, lesson, step);
      else if (use.kind === 'solution') this.db.prepare(`UPDATE step_progress SET solution_opened_at = COALESCE(solution_opened_at, ?) ${where}`).run(now, sessionId, lesson, step);
      else this.db.prepare(`UPDATE step_progress SET runs = runs + 1 ${where}`).run(sessionId, lesson, step);
    })();
  }

  /** Stores one evaluation of a step that was not done yet. Done is final: it never goes back. */
  record(sessionId: string, lesson: string, step: string, outcome: StepOutcome, now = Date.now()): StepProgressRow {
    return this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO step_progress (session_id, lesson, step, first_seen_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`)
        .run(sessionId, lesson, step, now);
      this.db
        .prepare(
          `UPDATE step_progress SET
             -- A step done by an engine event that came before the prompt returned (the
             -- command that did it) still took the learner one attempt.
             attempts = MAX(attempts + ?, CASE WHEN ? THEN 1 ELSE 0 END),
             last_checked_at = ?,
             last_message = ?,
             last_results = ?,
             done_at = CASE WHEN ? THEN ? ELSE NULL END
           WHERE session_id = ? AND lesson = ? AND step = ? AND done_at IS NULL`,
        )
        .run(outcome.attempt ? 1 : 0, outcome.passed ? 1 : 0, now, outcome.message, JSON.stringify(outcome.results), outcome.passed ? 1 : 0, now, sessionId, lesson, step);
      return this.db.prepare(`SELECT * FROM step_progress WHERE session_id = ? AND lesson = ? AND step = ?`).get(sessionId, lesson, step) as StepProgressRow;
    })();
  }
}
