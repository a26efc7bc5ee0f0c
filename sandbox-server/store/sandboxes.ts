// Sandbox rows: the server's memory of every sandbox, so a restart knows what to re-adopt.
import type { Db } from './database.js';

export const LIVE_STATES = ['creating', 'pooled', 'assigned', 'active'] as const;
export const ENDED_STATES = ['expired', 'destroyed', 'failed'] as const;
export type SandboxState = (typeof LIVE_STATES)[number] | (typeof ENDED_STATES)[number];

export interface SandboxRow {
  id: string;
  driver: string;
  state: SandboxState;
  session_id: string | null;
  created_at: number;
  ready_at: number | null;
  assigned_at: number | null;
  expires_at: number | null;
  last_active_at: number | null;
  ended_at: number | null;
  end_reason: string | null;
  /** 1 while it waits in the pool with its engine not started (see SandboxPool); 0 otherwise. */
  standby: number;
}

/** Whether a row is a pooled sandbox waiting on standby (its engine not started). */
export const onStandby = (row: Pick<SandboxRow, 'state' | 'standby'>): boolean => row.state === 'pooled' && row.standby === 1;

export class SandboxStore {
  constructor(private readonly db: Db) {}

  insert(id: string, driver: string, now = Date.now()): void {
    this.db.prepare(`INSERT INTO sandboxes (id, driver, state, created_at) VALUES (?, ?, 'creating', ?)`).run(id, driver, now);
  }

  get(id: string): SandboxRow | undefined {
    return this.db.prepare(`SELECT * FROM sandboxes WHERE id = ?`).get(id) as SandboxRow | undefined;
  }

  live(): SandboxRow[] {
    return this.db.prepare(`SELECT * FROM sandboxes WHERE state IN ('creating','pooled','assigned','active') ORDER BY created_at`).all() as SandboxRow[];
  }

  /** A created sandbox joins the pool: warm (its engine answers) or on standby (its engine waits). */
  markPooled(id: string, standby = false, now = Date.now()): void {
    this.db.prepare(`UPDATE sandboxes SET state = 'pooled', ready_at = ?, standby = ? WHERE id = ? AND state = 'creating'`).run(now, standby ? 1 : 0, id);
  }

  /**
   * Atomically hands a pooled sandbox to a session, the oldest warm one before any on standby;
   * undefined when the pool is empty. The row returned still says whether it was on standby.
   */
  claimPooled(sessionId: string, lifetimeMs: number, now = Date.now()): SandboxRow | undefined {
    return this.db.transaction(() => {
      const row = this.db.prepare(`SELECT id, standby FROM sandboxes WHERE state = 'pooled' ORDER BY standby, ready_at LIMIT 1`).get() as { id: string; standby: number } | undefined;
      if (!row) return undefined;
      this.assign(row.id, sessionId, lifetimeMs, now);
      return { ...this.get(row.id)!, standby: row.standby };
    })();
  }

  /** Pooled sandboxes: warm ones, and those on standby. */
  countPooled(): { warm: number; standby: number } {
    const rows = this.db.prepare(`SELECT standby, COUNT(*) AS n FROM sandboxes WHERE state = 'pooled' GROUP BY standby`).all() as Array<{ standby: number; n: number }>;
    return { warm: rows.find((r) => r.standby === 0)?.n ?? 0, standby: rows.find((r) => r.standby === 1)?.n ?? 0 };
  }

  assign(id: string, sessionId: string, lifetimeMs: number, now = Date.now()): void {
    this.db
      .prepare(`UPDATE sandboxes SET state = 'assigned', session_id = ?, assigned_at = ?, expires_at = ?, last_active_at = ?, ready_at = COALESCE(ready_at, ?), standby = 0 WHERE id = ?`)
      .run(sessionId, now, now + lifetimeMs, now, now, id);
  }

  touch(id: string, now = Date.now()): void {
    this.db.prepare(`UPDATE sandboxes SET last_active_at = ?, state = CASE WHEN state = 'assigned' THEN 'active' ELSE state END WHERE id = ? AND state IN ('assigned','active')`).run(now, id);
  }

  extend(id: string, byMs: number): void {
    this.db.prepare(`UPDATE sandboxes SET expires_at = expires_at + ? WHERE id = ?`).run(byMs, id);
  }

  end(id: string, state: (typeof ENDED_STATES)[number], reason: string, now = Date.now()): void {
    this.db.prepare(`UPDATE sandboxes SET state = ?, end_reason = ?, ended_at = ? WHERE id = ? AND state NOT IN ('expired','destroyed','failed')`).run(state, reason, now, id);
  }

  /** Assigned or active sandboxes whose lifetime ran out or that nobody used for idleMs. */
  due(now: number, idleMs: number): Array<SandboxRow & { why: 'lifetime' | 'idle' }> {
    const rows = this.db
      .prepare(`SELECT * FROM sandboxes WHERE state IN ('assigned','active') AND (expires_at <= ? OR last_active_at <= ?)`)
      .all(now, now - idleMs) as SandboxRow[];
    return rows.map((row) => ({ ...row, why: (row.expires_at ?? Infinity) <= now ? 'lifetime' : 'idle' }));
  }

  countByState(): Record<string, number> {
    const rows = this.db.prepare(`SELECT state, COUNT(*) AS n FROM sandboxes GROUP BY state`).all() as Array<{ state: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }
}
