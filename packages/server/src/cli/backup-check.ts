import BetterSqlite3 from 'better-sqlite3';
import { SCHEMA_VERSION } from '../adapters/storage/sqlite/migrations.js';
import { CommandError } from './command.js';

/** Tables every Parley database has had since its first schema version. */
const PARLEY_TABLES = ['users', 'channels', 'members', 'messages', 'conversations'];

export interface BackupFacts {
  schemaVersion: number;
  users: number;
  messages: number;
}

/**
 * Whether `file` is a Parley SQLite backup this version can restore: an SQLite database with
 * Parley's tables and schema version (not newer than this code's: it would not know the data), that
 * passes SQLite's integrity_check. Throws the one-line refusal otherwise. Reads only.
 */
export function checkBackup(file: string, say: (line: string) => void): BackupFacts {
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new CommandError(`cannot open ${file}: ${(error as Error).message}`);
  }
  try {
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    const missing = [...PARLEY_TABLES, 'schema_migrations'].filter((t) => !tables.has(t));
    if (missing.length) throw new CommandError(`${file} is not a Parley backup: it has no ${missing.join(', ')} table`);
    const schemaVersion = db.prepare('SELECT COALESCE(MAX(version), 0) FROM schema_migrations').pluck().get() as number;
    if (schemaVersion > SCHEMA_VERSION) {
      throw new CommandError(
        `${file} has schema version ${schemaVersion}, made by a newer Parley (this one knows up to ${SCHEMA_VERSION}): restore it with that version`,
      );
    }
    say(`checking ${file} (SQLite integrity_check: reads the whole file)`);
    const problems = db.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
    const first = problems[0]?.integrity_check;
    if (problems.length !== 1 || first !== 'ok') {
      throw new CommandError(`${file} failed its integrity check (${problems.length} problems; the first: ${first})`);
    }
    return {
      schemaVersion,
      users: db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number,
      messages: db.prepare('SELECT COUNT(*) FROM messages').pluck().get() as number,
    };
  } catch (error) {
    if (error instanceof CommandError) throw error;
    // SQLITE_NOTADB, SQLITE_CORRUPT…: the file is not (or no longer) a sound SQLite database.
    throw new CommandError(`${file} is not a sound SQLite database: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}
