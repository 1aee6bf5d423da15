import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type Command, CommandError, parseOptions } from './command.js';
import { backupUploadsDirOf, copyUploads, databaseFileOf, fsyncPath, mib, operatorConfig, tenths, uploadsDirOf } from './sqlite-files.js';

/** Pages copied per step of SQLite's backup: 16 MiB at the default page size, a progress line per few steps. */
const PAGES_PER_STEP = 4096;

export const POSTGRES_BACKUP_REFUSAL =
  'the database is PostgreSQL (DATABASE_URL): back it up with pg_dump, or pg_basebackup with WAL archiving for ' +
  'point-in-time recovery. PostgreSQL keeps its own backups consistent; a copy made through Parley would be slower ' +
  'and could not be restored to a point in time (docs/operations.md, "Backups and restore")';

/**
 * `parley backup --out FILE`: a consistent copy of the SQLite database taken while the server runs
 * (SQLite's online backup API, inside one read transaction: the copy is the database as of the
 * moment the command started, and the server goes on writing meanwhile), then the uploads beside it.
 *
 * The backup is a plain SQLite file (rollback journal, so it is one file): `sqlite3 FILE` opens it.
 * Uploads are copied as a plain directory `FILE.files`, no archive: what `parley restore` reads back,
 * and what rsync or any file backup handles. They are copied after the database, so every upload a
 * backed-up message refers to is in it (a file is stored before a message can name it).
 */
export const backupCommand: Command = {
  name: 'backup',
  summary: 'Copy the SQLite database and uploads while the server runs',
  usage: [
    'usage: parley backup --out FILE [--force]',
    '  Copies PARLEY_DATA_DIR/parley.db to FILE, consistently, while the server runs (SQLite online backup),',
    '  and the uploads (PARLEY_DATA_DIR/files) to the directory FILE.files. --force replaces an existing FILE.',
    '  PostgreSQL (DATABASE_URL set): use pg_dump or pg_basebackup instead; see docs/operations.md.',
  ].join('\n'),
  async run(args, ctx) {
    const options = parseOptions(args, { values: ['out'], flags: ['force'] });
    if (typeof options.out !== 'string') throw new CommandError('--out FILE is required: where to write the backup');
    const config = operatorConfig(ctx.env);
    if (config.databaseUrl) throw new CommandError(POSTGRES_BACKUP_REFUSAL);
    const database = databaseFileOf(config.dataDir);
    if (!fs.existsSync(database)) throw new CommandError(`no database at ${database} (is PARLEY_DATA_DIR right?)`);
    const out = path.resolve(options.out);
    if (out === database) throw new CommandError('--out names the database itself; write the backup elsewhere');
    if (!fs.statSync(path.dirname(out), { throwIfNoEntry: false })?.isDirectory()) {
      throw new CommandError(`no directory ${path.dirname(out)} to write ${path.basename(out)} in`);
    }
    const uploadsCopy = backupUploadsDirOf(out);
    if (!options.force && (fs.existsSync(out) || fs.existsSync(uploadsCopy))) {
      throw new CommandError(`${fs.existsSync(out) ? out : uploadsCopy} exists: name another file, or add --force to replace it`);
    }

    const started = Date.now();
    const partial = `${out}.partial`;
    fs.rmSync(partial, { force: true });
    const { pages, schemaVersion } = await copyDatabase(database, partial, tenths(ctx.say, 'copying the database'));
    fs.rmSync(out, { force: true });
    fs.renameSync(partial, out);
    fsyncPath(path.dirname(out));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    ctx.say(
      `database: ${database} copied to ${out} (${mib(fs.statSync(out).size)}, ${pages} pages, schema ${schemaVersion}, ${seconds} s)`,
    );

    const uploads = uploadsDirOf(config.dataDir);
    fs.rmSync(uploadsCopy, { recursive: true, force: true });
    if (fs.existsSync(uploads)) {
      const partialUploads = `${uploadsCopy}.partial`;
      fs.rmSync(partialUploads, { recursive: true, force: true });
      const copied = copyUploads(uploads, partialUploads);
      fs.renameSync(partialUploads, uploadsCopy);
      ctx.say(`uploads: ${copied.files} files (${mib(copied.bytes)}) copied from ${uploads} to ${uploadsCopy}`);
    } else {
      ctx.say(`uploads: none (no ${uploads})`);
    }
    ctx.say(`backup complete: restore it with parley restore --from ${out}`);
  },
};

/**
 * Copies the live database to `target` with SQLite's backup API. The source connection holds one
 * read transaction throughout: in WAL mode the server's writes go on beside it, and the copy is the
 * snapshot the transaction began on (without it, every write by the server would restart the copy,
 * which under steady traffic would never end).
 */
async function copyDatabase(
  source: string,
  target: string,
  progress: (done: number, total: number) => void,
): Promise<{ pages: number; schemaVersion: number }> {
  const db = new BetterSqlite3(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN');
    // The first read starts the snapshot.
    const schemaVersion = readSchemaVersion(db);
    const result = await db.backup(target, {
      progress({ totalPages, remainingPages }) {
        progress(totalPages - remainingPages, totalPages);
        return PAGES_PER_STEP;
      },
    });
    db.exec('COMMIT');
    const copy = new BetterSqlite3(target);
    try {
      // One self-contained file: a rollback journal instead of the live database's WAL.
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed its quick_check: ${String(check)}`);
    } finally {
      copy.close();
    }
    fsyncPath(target);
    return { pages: result.totalPages, schemaVersion };
  } catch (error) {
    fs.rmSync(target, { force: true });
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE_')) {
      throw new CommandError(`could not copy ${source}: ${error.message}`);
    }
    throw error;
  } finally {
    db.close();
  }
}

function readSchemaVersion(db: BetterSqlite3.Database): number {
  try {
    return db.prepare('SELECT COALESCE(MAX(version), 0) FROM schema_migrations').pluck().get() as number;
  } catch {
    throw new CommandError('the database has no schema_migrations table: it is not a Parley database');
  }
}
