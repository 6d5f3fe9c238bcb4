import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './db.migrations.ts';

export type Db = Database.Database;

/** Opens the SQLite database (WAL, foreign keys on) and applies pending migrations. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  refuseNewerSchema(db);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** The database was written by a newer version of the product than this one. */
export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(`the database has schema version ${found}, newer than this version of the product knows (${known}); run the newer version, or restore a backup made by this one`);
    this.name = 'SchemaTooNewError';
  }
}

// Checked before anything else touches the file (even switching it to WAL).
function refuseNewerSchema(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    db.close();
    throw new SchemaTooNewError(current, MIGRATIONS.length);
  }
}

/**
 * Forward only: each pending migration runs in its own transaction with the version bump, so a
 * failed one leaves the database exactly as it was. A database from a newer version is refused
 * rather than written by code that does not know its shape.
 */
function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

/** ISO timestamp with milliseconds, the one format stored in every `*_at` column. */
export function nowIso(): string {
  return new Date().toISOString();
}
