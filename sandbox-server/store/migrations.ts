// Append only: each entry moves the schema one version forward. Never edit a shipped entry.
export const migrations: string[] = [
  `
  CREATE TABLE sandboxes (
    id             TEXT PRIMARY KEY,
    driver         TEXT NOT NULL,
    state          TEXT NOT NULL,
    session_id     TEXT,
    created_at     INTEGER NOT NULL,
    ready_at       INTEGER,
    assigned_at    INTEGER,
    expires_at     INTEGER,
    last_active_at INTEGER,
    ended_at       INTEGER,
    end_reason     TEXT
  );
  CREATE INDEX sandboxes_state ON sandboxes(state);
  CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    created_at   INTEGER NOT NULL,
    display_name TEXT,
    sandbox_id   TEXT
  );
  CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: lesson progress (per session, lesson and step) and the commands learners ran, which
  // `command` checks read. Commands belong to a sandbox: a reset starts a clean history.
  `
  CREATE TABLE lesson_progress (
    session_id       TEXT NOT NULL,
    lesson           TEXT NOT NULL,
    opened_at        INTEGER NOT NULL,
    last_opened_at   INTEGER NOT NULL,
    files_sandbox_id TEXT,
    PRIMARY KEY (session_id, lesson)
  );
  CREATE TABLE step_progress (
    session_id      TEXT NOT NULL,
    lesson          TEXT NOT NULL,
    step            TEXT NOT NULL,
    first_seen_at   INTEGER NOT NULL,
    done_at         INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_checked_at INTEGER,
    last_message    TEXT,
    last_results    TEXT,
    PRIMARY KEY (session_id, lesson, step)
  );
  CREATE TABLE shell_commands (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    sandbox_id TEXT NOT NULL,
    at         INTEGER NOT NULL,
    command    TEXT NOT NULL,
    exit_code  INTEGER NOT NULL
  );
  CREATE INDEX shell_commands_sandbox ON shell_commands(sandbox_id, at);
  `,
  // 3: classroom workshops and the learners who joined them (a learner is a session). Results
  // stay after a workshop ends: only its sandboxes go.
  `
  CREATE TABLE workshops (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    lessons       TEXT NOT NULL,
    expected_size INTEGER NOT NULL,
    session_ms    INTEGER NOT NULL,
    state         TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    started_at    INTEGER,
    ended_at      INTEGER
  );
  CREATE TABLE workshop_learners (
    session_id   TEXT PRIMARY KEY,
    workshop_id  TEXT NOT NULL REFERENCES workshops(id),
    display_name TEXT NOT NULL,
    joined_at    INTEGER NOT NULL,
    admitted_at  INTEGER,
    expires_at   INTEGER,
    removed_at   INTEGER
  );
  CREATE INDEX workshop_learners_workshop ON workshop_learners(workshop_id, joined_at);
  `,
  // 4: a learner may skip a step: recorded as skipped, never as done, and the steps after it
  // are checked from then on.
  `
  ALTER TABLE step_progress ADD COLUMN skipped_at INTEGER;
  `,
  // 5: an instructor may take a removed learner back. removed_at is the learner's removal now
  // (cleared on re-admission, so "removed" stays one column every query reads); readmitted_at,
  // the last re-admission, so the export still says they were out for a while.
  `
  ALTER TABLE workshop_learners ADD COLUMN readmitted_at INTEGER;
  `,
  // 6: named instructors, the one-time links that invite one (only a hash of the token is kept,
  // so the store never holds a working link), and the audit log of what each instructor did.
  // The log keeps the names as they were then: a later rename does not rewrite history.
  `
  CREATE TABLE instructors (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    invited_by TEXT
  );
  CREATE TABLE instructor_invites (
    token_hash    TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER,
    instructor_id TEXT
  );
  CREATE TABLE instructor_audit (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    workshop_id     TEXT,
    instructor_id   TEXT NOT NULL,
    instructor_name TEXT NOT NULL,
    action          TEXT NOT NULL,
    learner_id      TEXT,
    learner_name    TEXT,
    details         TEXT,
    at              INTEGER NOT NULL
  );
  CREATE INDEX instructor_audit_workshop ON instructor_audit(workshop_id, at);
  `,
  // 7: helping the room. Messages an instructor sent (session_id NULL: to everyone; else a hint
  // to that learner, one row per learner of a selection); hands learners raised, until they
  // lower them or an instructor clears them; and who marked a step done when a check misfired.
  `
  CREATE TABLE classroom_messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    workshop_id     TEXT NOT NULL,
    session_id      TEXT,
    text            TEXT NOT NULL,
    instructor_name TEXT NOT NULL,
    at              INTEGER NOT NULL
  );
  CREATE INDEX classroom_messages_workshop ON classroom_messages(workshop_id, at);
  CREATE TABLE classroom_hands (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    line       TEXT NOT NULL,
    raised_at  INTEGER NOT NULL,
    lowered_at INTEGER,
    lowered_by TEXT
  );
  CREATE INDEX classroom_hands_open ON classroom_hands(session_id, lowered_at);
  ALTER TABLE step_progress ADD COLUMN marked_by TEXT;
  `,
  // 8: what help a learner used on a step, for the exports: how many of its hints they showed,
  // when they first opened its solution, and how many Run buttons they pressed while on it.
  `
  ALTER TABLE step_progress ADD COLUMN hints_shown INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE step_progress ADD COLUMN solution_opened_at INTEGER;
  ALTER TABLE step_progress ADD COLUMN runs INTEGER NOT NULL DEFAULT 0;
  `,
  // 9: one-time links that move a learner to another browser (their laptop died). As with the
  // instructor invites, only a hash of the token is kept: the store never holds a working link.
  `
  CREATE TABLE learner_relinks (
    token_hash  TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL,
    workshop_id TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
  );
  `,
  // 10: the setups run in each sandbox (a lesson's own under step '', a step's under its id),
  // claimed before they run, so each runs at most once per sandbox, across reloads, reconnects
  // and restarts of the server.
  `
  CREATE TABLE setup_runs (
    sandbox_id  TEXT NOT NULL,
    lesson      TEXT NOT NULL,
    step        TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    exit_code   INTEGER,
    duration_ms INTEGER,
    PRIMARY KEY (sandbox_id, lesson, step)
  );
  `,
  // 11: a pooled sandbox on standby: its container runs and a shell can start in it, but its
  // Docker Engine waits until a learner claims it (a few MiB instead of the engine's 30).
  `
  ALTER TABLE sandboxes ADD COLUMN standby INTEGER NOT NULL DEFAULT 0;
  `,
];
