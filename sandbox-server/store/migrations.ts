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
];
