// The embedded store: one SQLite file in the data directory, in WAL mode so that a kill -9
// loses nothing that was committed. Schema changes are numbered migrations.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(dataPath: string, fileName = 'slipway.db'): Db {
  fs.mkdirSync(dataPath, { recursive: true, mode: 0o700 });
  const db = new Database(path.join(dataPath, fileName));
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across a process crash in WAL mode; only a power cut may lose the last
  // transactions, which is the accepted trade for not fsyncing every keystroke-driven write.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`The store was written by a newer Slipway (schema ${current}, this one knows ${migrations.length}). Upgrade Slipway or use another SLIPWAY_DATA_DIR.`);
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
