// Server secrets (cookie signing key) generated once and kept in the store, so sessions survive
// restarts without the operator managing keys.
import crypto from 'node:crypto';
import type { Db } from './database.js';

export function secret(db: Db, name: string): string {
  const existing = db.prepare(`SELECT value FROM secrets WHERE name = ?`).get(name) as { value: string } | undefined;
  if (existing) return existing.value;
  const value = crypto.randomBytes(32).toString('base64url');
  db.prepare(`INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)`).run(name, value);
  return (db.prepare(`SELECT value FROM secrets WHERE name = ?`).get(name) as { value: string }).value;
}
